import { prompt, roundCredits, safetyTolerance, user } from './builders';
import { MB } from './limits';
import type { FieldSpec, MediaLimits, ModelSpec, Operation, PriceInput } from './types';

/**
 * FLUX 3 Video in its four modes (bfl-api-2026.md §5.2), and what the video tools share
 * (videoTools.ts). The result is an MP4. No seed and no webhook on flux-3-video. Videos count
 * against their own limit of 5 active tasks.
 */

export const VIDEO_SAFETY_MAX = 4;
const CREATIVE: Operation[] = ['generate', 'animate', 'extend'];

/** Longest output: used to price a video whose duration BFL picks. */
export const MAX_VIDEO_SECONDS = 20;

// Keyframes: PNG, JPEG or WebP, at most 20 MB and at least 256×256 each (bfl-api-2026-12.md §1.7);
// FLUX 3's 16 MP per reference image assumed [uncertain].
const keyframeLimits: Partial<MediaLimits> = { maxBytes: 20 * MB, minSide: 256, maxMegapixels: 16 };

/** Timed keyframes at least one frame (24 fps) apart. */
export const MIN_KEYFRAME_GAP_SECONDS = 1 / 24;

// Credits per second of output (docs pricing via a brief, consistent with fal's figures).
const PER_SECOND: Record<string, Record<string, number>> = {
	new: { hd: 17, fhd: 29, qhd: 40, uhd: 80 },
	continuation: { hd: 41, fhd: 53, qhd: 65, uhd: 95 },
};
const DRAFT_PER_SECOND = { new: 6, continuation: 12 };

function flux3VideoPrice({ body, seconds }: PriceInput): number {
	const length = seconds ?? MAX_VIDEO_SECONDS;
	const kind = body.mode === 'v2v' ? 'continuation' : 'new';
	if (body.draft === true) return roundCredits(DRAFT_PER_SECOND[kind] * length);
	const resolution = String(body.resolution ?? (body.mode === 'draft_enhance' ? 'fhd' : 'hd'));
	return roundCredits((PER_SECOND[kind][resolution] ?? PER_SECOND[kind].uhd) * length);
}

/** Short side of the output by resolution tier. */
const SHORT_SIDE: Record<string, number> = { hd: 720, fhd: 1080, qhd: 1440, uhd: 2160 };

function resolution(defaultValue: string, operations: Operation[]): FieldSpec {
	return {
		api: 'resolution',
		kind: 'options',
		scale: true,
		values: ['hd', 'fhd', 'qhd', 'uhd'],
		labels: { hd: 'HD (720p)', fhd: 'Full HD (1080p)', qhd: 'QHD (1440p)', uhd: 'UHD (4K)' },
		default: defaultValue,
		operations,
		description: 'Output resolution; QHD and UHD are finished by an upsampler and cost more',
	};
}

function duration(max: number, operations: Operation[], description: string): FieldSpec {
	return {
		api: 'duration',
		kind: 'integer',
		min: 5,
		max,
		default: 0,
		zeroMeansAuto: true,
		autoKeyword: 'auto',
		operations,
		description,
		hint: `Whole seconds, 5 to ${max}; 0 = automatic (BFL picks the length)`,
	};
}

export function videoInput(
	api: string,
	description: string,
	limits: Partial<MediaLimits>,
	operations?: Operation[],
): FieldSpec {
	return {
		api,
		kind: 'media',
		media: 'video',
		acceptsUrl: true,
		required: true,
		default: 'data',
		operations,
		limits,
		description: `${description}: the name of a binary property of the input item, or an http(s) URL`,
		hint: 'An MP4 from a binary property (e.g. data) or an http(s) URL; at most 50 MB',
	};
}

export const VIDEO_MODELS: ModelSpec[] = [
	{
		id: 'flux-3-video',
		displayName: 'FLUX 3 Video',
		description: 'Video with synchronized audio, 24 fps, 5 to 20 s (preview)',
		resource: 'video',
		operations: ['generate', 'animate', 'extend', 'enhance'],
		versions: [2],
		bucket: 'video',
		rejectsUnknownFields: true,
		stages: ['Reasoning', 'Generating'],
		outputSize: { shortSide: SHORT_SIDE },
		fixed: {
			generate: { mode: 't2v' },
			animate: { mode: 'i2v' },
			extend: { mode: 'v2v' },
			enhance: { mode: 'draft_enhance' },
		},
		price: flux3VideoPrice,
		operationOf: (body) => modeOperation(body.mode),
		checks: [
			(body, operation) => {
				const frames = body.keyframes;
				if ((operation ?? modeOperation(body.mode)) !== 'animate' || !Array.isArray(frames))
					return undefined;
				const timed = frames.filter((frame) => Array.isArray(frame)).length;
				if (timed > 0 && timed < frames.length) {
					return {
						field: 'keyframes',
						type: 'value_error',
						message: 'must be all plain images or all timed (seconds: image); got a mix',
					};
				}
				if (
					timed === 0 &&
					frames.length >= 3 &&
					(body.duration === undefined || body.duration === 'auto')
				) {
					return {
						field: 'duration',
						type: 'missing',
						message: 'is required with 3 or more untimed keyframes (5 to 20)',
					};
				}
				return timed > 0
					? keyframeTimes(frames as Array<[number, unknown]>, body.duration)
					: undefined;
			},
		],
		fields: [
			{ ...prompt(true, 'The scene: action, camera, sound and dialogue'), operations: CREATIVE },
			{
				api: 'keyframes',
				kind: 'media',
				media: 'image',
				acceptsUrl: true,
				required: true,
				default: 'data',
				operations: ['animate'],
				list: { min: 1, max: 10, timed: true, maxSeconds: MAX_VIDEO_SECONDS },
				limits: keyframeLimits,
				description:
					'1 to 10 images: one = first frame, two = first and last, more = spread evenly. Binary property names or URLs, separated by commas or new lines; "3.5: data2" places an image at 3.5 s.',
				hint: 'E.g. data, data2, or timed: 0: data, 4: https://…/end.png. Three or more untimed images need a duration.',
			},
			// The clip to continue: at most 15 s and 50 MB (bfl-api-2026-12.md §1.8).
			videoInput('start_video', 'The video to continue from its last frames', { maxSeconds: 15 }, [
				'extend',
			]),
			{
				api: 'draft_cache',
				kind: 'media',
				media: 'bundle',
				acceptsUrl: true,
				required: true,
				default: '',
				operations: ['enhance'],
				description:
					"The draft's cache: its draftCache URL (while valid) or the downloaded bundle as a binary property",
				hint: 'The draftCache URL from a FLUX 3 Video run with Draft on',
			},
			{
				api: 'aspect_ratio',
				kind: 'options',
				scale: true,
				values: ['auto', '21:9', '2:1', '16:9', '4:3', '1:1', '3:4', '9:16'],
				labels: { auto: 'Auto' },
				default: 'auto',
				operations: CREATIVE,
				description: 'Shape of the video',
			},
			duration(
				20,
				['generate', 'animate'],
				'Length in whole seconds, 5 to 20; leave 0 for automatic',
			),
			duration(
				15,
				['extend'],
				'Length of the new part in whole seconds, 5 to 15; leave 0 for automatic',
			),
			resolution('hd', CREATIVE),
			resolution('fhd', ['enhance']),
			{
				api: 'generate_audio',
				kind: 'boolean',
				default: true,
				advanced: true,
				operations: CREATIVE,
				description: 'Whether to generate synchronized audio',
			},
			{
				api: 'draft',
				kind: 'boolean',
				default: false,
				advanced: true,
				operations: CREATIVE,
				description:
					'Whether to make a fast, cheap preview; its draftCache can be enhanced to full quality later',
			},
			safetyTolerance(VIDEO_SAFETY_MAX),
			{
				api: 'version',
				kind: 'string',
				default: 'latest',
				advanced: true,
				operations: CREATIVE,
				description: 'Model version',
			},
			{ ...user(), operations: CREATIVE },
		],
	},
];

/**
 * Timed keyframes: strictly ascending, at least one frame apart, and inside the video: its
 * duration when one is given (with "auto" BFL ends the clip at the last one, at most 20 s).
 */
function keyframeTimes(frames: Array<[number, unknown]>, duration: unknown) {
	const length = typeof duration === 'number' ? duration : MAX_VIDEO_SECONDS;
	for (let index = 0; index < frames.length; index++) {
		const at = frames[index][0];
		const previous = index > 0 ? frames[index - 1][0] : undefined;
		if (previous !== undefined && at - previous < MIN_KEYFRAME_GAP_SECONDS - 1e-9) {
			return {
				field: 'keyframes',
				type: 'value_error',
				message: `must be at least 1/24 s apart and in ascending order; got ${previous} s then ${at} s`,
			};
		}
		if (at > length + 1e-9) {
			return {
				field: 'keyframes',
				type: 'value_error',
				message: `must lie inside the video (0 to ${length} s); got a keyframe at ${at} s`,
			};
		}
	}
	return undefined;
}

/** The node operation a flux-3-video `mode` stands for (long aliases included). */
export function modeOperation(mode: unknown): Operation | undefined {
	const aliases: Record<string, Operation> = {
		t2v: 'generate',
		'text-to-video': 'generate',
		i2v: 'animate',
		'image-continuation': 'animate',
		v2v: 'extend',
		'video-continuation': 'extend',
		draft_enhance: 'enhance',
		'draft-enhance': 'enhance',
	};
	return typeof mode === 'string' ? aliases[mode] : undefined;
}
