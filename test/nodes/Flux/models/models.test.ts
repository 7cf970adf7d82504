/**
 * The model table against the references (../shared/bfl-api.md §2 for the classic endpoints,
 * ../shared/bfl-api-2026.md for FLUX 3, the Tools, video and the klein LoRAs), transcribed here a
 * second time and independently: a typo in either transcription shows up as a mismatch.
 *
 * Where the references leave a value in doubt and the table picks one, the test accepts the
 * table's value but checks that the table says so in a comment (DOUBTS below).
 */
import {
	BUCKET_LIMITS,
	fieldsFor,
	limitsOf,
	modelLabel,
	MODELS,
	MODELS_BY_ID,
	modelsFor,
	pathOf,
	referenceImageCount,
	type ConcurrencyBucket,
	type FieldSpec,
	type MediaLimits,
	type ModelSpec,
	type NumberField,
	type Operation,
	type PriceInput,
} from '../../../../nodes/Flux/models';
import { readSource } from '../../../support/node-helpers';

const MB = 1000 * 1000; // BFL's "MB", read as 10^6 bytes (the stricter reading)

/** [min, max, default, multipleOf]; keys are API names, or `api@operation` where a field differs by operation. */
type Range = [min: number, max: number | undefined, defaultValue: number, multipleOf?: number];

interface Media {
	media: 'image' | 'video' | 'bundle';
	acceptsUrl: boolean;
	list?: { min: number; max: number; timed?: boolean; maxSeconds?: number };
	sameSizeAs?: string;
	/** Limits the reference states for this input (checked against the effective limits). */
	limits?: Partial<MediaLimits>;
}

interface Expected {
	section: string;
	path: string;
	resource: 'image' | 'video';
	operations: Operation[];
	versions: number[];
	bucket: ConcurrencyBucket;
	/** Every field of the endpoint (a field listed twice has two definitions, by operation). */
	fields: string[];
	/** The fields of each operation, where the operations differ. Default: `fields` minus `editOnly` for generate. */
	byOperation?: Partial<Record<Operation, string[]>>;
	/** Fields only the edit operation shows (reference images). */
	editOnly?: string[];
	required: string[];
	numbers: Record<string, Range>;
	/** Numbers where 0 means "let BFL choose" (not sent). */
	autoZero?: string[];
	booleans: Record<string, boolean>;
	options: Record<string, [values: Array<string | number>, defaultValue: string | number]>;
	strings?: Record<string, string>;
	/** Default of the W:H aspect-ratio field (FLUX.1), '' = not sent. */
	aspectRatio?: string;
	media: Record<string, Media>;
	references: number;
	legacy?: boolean;
	rejectsUnknownFields?: boolean;
	finetuneHost?: boolean;
	requireOneOf?: string[];
	maxPixels?: number;
	totalMegapixels?: number;
	fixed?: Partial<Record<Operation, Record<string, string>>>;
	prices: Array<[input: Partial<PriceInput>, credits: number]>;
}

const WEBHOOK = ['webhook_url', 'webhook_secret'];
const REFS8 = ['input_image', ...[2, 3, 4, 5, 6, 7, 8].map((n) => `input_image_${n}`)];
const REFS4 = REFS8.slice(0, 4);
const FLUX2_SIZE: Record<string, Range> = {
	width: [64, undefined, 0, 16],
	height: [64, undefined, 0, 16],
};
const FLUX1_SIZE: Record<string, Range> = {
	width: [256, 1440, 1024, 32],
	height: [256, 1440, 768, 32],
};
const SEED: Record<string, Range> = { seed: [0, 4294967295, 0] };
const MODERN = ['jpeg', 'png', 'webp'];
/** BFL's OpenAPI has one output_format enum, jpeg|png|webp, on every endpoint it serves (bfl-api-2026-12.md, issue 19). */
const FLUX1_FORMATS: Expected['options'] = { output_format: [MODERN, 'jpeg'] };
/** Canny and Depth were removed in 2025, before the shared enum: as bfl-api.md §2.12–2.13 lists them. */
const RETIRED_FORMATS: Expected['options'] = { output_format: [['jpeg', 'png'], 'jpeg'] };
const FOUR_MP = 2048 * 2048;
/** BFL: 20 MB or 20 MP per FLUX.2 / Kontext input image (bfl-api.md §1.6). */
const FLUX2_INPUT: Partial<MediaLimits> = { maxBytes: 20 * MB, maxMegapixels: 20 };

function references(apis: string[], acceptsUrl: boolean): Record<string, Media> {
	return Object.fromEntries(
		apis.map((api) => [api, { media: 'image' as const, acceptsUrl, limits: FLUX2_INPUT }]),
	);
}

function base(
	section: string,
	path: string,
): Pick<Expected, 'section' | 'path' | 'resource' | 'versions' | 'bucket'> {
	return { section, path, resource: 'image', versions: [1, 2], bucket: 'standard' };
}

/** Credits per megapixel: first output MP, then each extra output MP and each input MP (bfl-api.md §5). */
function perMp(first: number, extra: number): Expected['prices'] {
	return [
		[{ outputMp: 1, inputMp: 0 }, first],
		[{ outputMp: 1, inputMp: 1 }, Math.round((first + extra) * 10) / 10],
		[{ outputMp: 2, inputMp: 0 }, Math.round((first + extra) * 10) / 10],
	];
}

function flux2(section: string, path: string, prices: Expected['prices']): Expected {
	return {
		...base(section, path),
		operations: ['generate', 'edit'],
		fields: [
			'prompt',
			...REFS8,
			'width',
			'height',
			'seed',
			'disable_pup',
			'safety_tolerance',
			'output_format',
			...WEBHOOK,
		],
		editOnly: REFS8,
		required: ['prompt', 'input_image'],
		numbers: { ...FLUX2_SIZE, ...SEED, safety_tolerance: [0, 5, 2] },
		autoZero: ['width', 'height'],
		booleans: { disable_pup: false },
		options: { output_format: [MODERN, 'jpeg'] },
		media: references(REFS8, true),
		references: 8,
		maxPixels: FOUR_MP,
		prices,
	};
}

function klein(path: string, prices: Expected['prices']): Expected {
	return {
		...base('bfl-api.md §2.3', path),
		operations: ['generate', 'edit'],
		fields: [
			'prompt',
			...REFS4,
			'width',
			'height',
			'seed',
			'safety_tolerance',
			'output_format',
			...WEBHOOK,
		],
		editOnly: REFS4,
		required: ['prompt', 'input_image'],
		numbers: { ...FLUX2_SIZE, ...SEED, safety_tolerance: [0, 5, 2] },
		autoZero: ['width', 'height'],
		booleans: {},
		options: { output_format: [MODERN, 'jpeg'] },
		media: references(REFS4, true),
		references: 4,
		maxPixels: FOUR_MP,
		prices,
	};
}

/** A klein LoRA (bfl-api-2026.md "Finetunes status"): the klein request plus finetune_id and finetune_strength. */
function kleinLora(path: string, prices: Expected['prices']): Expected {
	const plain = klein(path, prices);
	return {
		...plain,
		section: 'bfl-api-2026.md, klein LoRA inference',
		versions: [2],
		fields: ['finetune_id', 'finetune_strength', ...plain.fields],
		required: ['finetune_id', ...plain.required],
		// Range and default not published: the table's 0–2, default 1, is accepted (see DOUBTS).
		numbers: { ...plain.numbers, finetune_strength: [0, 2, 1] },
	};
}

function kontext(path: string, bucket: ConcurrencyBucket, credits: number): Expected {
	return {
		...base('bfl-api.md §2.5', path),
		bucket,
		operations: ['generate', 'edit'],
		fields: [
			'prompt',
			...REFS4,
			'aspect_ratio',
			'seed',
			'prompt_upsampling',
			'safety_tolerance',
			'output_format',
			...WEBHOOK,
		],
		editOnly: REFS4,
		required: ['prompt', 'input_image'],
		numbers: { ...SEED, safety_tolerance: [0, 6, 2] },
		booleans: { prompt_upsampling: false },
		options: { output_format: [MODERN, 'png'] },
		aspectRatio: '',
		media: references(REFS4, true),
		references: 4,
		prices: [[{}, credits]],
	};
}

const ULTRA_FIELDS = [
	'prompt',
	'aspect_ratio',
	'image_prompt',
	'image_prompt_strength',
	'prompt_upsampling',
	'seed',
	'safety_tolerance',
	'output_format',
	...WEBHOOK,
];
const IMAGE_PROMPT: Record<string, Media> = { image_prompt: { media: 'image', acceptsUrl: false } };

function generateOnly(
	section: string,
	path: string,
): Pick<
	Expected,
	'section' | 'path' | 'resource' | 'versions' | 'bucket' | 'operations' | 'references'
> {
	return { ...base(section, path), operations: ['generate'], references: 0 };
}

function fill(path: string, extra: Partial<Expected>): Expected {
	return {
		...base('bfl-api.md §2.10', path),
		operations: ['fill'],
		fields: [
			'image',
			'mask',
			'prompt',
			'steps',
			'guidance',
			'prompt_upsampling',
			'seed',
			'safety_tolerance',
			'output_format',
			...WEBHOOK,
		],
		required: ['image'],
		numbers: {
			...SEED,
			steps: [15, 50, 50],
			guidance: [1.5, 100, 60],
			safety_tolerance: [0, 6, 2],
		},
		booleans: { prompt_upsampling: false },
		options: FLUX1_FORMATS,
		media: {
			image: { media: 'image', acceptsUrl: false },
			mask: { media: 'image', acceptsUrl: false, sameSizeAs: 'image' },
		},
		references: 0,
		prices: [[{}, 5]],
		...extra,
	};
}

function control(
	section: string,
	path: string,
	guidanceDefault: number,
	extraFields: string[],
	extraNumbers: Record<string, Range>,
): Expected {
	return {
		...generateOnly(section, path),
		versions: [1],
		legacy: true,
		fields: [
			'prompt',
			'control_image',
			'preprocessed_image',
			...extraFields,
			'steps',
			'guidance',
			'prompt_upsampling',
			'seed',
			'safety_tolerance',
			'output_format',
			...WEBHOOK,
		],
		required: ['prompt'],
		requireOneOf: ['control_image', 'preprocessed_image'],
		numbers: {
			...SEED,
			...extraNumbers,
			steps: [15, 50, 50],
			guidance: [1, 100, guidanceDefault],
			safety_tolerance: [0, 6, 2],
		},
		booleans: { prompt_upsampling: false },
		options: RETIRED_FORMATS,
		media: {
			control_image: { media: 'image', acceptsUrl: false },
			preprocessed_image: { media: 'image', acceptsUrl: false },
		},
		prices: [[{}, 5]],
	};
}

/** FLUX Tools (bfl-api-2026.md §1–4): 2026 endpoints, node version 2 only, strict schemas. */
function tool(
	section: string,
	path: string,
	operation: Operation,
): Pick<
	Expected,
	| 'section'
	| 'path'
	| 'resource'
	| 'versions'
	| 'bucket'
	| 'operations'
	| 'references'
	| 'rejectsUnknownFields'
> {
	return {
		section,
		path,
		resource: 'image',
		versions: [2],
		bucket: 'standard',
		operations: [operation],
		references: 0,
		rejectsUnknownFields: true,
	};
}

function tryOn(path: string): Expected {
	return {
		...tool('bfl-api-2026.md §4', path, 'tryOn'),
		fields: [
			'prompt',
			'person',
			'garment',
			'seed',
			'safety_tolerance',
			'output_format',
			...WEBHOOK,
			'user',
		],
		required: ['prompt', 'person', 'garment'],
		numbers: { ...SEED, safety_tolerance: [0, 5, 2] },
		booleans: {},
		options: { output_format: [MODERN, 'jpeg'] },
		// URLs for person/garment are not stated by the schema: the table downloads them (see DOUBTS).
		media: {
			person: { media: 'image', acceptsUrl: false },
			garment: { media: 'image', acceptsUrl: false },
		},
		// v1: 3.75 credits for the first input MP, +0.5 per extra input MP and per output MP (third-party, see DOUBTS).
		prices: [[{ inputMp: 1, outputMp: 1.5 }, 4.5]],
	};
}

const VIDEO_CREATIVE = [
	'prompt',
	'aspect_ratio',
	'duration',
	'resolution',
	'generate_audio',
	'draft',
	'safety_tolerance',
	'version',
	'user',
];
const VIDEO_ASPECT: [string[], string] = [
	['auto', '21:9', '2:1', '16:9', '4:3', '1:1', '3:4', '9:16'],
	'auto',
];
const VIDEO_RESOLUTIONS = ['hd', 'fhd', 'qhd', 'uhd'];

const EXPECTED: Record<string, Expected> = {
	// ---- FLUX 3 Image (bfl-api-2026.md §5.1)
	'flux-3-image': {
		section: 'bfl-api-2026.md §5.1',
		path: 'flux-3-image',
		resource: 'image',
		operations: ['generate', 'edit'],
		versions: [2],
		bucket: 'standard',
		rejectsUnknownFields: true,
		fields: [
			'prompt',
			'images',
			'aspect_ratio',
			'resolution',
			'grounding',
			'safety_tolerance',
			'version',
		],
		editOnly: ['images'],
		required: ['prompt', 'images'],
		// 0–4 in the schema; a later note says 0–7 (see DOUBTS).
		numbers: { safety_tolerance: [0, 4, 2] },
		booleans: { grounding: true },
		options: {
			aspect_ratio: [
				[
					'auto',
					'21:9',
					'2:1',
					'16:9',
					'3:2',
					'7:5',
					'4:3',
					'5:4',
					'1:1',
					'4:5',
					'3:4',
					'5:7',
					'2:3',
					'9:16',
					'1:2',
					'9:21',
				],
				'auto',
			],
			resolution: [['768sq', '1k', '1.5k', '2k', '4k'], '1k'],
		},
		strings: { version: 'latest' },
		media: {
			// base64 ≤ 20 MB, i.e. 15 MB of bytes; each ≥ 256×256 and ≤ 16 MP; 1 to 10.
			images: {
				media: 'image',
				acceptsUrl: true,
				list: { min: 1, max: 10 },
				limits: { maxBytes: 15 * MB, minSide: 256, maxMegapixels: 16 },
			},
		},
		references: 10,
		prices: [
			[{ body: {} }, 4.8],
			[{ body: { resolution: '768sq' } }, 4.1],
			[{ body: { resolution: '1k' } }, 4.8],
			[{ body: { resolution: '2k' } }, 10],
			[{ body: { resolution: '4k' } }, 60.7],
		],
	},

	// ---- FLUX.2 (bfl-api.md §2.1–2.3, §5; bfl-api-2026.md §6)
	'flux-2-max': flux2('bfl-api.md §2.1', 'flux-2-max', perMp(7, 3)),
	'flux-2-pro-preview': {
		...flux2('bfl-api.md §2.1', 'flux-2-pro-preview', perMp(3, 1.5)),
		totalMegapixels: 9,
	},
	'flux-2-pro': { ...flux2('bfl-api.md §2.1', 'flux-2-pro', perMp(3, 1.5)), totalMegapixels: 9 },
	'flux-2-flex': {
		...flux2('bfl-api.md §2.2', 'flux-2-flex', perMp(5, 5)),
		fields: [
			'prompt',
			...REFS8,
			'width',
			'height',
			'prompt_upsampling',
			'steps',
			'guidance',
			'seed',
			'safety_tolerance',
			'output_format',
			...WEBHOOK,
		],
		numbers: {
			...FLUX2_SIZE,
			...SEED,
			steps: [1, 50, 50],
			guidance: [1.5, 10, 5],
			safety_tolerance: [0, 5, 2],
		},
		booleans: { prompt_upsampling: true },
	},
	'flux-2-klein-4b': klein('flux-2-klein-4b', perMp(1.4, 0.1)),
	'flux-2-klein-9b-preview': klein('flux-2-klein-9b-preview', perMp(1.5, 0.2)),
	'flux-2-klein-9b': klein('flux-2-klein-9b', perMp(1.5, 0.2)),
	'flux-2-klein-4b-finetuned': kleinLora('flux-2-klein-4b-finetuned', perMp(1.4, 0.1)),
	'flux-2-klein-9b-finetuned': kleinLora('flux-2-klein-9b-finetuned', perMp(1.5, 0.2)),
	'flux-2-klein-9b-kv-finetuned': kleinLora('flux-2-klein-9b-kv-finetuned', perMp(1.5, 0.2)),
	'flux-2-klein-9b-kv-bf16-finetuned': kleinLora(
		'flux-2-klein-9b-kv-bf16-finetuned',
		perMp(1.5, 0.2),
	),
	'flux-2-klein-base-4b-finetuned': kleinLora('flux-2-klein-base-4b-finetuned', perMp(1.4, 0.1)),
	'flux-2-klein-base-9b-finetuned': kleinLora('flux-2-klein-base-9b-finetuned', perMp(1.5, 0.2)),

	// ---- FLUX Tools (bfl-api-2026.md §1–4)
	'erase-v1': {
		...tool('bfl-api-2026.md §1', 'flux-tools/erase-v1', 'erase'),
		fields: [
			'image',
			'mask',
			'dilate_pixels',
			'seed',
			'safety_tolerance',
			'output_format',
			...WEBHOOK,
			'user',
		],
		required: ['image', 'mask'],
		numbers: { ...SEED, dilate_pixels: [0, 25, 10], safety_tolerance: [0, 5, 2] },
		booleans: {},
		options: { output_format: [MODERN, 'png'] },
		media: {
			image: { media: 'image', acceptsUrl: true },
			mask: { media: 'image', acceptsUrl: true, sameSizeAs: 'image' },
		},
		// $0.03 first output MP, +$0.004 per extra output MP and per input MP (third-party, see DOUBTS).
		prices: [[{ outputMp: 1, inputMp: 1 }, 3.4]],
	},
	'deblur-v1': {
		...tool('bfl-api-2026.md §2', 'flux-tools/deblur-v1', 'deblur'),
		fields: ['image', 'seed', 'safety_tolerance', 'output_format', ...WEBHOOK, 'user'],
		required: ['image'],
		numbers: { ...SEED, safety_tolerance: [0, 5, 2] },
		booleans: {},
		options: { output_format: [MODERN, 'png'] },
		media: { image: { media: 'image', acceptsUrl: true, limits: { maxMegapixels: 4 } } },
		prices: [], // not published (see DOUBTS)
	},
	'outpainting-v1': {
		...tool('bfl-api-2026.md §3', 'flux-tools/outpainting-v1', 'expand'),
		// No webhook, seed or user on this route.
		fields: [
			'input_image',
			'width',
			'height',
			'reference_offset_x',
			'reference_offset_y',
			'auto_crop',
			'mode',
			'prompt',
			'safety_tolerance',
			'output_format',
		],
		required: ['input_image', 'width', 'height'],
		numbers: { safety_tolerance: [0, 5, 2] },
		booleans: { auto_crop: false },
		options: { mode: [['high', 'fast'], 'high'], output_format: [MODERN, 'png'] },
		media: { input_image: { media: 'image', acceptsUrl: true } },
		maxPixels: 4194304,
		prices: [], // not published (see DOUBTS)
	},
	'vto-v1': tryOn('flux-tools/vto-v1'),
	'vto-v2': tryOn('flux-tools/vto-v2'),

	// ---- Video (bfl-api-2026.md §5.2–5.4)
	'flux-3-video': {
		section: 'bfl-api-2026.md §5.2',
		path: 'flux-3-video',
		resource: 'video',
		operations: ['generate', 'animate', 'extend', 'enhance'],
		versions: [2],
		bucket: 'video',
		rejectsUnknownFields: true,
		fixed: {
			generate: { mode: 't2v' },
			animate: { mode: 'i2v' },
			extend: { mode: 'v2v' },
			enhance: { mode: 'draft_enhance' },
		},
		fields: [
			'prompt',
			'keyframes',
			'start_video',
			'draft_cache',
			'aspect_ratio',
			'duration',
			'duration',
			'resolution',
			'resolution',
			'generate_audio',
			'draft',
			'safety_tolerance',
			'version',
			'user',
		],
		byOperation: {
			generate: VIDEO_CREATIVE,
			animate: [...VIDEO_CREATIVE, 'keyframes'],
			extend: [...VIDEO_CREATIVE, 'start_video'],
			enhance: ['draft_cache', 'resolution', 'safety_tolerance'],
		},
		required: ['prompt', 'keyframes', 'start_video', 'draft_cache'],
		numbers: {
			'duration@generate': [5, 20, 0],
			'duration@animate': [5, 20, 0],
			'duration@extend': [5, 15, 0],
			safety_tolerance: [0, 4, 2],
		},
		autoZero: ['duration@generate', 'duration@animate', 'duration@extend'],
		booleans: { generate_audio: true, draft: false },
		options: {
			'aspect_ratio@generate': VIDEO_ASPECT,
			'aspect_ratio@animate': VIDEO_ASPECT,
			'aspect_ratio@extend': VIDEO_ASPECT,
			'resolution@generate': [VIDEO_RESOLUTIONS, 'hd'],
			'resolution@animate': [VIDEO_RESOLUTIONS, 'hd'],
			'resolution@extend': [VIDEO_RESOLUTIONS, 'hd'],
			'resolution@enhance': [VIDEO_RESOLUTIONS, 'fhd'],
		},
		strings: { version: 'latest' },
		media: {
			// bfl-api-2026-12.md §1.7–1.8: keyframes ≤ 20 MB and ≥ 256×256 each; a clip to extend ≤ 15 s and ≤ 50 MB.
			keyframes: {
				media: 'image',
				acceptsUrl: true,
				list: { min: 1, max: 10, timed: true, maxSeconds: 20 },
				limits: { maxBytes: 20 * MB, minSide: 256 },
			},
			start_video: {
				media: 'video',
				acceptsUrl: true,
				limits: { maxBytes: 50 * MB, maxSeconds: 15 },
			},
			draft_cache: { media: 'bundle', acceptsUrl: true },
		},
		references: 0,
		// Per second of output: t2v/i2v hd 17, fhd 29, qhd 40, uhd 80; v2v 41/53/65/95; draft 6 (v2v 12).
		prices: [
			[{ body: { mode: 't2v', resolution: 'hd' }, seconds: 5 }, 85],
			[{ body: { mode: 't2v' }, seconds: 5 }, 85],
			[{ body: { mode: 't2v', draft: true }, seconds: 5 }, 30],
			[{ body: { mode: 'i2v', resolution: 'fhd' }, seconds: 5 }, 145],
			[{ body: { mode: 'i2v', resolution: 'uhd' }, seconds: 10 }, 800],
			[{ body: { mode: 't2v', resolution: 'qhd' }, seconds: 5 }, 200],
			[{ body: { mode: 'v2v', resolution: 'hd' }, seconds: 5 }, 205],
			[{ body: { mode: 'v2v', resolution: 'uhd' }, seconds: 10 }, 950],
			[{ body: { mode: 'v2v', draft: true }, seconds: 5 }, 60],
		],
	},
	'video-upscale-v1': {
		section: 'bfl-api-2026.md §5.3',
		path: 'flux-tools/video-upscale-v1',
		resource: 'video',
		operations: ['upscale'],
		versions: [2],
		bucket: 'video',
		rejectsUnknownFields: true,
		fields: [
			'input_video',
			'upscale_factor',
			'creativity',
			'prompt',
			'safety_tolerance',
			...WEBHOOK,
		],
		required: ['input_video'],
		numbers: { upscale_factor: [1.5, 3, 2], safety_tolerance: [0, 4, 2] },
		booleans: {},
		options: { creativity: [[0, 1], 1] },
		media: {
			input_video: {
				media: 'video',
				acceptsUrl: true,
				limits: { maxBytes: 50 * MB, maxSeconds: 20, maxWidth: 2560, maxHeight: 1440 },
			},
		},
		references: 0,
		// Per megapixel-second of output: 7 precise, 10 creative. 1 MP × 2² = 4 MP for 5 s.
		prices: [
			[{ body: { upscale_factor: 2, creativity: 1 }, videoMp: 1, seconds: 5 }, 200],
			[{ body: { upscale_factor: 2, creativity: 0 }, videoMp: 1, seconds: 5 }, 140],
		],
	},
	'video-edit-v1': {
		section: 'bfl-api-2026.md §5.4',
		path: 'flux-tools/video-edit-v1',
		resource: 'video',
		operations: ['edit'],
		versions: [2],
		bucket: 'video',
		rejectsUnknownFields: true,
		fields: ['video', 'prompt', 'safety_tolerance', 'user'],
		required: ['video', 'prompt'],
		numbers: { safety_tolerance: [0, 4, 2] },
		booleans: {},
		options: {},
		// ≤ 15 s and ≤ 50 MiB [one source].
		media: {
			video: { media: 'video', acceptsUrl: true, limits: { maxBytes: 50 * MB, maxSeconds: 15 } },
		},
		references: 0,
		prices: [[{ seconds: 10 }, 30]], // $0.03 per output second
	},

	// ---- FLUX.1 (bfl-api.md §2.5–2.11, §2.14)
	'flux-kontext-max': kontext('flux-kontext-max', 'kontext-max', 8),
	'flux-kontext-pro': kontext('flux-kontext-pro', 'standard', 4),
	'flux-pro-1.1-ultra': {
		...generateOnly('bfl-api.md §2.6', 'flux-pro-1.1-ultra'),
		fields: [...ULTRA_FIELDS, 'raw'],
		required: [],
		requireOneOf: ['prompt', 'image_prompt'],
		numbers: { ...SEED, image_prompt_strength: [0, 1, 0.1], safety_tolerance: [0, 6, 2] },
		booleans: { raw: false, prompt_upsampling: false },
		options: FLUX1_FORMATS,
		aspectRatio: '16:9',
		media: IMAGE_PROMPT,
		prices: [[{}, 6]],
	},
	'flux-pro-1.1': {
		...generateOnly('bfl-api.md §2.7', 'flux-pro-1.1'),
		fields: [
			'prompt',
			'image_prompt',
			'width',
			'height',
			'prompt_upsampling',
			'seed',
			'safety_tolerance',
			'output_format',
			...WEBHOOK,
		],
		required: [],
		requireOneOf: ['prompt', 'image_prompt'],
		numbers: { ...FLUX1_SIZE, ...SEED, safety_tolerance: [0, 6, 2] },
		booleans: { prompt_upsampling: false },
		options: FLUX1_FORMATS,
		media: IMAGE_PROMPT,
		prices: [[{}, 4]],
	},
	'flux-pro': {
		...generateOnly('bfl-api.md §2.8', 'flux-pro'),
		legacy: true,
		fields: [
			'prompt',
			'image_prompt',
			'width',
			'height',
			'steps',
			'guidance',
			'interval',
			'prompt_upsampling',
			'seed',
			'safety_tolerance',
			'output_format',
			...WEBHOOK,
		],
		required: [],
		requireOneOf: ['prompt', 'image_prompt'],
		numbers: {
			...FLUX1_SIZE,
			...SEED,
			steps: [1, 50, 40],
			guidance: [1.5, 5, 2.5],
			interval: [1, 4, 2],
			safety_tolerance: [0, 6, 2],
		},
		booleans: { prompt_upsampling: false },
		options: FLUX1_FORMATS,
		media: IMAGE_PROMPT,
		prices: [[{}, 5]], // third-party figure
	},
	'flux-dev': {
		...generateOnly('bfl-api.md §2.9', 'flux-dev'),
		fields: [
			'prompt',
			'image_prompt',
			'width',
			'height',
			'steps',
			'guidance',
			'prompt_upsampling',
			'seed',
			'safety_tolerance',
			'output_format',
			...WEBHOOK,
		],
		required: [],
		requireOneOf: ['prompt', 'image_prompt'],
		numbers: {
			...FLUX1_SIZE,
			...SEED,
			steps: [1, 50, 28],
			guidance: [1.5, 5, 3],
			safety_tolerance: [0, 6, 2],
		},
		booleans: { prompt_upsampling: false },
		options: FLUX1_FORMATS,
		media: IMAGE_PROMPT,
		prices: [[{}, 2.5]], // third-party figure
	},
	'flux-pro-1.0-fill': fill('flux-pro-1.0-fill', {}),
	'flux-pro-1.0-expand': {
		...fill('flux-pro-1.0-expand', { section: 'bfl-api.md §2.11' }),
		operations: ['expand'],
		fields: [
			'image',
			'top',
			'bottom',
			'left',
			'right',
			'prompt',
			'steps',
			'guidance',
			'prompt_upsampling',
			'seed',
			'safety_tolerance',
			'output_format',
			...WEBHOOK,
		],
		numbers: {
			...SEED,
			top: [0, 2048, 0],
			bottom: [0, 2048, 0],
			left: [0, 2048, 0],
			right: [0, 2048, 0],
			steps: [15, 50, 50],
			guidance: [1.5, 100, 60],
			safety_tolerance: [0, 6, 2],
		},
		media: { image: { media: 'image', acceptsUrl: false } },
		prices: [[{}, 5]], // third-party figure
	},
	'flux-pro-1.0-canny': control(
		'bfl-api.md §2.12',
		'flux-pro-1.0-canny',
		30,
		['canny_low_threshold', 'canny_high_threshold'],
		{
			canny_low_threshold: [0, 500, 50],
			canny_high_threshold: [0, 500, 200],
		},
	),
	// Guidance default 15 (BFL's ComfyUI nodes) or 30 (BFL's 2025 SDK) [uncertain]: the table's 15.
	'flux-pro-1.0-depth': control('bfl-api.md §2.13', 'flux-pro-1.0-depth', 15, [], {}),
	'flux-pro-1.1-ultra-finetuned': {
		...generateOnly('bfl-api.md §2.14', 'flux-pro-1.1-ultra-finetuned'),
		finetuneHost: true,
		fields: ['finetune_id', 'finetune_strength', ...ULTRA_FIELDS],
		required: ['finetune_id'],
		numbers: {
			...SEED,
			finetune_strength: [0, 2, 1.2],
			image_prompt_strength: [0, 1, 0.1],
			safety_tolerance: [0, 6, 2],
		},
		booleans: { prompt_upsampling: false },
		options: FLUX1_FORMATS,
		aspectRatio: '16:9',
		media: IMAGE_PROMPT,
		prices: [[{}, 7]],
	},
	'flux-pro-1.0-fill-finetuned': fill('flux-pro-1.0-fill-finetuned', {
		section: 'bfl-api.md §2.14',
		finetuneHost: true,
		fields: [
			'finetune_id',
			'finetune_strength',
			'image',
			'mask',
			'prompt',
			'steps',
			'guidance',
			'prompt_upsampling',
			'seed',
			'safety_tolerance',
			'output_format',
			...WEBHOOK,
		],
		required: ['finetune_id', 'image'],
		numbers: {
			...SEED,
			finetune_strength: [0, 2, 1.1],
			steps: [15, 50, 50],
			guidance: [1.5, 100, 60],
			safety_tolerance: [0, 6, 2],
		},
		prices: [[{}, 6]],
	}),
};

/**
 * Values the references leave in doubt, and the table's comment that must say so: the file and a
 * pattern of its comment.
 */
const DOUBTS: Array<[what: string, file: string, pattern: RegExp]> = [
	['klein 9B preview priced like 9B', 'flux2.ts', /KLEIN_9B = .*preview assumed the same/],
	['FLUX.2 [pro] preview priced like [pro]', 'flux2.ts', /PRO = .*preview assumed the same/],
	['FLUX.2 [flex]: 5 or 6 credits per MP', 'flux2.ts', /FLEX = .*still says 6/],
	[
		'klein LoRA finetune_strength: no published range',
		'flux2.ts',
		/finetune_strength: BFL states no range.*\[uncertain\]/,
	],
	['FLUX 3 Image 1.5k price not quoted', 'flux3.ts', /1\.5k is not[^\n]*\n[^\n]*\[uncertain\]/],
	[
		'FLUX 3 Image safety tolerance 0–4 or 0–7',
		'flux3.ts',
		/0–4 in the schema[^\n]*0–7 \[uncertain\]/,
	],
	['erase price (third-party figures)', 'tools.ts', /Erase: \$0\.03[^\n]*\[uncertain/],
	[
		'try-on price (third-party figures, v2 assumed like v1)',
		'tools.ts',
		/v1: \$0\.0375[^\n]*\[uncertain:[^]*?v2's price is not published, assumed the same/,
	],
	[
		'try-on person/garment URLs not stated by the schema',
		'tools.ts',
		/URLs for person\/garment[^\n]*\[uncertain\]/,
	],
	[
		'deblur price not published',
		'tools.ts',
		/price: ERASE_PRICE, \/\/[^\n]*\[uncertain\]\n\t\tpriceNote: `\$\{UNPUBLISHED\} like FLUX Erase`/,
	],
	[
		'outpainting price not published',
		'tools.ts',
		/price: \(\) => 5, \/\/ \[uncertain\]\n\t\tpriceNote: `\$\{UNPUBLISHED\} 5 credits`/,
	],
	[
		'video-edit limits from one source',
		'videoTools.ts',
		/videoInput\('video'[^\n]*≤ 15 s and ≤ 50 MiB \[one source\]/,
	],
	[
		'FLUX.1 [dev] price (third-party)',
		'flux1.ts',
		/price: flat\(2\.5\),\n\t\tpriceNote: 'a third-party figure'/,
	],
	[
		'FLUX.1 Expand price (third-party)',
		'flux1.ts',
		/price: flat\(5\),\n\t\tpriceNote: "not on BFL's pricing page: an older third-party figure"/,
	],
	[
		'FLUX.1 [pro], canny and depth prices (third-party)',
		'legacy.ts',
		/price: flat\(5\), \/\/ older third-party figure/,
	],
];

const NO_WEBHOOK = ['outpainting-v1', 'flux-3-image', 'flux-3-video', 'video-edit-v1'];
const NO_SEED = [
	'flux-3-image',
	'flux-3-video',
	'video-upscale-v1',
	'video-edit-v1',
	'outpainting-v1',
];
const NEW_IN_2026 = [
	'flux-3-image',
	'erase-v1',
	'deblur-v1',
	'outpainting-v1',
	'vto-v1',
	'vto-v2',
	'flux-3-video',
	'video-upscale-v1',
	'video-edit-v1',
	'flux-2-klein-4b-finetuned',
	'flux-2-klein-9b-finetuned',
	'flux-2-klein-9b-kv-finetuned',
	'flux-2-klein-9b-kv-bf16-finetuned',
	'flux-2-klein-base-4b-finetuned',
	'flux-2-klein-base-9b-finetuned',
];

function model(id: string): ModelSpec {
	const found = MODELS_BY_ID.get(id);
	if (!found) throw new Error(`the table has no model ${id}`);
	return found;
}

/** A field by `api` or `api@operation`; an `api` with two definitions needs the operation. */
function field(id: string, key: string): FieldSpec {
	const [api, operation] = key.split('@') as [string, Operation | undefined];
	const spec = model(id);
	const candidates = (operation ? fieldsFor(spec, operation) : spec.fields).filter(
		(candidate) => candidate.api === api,
	);
	if (candidates.length !== 1) throw new Error(`${id} has ${candidates.length} fields ${key}`);
	return candidates[0];
}

function fieldsOf(expected: Expected, operation: Operation): string[] {
	if (expected.byOperation) return expected.byOperation[operation] ?? [];
	const editOnly = new Set(expected.editOnly ?? []);
	return expected.fields.filter((api) => operation === 'edit' || !editOnly.has(api));
}

test('the table offers exactly the endpoints of the references, and no other', () => {
	expect(MODELS.map((candidate) => candidate.id).sort()).toEqual(Object.keys(EXPECTED).sort());
	expect(MODELS_BY_ID.size).toBe(MODELS.length);
	const paths = MODELS.map(pathOf);
	expect(new Set(paths).size).toBe(paths.length);
});

describe.each(Object.entries(EXPECTED))('%s', (id, expected) => {
	const spec = model(id);

	test(`posts to /v1/${expected.path}`, () => {
		expect(pathOf(spec)).toBe(expected.path);
	});

	test(`has exactly the fields of ${expected.section}`, () => {
		expect(spec.fields.map((candidate) => candidate.api).sort()).toEqual(
			[...expected.fields].sort(),
		);
	});

	test('shows the right fields in each operation', () => {
		expect(spec.operations).toEqual(expected.operations);
		for (const operation of expected.operations) {
			expect({
				operation,
				fields: fieldsFor(spec, operation)
					.map((candidate) => candidate.api)
					.sort(),
			}).toEqual({
				operation,
				fields: fieldsOf(expected, operation).sort(),
			});
		}
	});

	test('marks the required fields', () => {
		const required = [
			...new Set(
				spec.fields.filter((candidate) => candidate.required).map((candidate) => candidate.api),
			),
		];
		expect(required.sort()).toEqual([...expected.required].sort());
		expect(spec.requireOneOf).toEqual(expected.requireOneOf);
	});

	test('has the reference ranges and defaults', () => {
		for (const [key, [min, max, defaultValue, multipleOf]] of Object.entries(expected.numbers)) {
			const number = field(id, key) as NumberField;
			expect({
				key,
				kind: ['integer', 'number'].includes(number.kind),
				min: number.min,
				max: number.max,
				default: number.default,
				multipleOf: number.multipleOf,
			}).toEqual({
				key,
				kind: true,
				min,
				max,
				default: defaultValue,
				multipleOf,
			});
			expect({ key, zeroMeansAuto: Boolean(number.zeroMeansAuto) }).toEqual({
				key,
				zeroMeansAuto: (expected.autoZero ?? []).includes(key),
			});
		}
		for (const [key, defaultValue] of Object.entries(expected.booleans)) {
			const flag = field(id, key);
			expect({ key, kind: flag.kind, default: flag.default }).toEqual({
				key,
				kind: 'boolean',
				default: defaultValue,
			});
		}
		for (const [key, defaultValue] of Object.entries(expected.strings ?? {})) {
			const text = field(id, key);
			expect({ key, kind: text.kind, default: text.default }).toEqual({
				key,
				kind: 'string',
				default: defaultValue,
			});
		}
	});

	test('offers the reference option values and defaults', () => {
		for (const [key, [values, defaultValue]] of Object.entries(expected.options)) {
			const choice = field(id, key);
			expect({
				key,
				values: choice.kind === 'options' ? choice.values : choice.kind,
				default: choice.default,
			}).toEqual({
				key,
				values,
				default: defaultValue,
			});
		}
		const ratio = spec.fields.find((candidate) => candidate.kind === 'aspectRatio');
		expect(ratio?.default).toBe(expected.aspectRatio);
		if (!Object.keys(expected.options).some((key) => key.startsWith('output_format'))) {
			expect(spec.fields.some((candidate) => candidate.api === 'output_format')).toBe(false);
		}
	});

	test('takes its media inputs as the reference says', () => {
		const media = spec.fields.filter((candidate) => candidate.kind === 'media');
		expect(media.map((candidate) => candidate.api).sort()).toEqual(
			Object.keys(expected.media).sort(),
		);
		for (const candidate of media) {
			if (candidate.kind !== 'media') continue;
			const want = expected.media[candidate.api];
			expect({
				api: candidate.api,
				media: candidate.media,
				acceptsUrl: candidate.acceptsUrl,
				list: candidate.list,
				sameSizeAs: candidate.sameSizeAs,
			}).toEqual({
				api: candidate.api,
				media: want.media,
				acceptsUrl: want.acceptsUrl,
				list: want.list,
				sameSizeAs: want.sameSizeAs,
			});
			if (want.limits)
				expect({ api: candidate.api, limits: limitsOf(candidate) }).toMatchObject({
					api: candidate.api,
					limits: want.limits,
				});
		}
		expect(referenceImageCount(spec)).toBe(expected.references);
	});

	test('is offered by the right node versions, under the right resource, in the right concurrency bucket', () => {
		expect(spec.resource).toBe(expected.resource);
		expect([...spec.versions].sort()).toEqual(expected.versions);
		expect(spec.bucket).toBe(expected.bucket);
		expect(Boolean(spec.legacy)).toBe(Boolean(expected.legacy));
		expect(Boolean(spec.rejectsUnknownFields)).toBe(Boolean(expected.rejectsUnknownFields));
		expect(Boolean(spec.finetuneHost)).toBe(Boolean(expected.finetuneHost));
		expect(spec.fixed).toEqual(expected.fixed);
		expect(spec.maxPixels).toBe(expected.maxPixels);
		expect(spec.totalMegapixels).toBe(expected.totalMegapixels);
	});

	if (expected.prices.length > 0) {
		test('costs what BFL charges', () => {
			for (const [input, credits] of expected.prices) {
				const full: PriceInput = { body: {}, outputMp: 1, inputMp: 0, ...input };
				expect({ input, credits: spec.price(full) }).toEqual({ input, credits });
			}
		});
	}
});

test('the endpoints that take no webhook have no webhook fields; all others have both', () => {
	const without = MODELS.filter(
		(spec) => !spec.fields.some((candidate) => candidate.api === 'webhook_url'),
	).map((spec) => spec.id);
	expect(without.sort()).toEqual([...NO_WEBHOOK].sort());
	for (const spec of MODELS) {
		expect({
			id: spec.id,
			secret: spec.fields.some((candidate) => candidate.api === 'webhook_secret'),
		}).toEqual({ id: spec.id, secret: !NO_WEBHOOK.includes(spec.id) });
	}
});

test('the endpoints without a seed have no seed field; all others have one', () => {
	const without = MODELS.filter(
		(spec) => !spec.fields.some((candidate) => candidate.api === 'seed'),
	).map((spec) => spec.id);
	expect(without.sort()).toEqual([...NO_SEED].sort());
});

test('canny and depth exist only in version 1, the 2026 endpoints only in version 2, all others in both', () => {
	for (const spec of MODELS) {
		const versions = ['flux-pro-1.0-canny', 'flux-pro-1.0-depth'].includes(spec.id)
			? [1]
			: NEW_IN_2026.includes(spec.id)
				? [2]
				: [1, 2];
		expect({ id: spec.id, versions: [...spec.versions].sort() }).toEqual({ id: spec.id, versions });
	}
});

test('active tasks per bucket: 24 in general, 6 for Kontext [max], 5 for videos', () => {
	expect(BUCKET_LIMITS).toEqual({ standard: 24, 'kontext-max': 6, video: 5 });
	expect(MODELS.filter((spec) => spec.bucket === 'kontext-max').map((spec) => spec.id)).toEqual([
		'flux-kontext-max',
	]);
	expect(
		MODELS.filter((spec) => spec.bucket === 'video')
			.map((spec) => spec.id)
			.sort(),
	).toEqual(['flux-3-video', 'video-edit-v1', 'video-upscale-v1']);
});

test('canny and depth, and FLUX.1 [pro], are marked legacy; the current models are not', () => {
	const legacy = MODELS.filter((spec) => spec.legacy).map((spec) => spec.id);
	expect(legacy.sort()).toEqual(['flux-pro', 'flux-pro-1.0-canny', 'flux-pro-1.0-depth']);
});

test('FLUX.2 [pro] inputs plus output stay within 9 MP, by the table', () => {
	expect(model('flux-2-pro').totalMegapixels).toBe(9);
	expect(
		MODELS.filter((spec) => spec.totalMegapixels)
			.map((spec) => spec.id)
			.sort(),
	).toEqual(['flux-2-pro', 'flux-2-pro-preview']);
});

describe.each(DOUBTS)('a doubt stays written down: %s', (_what, file, pattern) => {
	test(`nodes/Flux/models/${file} says so`, () => {
		expect(readSource(`nodes/Flux/models/${file}`)).toMatch(pattern);
	});
});

test('every price the references leave in doubt says so to users (priceNote: estimates, the README)', () => {
	const noted = MODELS.filter((spec) => spec.priceNote)
		.map((spec) => spec.id)
		.sort();
	expect(noted).toEqual(
		[
			'deblur-v1',
			'erase-v1',
			'flux-3-image',
			'flux-dev',
			'flux-pro',
			'flux-pro-1.0-canny',
			'flux-pro-1.0-depth',
			'flux-pro-1.0-expand',
			'outpainting-v1',
			'vto-v1',
			'vto-v2',
		].sort(),
	);
});

test('Kontext [pro] and [max] say they are deprecated and point to FLUX.2 [pro], and still run', () => {
	for (const id of ['flux-kontext-pro', 'flux-kontext-max']) {
		const spec = MODELS_BY_ID.get(id) as ModelSpec;
		expect(spec.deprecatedFor).toBe('flux-2-pro');
		expect(modelLabel(spec)).toMatch(/\(Deprecated\)$/);
		expect(spec.description).toMatch(/Deprecated by BFL \(use FLUX\.2 \[pro\]\)/);
		expect(modelsFor(2, 'image', 'edit')).toContain(spec);
		expect(modelsFor(1, 'image', 'edit')).toContain(spec);
	}
	expect(
		MODELS.filter((spec) => spec.deprecatedFor)
			.map((spec) => spec.id)
			.sort(),
	).toEqual(['flux-kontext-max', 'flux-kontext-pro']);
});
