import {
	formatBytes,
	MEGAPIXEL,
	type MediaField,
	type MediaLimits,
	type ModelSpec,
} from '../models';
import type { Sniffed } from './binary';

/**
 * A media input's limits, checked from what is known before its bytes are held: its size, and
 * what its header tells (kind, pixel size, length). Every refusal names the limit and the actual
 * value; inputs.ts adds the field.
 */

export class MediaError {
	constructor(
		readonly message: string,
		readonly description?: string,
	) {}
}

function kindText(field: MediaField): string {
	return field.media === 'video' ? 'video' : field.media === 'bundle' ? 'file' : 'image';
}

/** Refuses a size over the field's limit. `atLeast`: the download stopped there, the file is larger. */
export function sizeProblem(
	field: MediaField,
	model: ModelSpec,
	limits: MediaLimits,
	bytes: number,
	atLeast = false,
): MediaError {
	return new MediaError(
		`the ${kindText(field)} is ${atLeast ? 'over ' : ''}${formatBytes(bytes)}; ${model.displayName} takes at most ${formatBytes(limits.maxBytes)} per ${kindText(field)}`,
		'Nothing was sent to BFL. Use a smaller file (or scale the image down).',
	);
}

/** Checks what a header tells: the right kind of file, its pixel size, its length. */
export function checkShape(
	field: MediaField,
	model: ModelSpec,
	limits: MediaLimits,
	info: Sniffed | undefined,
	source: string,
): MediaError | undefined {
	if (field.media === 'bundle') return undefined;
	const expected = field.media === 'video' ? 'an MP4 video' : 'a PNG, JPEG, WebP or GIF image';
	if (!info || (field.media === 'video') !== (info.mimeType === 'video/mp4')) {
		return new MediaError(`${source} is not ${expected}${info ? ` (it is ${info.mimeType})` : ''}`);
	}
	const { width, height } = info;
	if (width && height) {
		const megapixels = (width * height) / MEGAPIXEL;
		if (limits.maxMegapixels && megapixels > limits.maxMegapixels + 1e-9) {
			return new MediaError(
				`${source} is ${width}×${height} = ${megapixels.toFixed(1)} MP; ${model.displayName} takes at most ${limits.maxMegapixels} MP`,
			);
		}
		if (limits.minSide && (width < limits.minSide || height < limits.minSide)) {
			return new MediaError(
				`${source} is ${width}×${height}; ${model.displayName} needs at least ${limits.minSide}×${limits.minSide}`,
			);
		}
		if (limits.maxWidth && limits.maxHeight) {
			// A size limit holds in either orientation (2560×1440 admits a 1440×2560 portrait clip).
			const [longSide, shortSide] = [Math.max(width, height), Math.min(width, height)];
			if (
				longSide > Math.max(limits.maxWidth, limits.maxHeight) ||
				shortSide > Math.min(limits.maxWidth, limits.maxHeight)
			) {
				return new MediaError(
					`${source} is ${width}×${height}; ${model.displayName} takes at most ${limits.maxWidth}×${limits.maxHeight}`,
				);
			}
		}
	}
	if (field.media === 'video') {
		if (info.durationSeconds === undefined)
			return new MediaError(`${source}: could not read the video's length (is it a complete MP4?)`);
		if (limits.maxSeconds && info.durationSeconds > limits.maxSeconds + 0.05) {
			return new MediaError(
				`${source} is ${info.durationSeconds.toFixed(1)} s long; ${model.displayName} takes at most ${limits.maxSeconds} s`,
				'Nothing was sent to BFL. Trim the video first.',
			);
		}
	}
	return undefined;
}
