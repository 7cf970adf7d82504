import { NodeOperationError, type IBinaryData, type IExecuteFunctions } from 'n8n-workflow';

import { cancelled, type Deadline, type RunControl } from '../transport/clock';
import { asNodeError } from '../transport/errors';
import { fieldLabel } from '../description/fields';
import { sniffImage, type ImageInfo } from './images';
import { formatBytes, limitsOf, MEGAPIXEL, type MediaField, type MediaLimits, type ModelSpec } from '../models';
import { sniffMp4, type VideoInfo } from './mp4';
import { fetchLimited, TooLarge } from '../transport/download';

/**
 * Media in: each media field of a request holds what the user typed (a binary property name, an
 * http(s) URL or a data: URL, or a list of them), and leaves as what BFL takes (raw base64, or the
 * URL where BFL fetches it itself).
 *
 * Limits are checked before the bytes are held: a binary property's stored size before it is read,
 * a URL's Content-Length and then a running byte count that stops the download, the pixel size and
 * length from the header. Every refusal names the field, the limit and the actual size; nothing is
 * sent to BFL.
 */

/** A timed keyframe: [seconds, image]. */
type TimedEntry = [number, string];
type MediaValue = string | Array<string | TimedEntry>;

export interface MediaFacts {
	/** Megapixels of every input image whose size is known. */
	inputMp: number;
	/** Size of each image field's first image, by API field name. */
	sizes: Record<string, { width: number; height: number }>;
	/** Inputs whose size is unknown (URLs BFL fetches itself). */
	unknownSizes: number;
	videoSeconds?: number;
	videoMp?: number;
}

type Sniffed = (ImageInfo | VideoInfo) & { durationSeconds?: number };

const DATA_URL = /^data:([^;,]*)(;base64)?,/i;
const HTTP_URL = /^https?:\/\//i;
const HEAD_BYTES = 64 * 1024;

class MediaError {
	constructor(
		readonly message: string,
		readonly description?: string,
	) {}
}

function kindText(field: MediaField): string {
	return field.media === 'video' ? 'video' : field.media === 'bundle' ? 'file' : 'image';
}

/** Refuses a size over the field's limit. `atLeast`: the download stopped there, the file is larger. */
function sizeProblem(field: MediaField, model: ModelSpec, limits: MediaLimits, bytes: number, atLeast = false): MediaError {
	return new MediaError(
		`the ${kindText(field)} is ${atLeast ? 'over ' : ''}${formatBytes(bytes)}; ${model.displayName} takes at most ${formatBytes(limits.maxBytes)} per ${kindText(field)}`,
		'Nothing was sent to BFL. Use a smaller file (or scale the image down).',
	);
}

/** Checks what a header tells: the right kind of file, its pixel size, its length. */
function checkShape(field: MediaField, model: ModelSpec, limits: MediaLimits, info: Sniffed | undefined, source: string): MediaError | undefined {
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
			return new MediaError(`${source} is ${width}×${height}; ${model.displayName} needs at least ${limits.minSide}×${limits.minSide}`);
		}
		if (limits.maxWidth && limits.maxHeight) {
			// A size limit holds in either orientation (2560×1440 admits a 1440×2560 portrait clip).
			const [longSide, shortSide] = [Math.max(width, height), Math.min(width, height)];
			if (longSide > Math.max(limits.maxWidth, limits.maxHeight) || shortSide > Math.min(limits.maxWidth, limits.maxHeight)) {
				return new MediaError(`${source} is ${width}×${height}; ${model.displayName} takes at most ${limits.maxWidth}×${limits.maxHeight}`);
			}
		}
	}
	if (field.media === 'video') {
		if (info.durationSeconds === undefined) return new MediaError(`${source}: could not read the video's length (is it a complete MP4?)`);
		if (limits.maxSeconds && info.durationSeconds > limits.maxSeconds + 0.05) {
			return new MediaError(
				`${source} is ${info.durationSeconds.toFixed(1)} s long; ${model.displayName} takes at most ${limits.maxSeconds} s`,
				'Nothing was sent to BFL. Trim the video first.',
			);
		}
	}
	return undefined;
}

export function sniffMedia(bytes: Buffer): Sniffed | undefined {
	return sniffImage(bytes) ?? sniffMp4(bytes);
}

/** The stored size of a binary property, without reading its data. */
async function storedSize(context: IExecuteFunctions, binary: IBinaryData): Promise<number> {
	if (typeof binary.bytes === 'number') return binary.bytes;
	if (binary.id) {
		const metadata = await context.helpers.getBinaryMetadata(binary.id);
		return Number(metadata.fileSize);
	}
	const base64 = binary.data ?? '';
	const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
	return Math.floor((base64.length * 3) / 4) - padding;
}

/** The first bytes of stored binary data, enough to recognise the file and read its size. */
export async function binaryHead(
	context: { helpers: Pick<IExecuteFunctions['helpers'], 'getBinaryStream'> },
	binary: IBinaryData,
	length = HEAD_BYTES,
): Promise<Buffer> {
	if (binary.id) {
		const stream = await context.helpers.getBinaryStream(binary.id, length);
		for await (const chunk of stream) {
			stream.destroy();
			return Buffer.from(chunk as Buffer);
		}
		return Buffer.alloc(0);
	}
	return Buffer.from((binary.data ?? '').slice(0, Math.ceil((length * 4) / 3)), 'base64');
}

/** The user's text for a list field: entries separated by commas or new lines, `3.5: name` timed. */
export function parseMediaList(value: unknown, timed: boolean): Array<string | TimedEntry> {
	const entries: unknown[] = Array.isArray(value) ? value : String(value ?? '').split(/[\n,]+/);
	const parsed: Array<string | TimedEntry> = [];
	for (const entry of entries) {
		if (Array.isArray(entry) && entry.length === 2) {
			parsed.push([Number(entry[0]), String(entry[1]).trim()]);
			continue;
		}
		const text = String(entry ?? '').trim();
		if (!text) continue;
		const time = timed ? /^(\d+(?:\.\d+)?)\s*s?\s*:\s*(\S.*)$/.exec(text) : null;
		parsed.push(time ? [Number(time[1]), time[2].trim()] : text);
	}
	return parsed;
}

interface ResolveInput {
	context: IExecuteFunctions;
	itemIndex: number;
	model: ModelSpec;
	body: Record<string, unknown>;
	fields: MediaField[];
	deadline: Deadline;
	control: RunControl;
}

/** One entry: a binary property name, a URL or a data URL → base64 or the URL as is. */
async function resolveOne(input: ResolveInput, field: MediaField, reference: string, facts: MediaFacts): Promise<string> {
	const { context, itemIndex, model } = input;
	const limits = limitsOf(field);
	const note = (info: Sniffed | undefined) => {
		if (!info?.width || !info.height) return;
		if (field.media === 'image') {
			facts.inputMp += (info.width * info.height) / MEGAPIXEL;
			facts.sizes[field.api] ??= { width: info.width, height: info.height };
		} else if (field.media === 'video') {
			facts.videoMp = (info.width * info.height) / MEGAPIXEL;
			facts.videoSeconds = info.durationSeconds;
		}
	};
	const check = (bytes: Buffer, source: string) => {
		if (bytes.length > limits.maxBytes) throw sizeProblem(field, model, limits, bytes.length);
		const info = field.media === 'bundle' ? undefined : sniffMedia(bytes);
		const problem = checkShape(field, model, limits, info, source);
		if (problem) throw problem;
		note(info);
		return bytes.toString('base64');
	};

	if (HTTP_URL.test(reference)) {
		if (field.acceptsUrl) {
			facts.unknownSizes++;
			return reference; // BFL fetches it; its own limits apply
		}
		let bytes: Buffer | undefined;
		let failure: unknown;
		try {
			bytes = await fetchLimited(context, reference, {
				maxBytes: limits.maxBytes,
				deadline: input.deadline,
				control: input.control,
				// Refuse by the bytes as soon as the first ones arrive, whatever the extension says.
				accept: field.media === 'bundle' ? undefined : (head) => !checkShape(field, model, { maxBytes: limits.maxBytes }, sniffMedia(head), reference),
			});
		} catch (error) {
			failure = error;
		}
		if (input.control.signal.aborted) throw cancelled(input.control);
		if (failure instanceof TooLarge) throw sizeProblem(field, model, limits, failure.bytes, failure.atLeast);
		if (failure || !bytes) throw new MediaError(`could not download ${reference}: ${(failure as Error)?.message ?? 'no data'}`);
		return check(bytes, reference);
	}

	const dataUrl = DATA_URL.exec(reference);
	if (dataUrl) {
		const base64 = reference.slice(dataUrl[0].length);
		const size = Math.floor((base64.length * 3) / 4);
		if (size > limits.maxBytes) throw sizeProblem(field, model, limits, size);
		return check(Buffer.from(base64, 'base64'), 'the data URL');
	}

	const item = context.getInputData()[itemIndex];
	const binary = item.binary?.[reference];
	if (!binary) {
		const available = Object.keys(item.binary ?? {});
		throw new MediaError(
			`the input item has no binary property "${reference}"`,
			available.length
				? `Binary properties on this item: ${available.join(', ')}. Or enter an http(s) URL.`
				: 'The input item carries no binary data. Connect a node that outputs a file (e.g. Read/Write Files, Google Drive, HTTP Request) or enter an http(s) URL.',
		);
	}
	const source = `binary property "${reference}"`;
	const size = await storedSize(context, binary);
	if (size > limits.maxBytes) throw sizeProblem(field, model, limits, size);
	if (field.media !== 'bundle') {
		// An image's header tells its kind and size; a video's length may sit at its end.
		const head = field.media === 'image' ? await binaryHead(context, binary) : undefined;
		const problem = head ? checkShape(field, model, limits, sniffMedia(head), `${source} (${binary.mimeType || 'unknown type'})`) : undefined;
		if (problem) throw problem;
	}
	return check(await context.helpers.getBinaryDataBuffer(itemIndex, reference), `${source} (${binary.mimeType || 'unknown type'})`);
}

/**
 * Replaces each media field of the body with what BFL takes, checking every limit first. Returns
 * what was learnt of the inputs (sizes, megapixels, a video's length) for the price and the
 * megapixel budget.
 */
export async function resolveMedia(input: ResolveInput): Promise<MediaFacts> {
	const facts: MediaFacts = { inputMp: 0, sizes: {}, unknownSizes: 0 };
	for (const field of input.fields) {
		const value = input.body[field.api] as MediaValue | undefined;
		if (value === undefined) continue;
		try {
			if (Array.isArray(value)) {
				const resolved: Array<string | TimedEntry> = [];
				for (const entry of value) {
					resolved.push(
						Array.isArray(entry)
							? [entry[0], await resolveOne(input, field, entry[1], facts)]
							: await resolveOne(input, field, entry, facts),
					);
				}
				input.body[field.api] = resolved;
			} else {
				input.body[field.api] = await resolveOne(input, field, value, facts);
			}
		} catch (error) {
			if (!(error instanceof MediaError)) throw asNodeError(input.context.getNode(), error, input.itemIndex);
			throw new NodeOperationError(input.context.getNode(), `${fieldLabel(field)}: ${error.message}`, {
				itemIndex: input.itemIndex,
				description: error.description ?? 'Nothing was sent to BFL.',
			});
		}
	}
	checkSizes(input, facts);
	return facts;
}

/** Masks the size of their image; FLUX.2 [pro]'s budget for inputs plus output. */
function checkSizes(input: ResolveInput, facts: MediaFacts): void {
	const { model, body, context, itemIndex } = input;
	const fail = (field: MediaField | undefined, message: string) =>
		new NodeOperationError(context.getNode(), `${field ? `${fieldLabel(field)}: ` : ''}${message}`, {
			itemIndex,
			description: 'Nothing was sent to BFL.',
		});
	for (const field of input.fields) {
		const other = field.sameSizeAs;
		const size = facts.sizes[field.api];
		const expected = other ? facts.sizes[other] : undefined;
		if (size && expected && (size.width !== expected.width || size.height !== expected.height)) {
			throw fail(field, `the mask is ${size.width}×${size.height} but the image is ${expected.width}×${expected.height}; they must be the same size`);
		}
	}
	if (model.totalMegapixels && facts.unknownSizes === 0) {
		const outputMp = outputMegapixels(model, body, facts);
		const total = facts.inputMp + outputMp;
		if (total > model.totalMegapixels + 1e-9) {
			throw fail(
				undefined,
				`the input images (${facts.inputMp.toFixed(1)} MP) and the output (${outputMp.toFixed(1)} MP) add up to ${total.toFixed(1)} MP; ${model.displayName} takes at most ${model.totalMegapixels} MP in all`,
			);
		}
	}
}

/** The output's megapixels as BFL will choose them, from the body and the first input. */
export function outputMegapixels(model: ModelSpec, body: Record<string, unknown>, facts: Pick<MediaFacts, 'sizes'>): number {
	const width = Number(body.width);
	const height = Number(body.height);
	if (width > 0 && height > 0) return (width * height) / MEGAPIXEL;
	const first = Object.values(facts.sizes)[0];
	if (first && model.operations.some((operation) => operation !== 'generate')) {
		const pixels = first.width * first.height;
		return Math.min(pixels, model.maxPixels ?? pixels) / MEGAPIXEL;
	}
	return 1;
}
