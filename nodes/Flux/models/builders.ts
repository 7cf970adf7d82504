import type {
	BooleanField,
	FieldSpec,
	MediaField,
	MediaLimits,
	NumberField,
	OptionsField,
	Operation,
	PriceInput,
	StringField,
} from './types';

/**
 * Field and price builders shared by the model families. Each returns a fresh object so a spec can
 * never be shared by accident.
 */

export const SEED_MAX = 4294967295;
export const FOUR_MP = 2048 * 2048;

export const ASPECT_RATIO_HELP =
	'Width:height between 21:9 and 9:21; the image stays at about the same pixel count';

const SOURCE_HINT =
	'The name of a binary property of the input item (e.g. data), or an http(s) URL';

export function prompt(required: boolean, description?: string): StringField {
	return {
		api: 'prompt',
		kind: 'string',
		required,
		default: '',
		multiline: true,
		description:
			description ??
			(required
				? 'What to generate or how to change the input images'
				: 'What to generate; may stay empty when an image guides the result'),
	};
}

export function seed(): NumberField {
	return {
		api: 'seed',
		kind: 'integer',
		min: 0,
		max: SEED_MAX,
		default: 0,
		advanced: true,
		description:
			'The same seed, prompt and settings give the same image. Leave out for a random seed.',
	};
}

export function safetyTolerance(max: number): NumberField {
	return {
		api: 'safety_tolerance',
		kind: 'integer',
		min: 0,
		max,
		default: 2,
		advanced: true,
		description: `Moderation strictness, 0 (strictest) to ${max} (least strict)`,
	};
}

export function outputFormat(values: string[], defaultValue: string): OptionsField {
	return {
		api: 'output_format',
		kind: 'options',
		values,
		default: defaultValue,
		advanced: true,
		description: 'File format of the generated image',
	};
}

export function promptUpsampling(defaultValue: boolean): BooleanField {
	return {
		api: 'prompt_upsampling',
		kind: 'boolean',
		default: defaultValue,
		advanced: true,
		description: 'Whether BFL rewrites the prompt to be more detailed before generating',
	};
}

export function disablePup(): BooleanField {
	return {
		api: 'disable_pup',
		kind: 'boolean',
		default: false,
		advanced: true,
		description: 'Whether to use the prompt verbatim instead of letting BFL upsample it',
	};
}

export function steps(min: number, max: number, defaultValue: number): NumberField {
	return {
		api: 'steps',
		kind: 'integer',
		min,
		max,
		default: defaultValue,
		advanced: true,
		description: 'Number of diffusion steps',
	};
}

export function guidance(min: number, max: number, defaultValue: number): NumberField {
	return {
		api: 'guidance',
		kind: 'number',
		min,
		max,
		default: defaultValue,
		advanced: true,
		description: 'How closely the image follows the prompt',
	};
}

export function webhook(): FieldSpec[] {
	return [
		{
			api: 'webhook_url',
			kind: 'string',
			default: '',
			advanced: true,
			description:
				'BFL calls this URL when the task ends; the node then returns right after submitting, without waiting',
		},
		{
			api: 'webhook_secret',
			kind: 'string',
			default: '',
			password: true,
			advanced: true,
			description: 'Sent back by BFL in the X-Webhook-Secret header',
		},
	];
}

/** input_image … input_image_N; the first shows on the main panel, the rest as Model Options. */
export function referenceImages(count: number, limits?: Partial<MediaLimits>): MediaField[] {
	return Array.from({ length: count }, (_, index) => ({
		api: index === 0 ? 'input_image' : `input_image_${index + 1}`,
		kind: 'media' as const,
		media: 'image' as const,
		acceptsUrl: true,
		required: index === 0,
		advanced: index > 0,
		default: index === 0 ? 'data' : '',
		operations: ['edit' as Operation],
		limits,
		description:
			index === 0
				? 'The image to edit: the name of a binary property of the input item, or an http(s) URL'
				: `Reference image ${index + 1}: a binary property name or an http(s) URL`,
		hint: index === 0 ? SOURCE_HINT : undefined,
	}));
}

/** One image input, e.g. Fill's `image` and `mask`. Required ones default to the `data` property. */
export function image(
	api: string,
	required: boolean,
	description: string,
	options: { acceptsUrl?: boolean; limits?: Partial<MediaLimits> } = {},
): MediaField {
	return {
		api,
		kind: 'media',
		media: 'image',
		acceptsUrl: options.acceptsUrl ?? false,
		required,
		default: required ? 'data' : '',
		limits: options.limits,
		description: `${description}: the name of a binary property of the input item, or an http(s) URL`,
		hint: required ? SOURCE_HINT : undefined,
	};
}

export function imagePrompt(): MediaField {
	return { ...image('image_prompt', false, 'Optional image to remix (Redux)'), advanced: true };
}

export function aspectRatio(defaultValue: string): FieldSpec {
	return {
		api: 'aspect_ratio',
		kind: 'aspectRatio',
		default: defaultValue,
		description: ASPECT_RATIO_HELP,
	};
}

export function finetune(defaultStrength: number, maxStrength = 2): FieldSpec[] {
	return [
		{
			api: 'finetune_id',
			kind: 'string',
			required: true,
			default: '',
			description: 'ID of your finetune (or org-id/lora-name for a shared one)',
		},
		{
			api: 'finetune_strength',
			kind: 'number',
			min: 0,
			max: maxStrength,
			default: defaultStrength,
			description: `How strongly the finetune shapes the image, 0 to ${maxStrength}`,
		},
	];
}

/** An opaque ID of the calling platform's end user, on the 2026 tool and video routes. */
export function user(): StringField {
	return {
		api: 'user',
		kind: 'string',
		default: '',
		maxLength: 256,
		advanced: true,
		description: "Your end user's ID (up to 256 characters), passed to BFL for abuse handling",
	};
}

/** Seed, safety tolerance, output format and webhook: the fields most endpoints end with. */
export function common(
	maxSafetyTolerance: number,
	formats: string[],
	defaultFormat: string,
): FieldSpec[] {
	return [
		seed(),
		safetyTolerance(maxSafetyTolerance),
		outputFormat(formats, defaultFormat),
		...webhook(),
	];
}

/** BFL's OpenAPI document: one output_format enum for every endpoint it serves (bfl-api-2026-12.md). */
export const MODERN_FORMATS = ['jpeg', 'png', 'webp'];
/** The endpoints BFL removed in 2025 (Canny, Depth) took these; they are not in the schema any more. */
export const RETIRED_FORMATS = ['jpeg', 'png'];

/** Price of one credit-per-megapixel model: the first output MP, each extra output MP, each input MP. */
export function perMegapixel(first: number, extra: number): (input: PriceInput) => number {
	return ({ outputMp, inputMp }) =>
		roundCredits(first + Math.max(0, outputMp - 1) * extra + inputMp * extra);
}

export function flat(credits: number): () => number {
	return () => credits;
}

/** Credits rounded to 0.1, as BFL's answers show them. */
export function roundCredits(credits: number): number {
	return Math.round(credits * 10) / 10;
}
