/**
 * The one table of BFL models: endpoint, fields, ranges, defaults, reference-image slots and
 * concurrency limit. The node's fields, its validation, the emulator's validation and the README's
 * model list are all derived from it. Source: ../shared/bfl-api.md §2 (test/models.test.ts checks
 * every entry against it). Adding a BFL model means adding an entry here and nothing else.
 */

export type Operation = 'generate' | 'edit' | 'fill' | 'expand';

interface BaseField {
	/** The API field name, e.g. `safety_tolerance`; the n8n parameter is its camelCase form. */
	api: string;
	/** Shown in "Model Options" and only sent when the user adds it (BFL's default applies otherwise). */
	advanced?: boolean;
	required?: boolean;
	/** Operations in which the field shows; default: all operations of the model. */
	operations?: Operation[];
	description?: string;
}

export interface StringField extends BaseField {
	kind: 'string';
	default: string;
	multiline?: boolean;
	password?: boolean;
}

export interface NumberField extends BaseField {
	kind: 'integer' | 'number';
	min: number;
	max?: number;
	multipleOf?: number;
	default: number;
	/** 0 means "let BFL choose" (FLUX.2 width/height) and is not sent. */
	zeroMeansAuto?: boolean;
}

export interface BooleanField extends BaseField {
	kind: 'boolean';
	default: boolean;
}

export interface OptionsField extends BaseField {
	kind: 'options';
	values: string[];
	default: string;
}

export interface AspectRatioField extends BaseField {
	kind: 'aspectRatio';
	/** '' means "not sent": Kontext then keeps the input's shape (1:1 for text-to-image). */
	default: string;
}

export interface ImageField extends BaseField {
	kind: 'image';
	/** BFL documents http(s) URLs for this field; otherwise the node downloads and sends base64. */
	acceptsUrl: boolean;
	default: string;
}

export type FieldSpec =
	| StringField
	| NumberField
	| BooleanField
	| OptionsField
	| AspectRatioField
	| ImageField;

export interface ModelSpec {
	/** The path after /v1/ and the value of the node's Model option. */
	endpoint: string;
	displayName: string;
	description: string;
	operations: Operation[];
	legacy?: boolean;
	/** Active tasks BFL allows per account (429 above). */
	activeTaskLimit: number;
	/** Largest width × height, where the model takes width and height. */
	maxPixels?: number;
	/** At least one of these fields must be set. */
	requireOneOf?: string[];
	fields: FieldSpec[];
}

export const MIN_ASPECT_RATIO = 9 / 21;
export const MAX_ASPECT_RATIO = 21 / 9;
export const ASPECT_RATIOS = ['21:9', '16:9', '3:2', '4:3', '5:4', '1:1', '4:5', '3:4', '2:3', '9:16', '9:21'];

const FOUR_MP = 2048 * 2048;
const SEED_MAX = 4294967295;

// Field builders: each returns a fresh object so a spec can never be shared by accident.

function prompt(required: boolean): StringField {
	return {
		api: 'prompt',
		kind: 'string',
		required,
		default: '',
		multiline: true,
		description: required
			? 'What to generate or how to change the input images'
			: 'What to generate; may stay empty when an image guides the result',
	};
}

function seed(): NumberField {
	return {
		api: 'seed',
		kind: 'integer',
		min: 0,
		max: SEED_MAX,
		default: 0,
		advanced: true,
		description: 'The same seed, prompt and settings give the same image. Leave out for a random seed.',
	};
}

function safetyTolerance(max: 5 | 6): NumberField {
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

function outputFormat(values: string[], defaultValue: string): OptionsField {
	return {
		api: 'output_format',
		kind: 'options',
		values,
		default: defaultValue,
		advanced: true,
		description: 'File format of the generated image',
	};
}

function promptUpsampling(defaultValue: boolean): BooleanField {
	return {
		api: 'prompt_upsampling',
		kind: 'boolean',
		default: defaultValue,
		advanced: true,
		description: 'Whether BFL rewrites the prompt to be more detailed before generating',
	};
}

function disablePup(): BooleanField {
	return {
		api: 'disable_pup',
		kind: 'boolean',
		default: false,
		advanced: true,
		description: 'Whether to use the prompt verbatim instead of letting BFL upsample it',
	};
}

function steps(min: number, max: number, defaultValue: number): NumberField {
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

function guidance(min: number, max: number, defaultValue: number): NumberField {
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

function webhook(): FieldSpec[] {
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
function referenceImages(count: number): ImageField[] {
	return Array.from({ length: count }, (_, index) => ({
		api: index === 0 ? 'input_image' : `input_image_${index + 1}`,
		kind: 'image' as const,
		acceptsUrl: true,
		required: index === 0,
		advanced: index > 0,
		default: index === 0 ? 'data' : '',
		operations: ['edit' as Operation],
		description:
			index === 0
				? 'The image to edit: the name of a binary property of the input item, or an http(s) URL'
				: `Reference image ${index + 1}: a binary property name or an http(s) URL`,
	}));
}

function image(api: string, required: boolean, description: string): ImageField {
	return {
		api,
		kind: 'image',
		acceptsUrl: false,
		required,
		default: required ? 'data' : '',
		description: `${description}: the name of a binary property of the input item, or an http(s) URL`,
	};
}

function imagePrompt(): ImageField {
	return {
		...image('image_prompt', false, 'Optional image to remix (Redux)'),
		advanced: true,
	};
}

function flux2Size(): NumberField[] {
	return ['width', 'height'].map((api) => ({
		api,
		kind: 'integer' as const,
		min: 64,
		multipleOf: 16,
		default: 0,
		zeroMeansAuto: true,
		description: `Output ${api} in pixels, a multiple of 16; 0 = automatic (about 1 MP, or the first input image's size when editing)`,
	}));
}

function flux1Size(): NumberField[] {
	return [
		{ api: 'width', defaultValue: 1024 },
		{ api: 'height', defaultValue: 768 },
	].map(({ api, defaultValue }) => ({
		api,
		kind: 'integer' as const,
		min: 256,
		max: 1440,
		multipleOf: 32,
		default: defaultValue,
		description: `Output ${api} in pixels, 256 to 1440, a multiple of 32`,
	}));
}

function aspectRatio(defaultValue: string): AspectRatioField {
	return {
		api: 'aspect_ratio',
		kind: 'aspectRatio',
		default: defaultValue,
		description: 'Width:height between 21:9 and 9:21; the image stays at about the same pixel count',
	};
}

function finetune(defaultStrength: number): FieldSpec[] {
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
			max: 2,
			default: defaultStrength,
			description: 'How strongly the finetune shapes the image, 0 to 2',
		},
	];
}

/** Seed, safety tolerance, output format and webhook: the fields every endpoint ends with. */
function common(maxSafetyTolerance: 5 | 6, formats: string[], defaultFormat: string): FieldSpec[] {
	return [seed(), safetyTolerance(maxSafetyTolerance), outputFormat(formats, defaultFormat), ...webhook()];
}

const FLUX1_FORMATS = ['jpeg', 'png'];

function ultraFields(): FieldSpec[] {
	return [
		prompt(false),
		aspectRatio('16:9'),
		imagePrompt(),
		{
			api: 'image_prompt_strength',
			kind: 'number',
			min: 0,
			max: 1,
			default: 0.1,
			advanced: true,
			description: 'How much the image prompt shapes the result, 0 to 1',
		},
		promptUpsampling(false),
		...common(6, FLUX1_FORMATS, 'jpeg'),
	];
}

function fillFields(): FieldSpec[] {
	return [
		image('image', true, 'The image to fill'),
		image(
			'mask',
			false,
			'Black-and-white mask of the same size (white = repaint); leave empty when the image has an alpha channel',
		),
		prompt(false),
		steps(15, 50, 50),
		guidance(1.5, 100, 60),
		promptUpsampling(false),
		...common(6, FLUX1_FORMATS, 'jpeg'),
	];
}

/**
 * A FLUX.2 endpoint: width/height in multiples of 16 up to 4 MP, up to `references` input images,
 * and its own prompt-upsampling fields (disable_pup on pro/max, prompt_upsampling, steps and
 * guidance on flex, none on klein).
 */
function flux2Model(
	endpoint: string,
	displayName: string,
	description: string,
	references: number,
	upsampling: FieldSpec[],
): ModelSpec {
	return {
		endpoint,
		displayName,
		description,
		operations: ['generate', 'edit'],
		activeTaskLimit: 24,
		maxPixels: FOUR_MP,
		fields: [
			prompt(true),
			...referenceImages(references),
			...flux2Size(),
			...upsampling,
			...common(5, ['jpeg', 'png', 'webp'], 'jpeg'),
		],
	};
}

function kontextModel(endpoint: string, displayName: string, activeTaskLimit: number): ModelSpec {
	return {
		endpoint,
		displayName,
		description: 'FLUX.1 Kontext: text-to-image and in-context editing, about 1 MP',
		operations: ['generate', 'edit'],
		activeTaskLimit,
		fields: [
			prompt(true),
			...referenceImages(4),
			aspectRatio(''),
			promptUpsampling(false),
			...common(6, FLUX1_FORMATS, 'png'),
		],
	};
}

function controlModel(
	endpoint: string,
	displayName: string,
	extra: FieldSpec[],
	guidanceDefault: number,
): ModelSpec {
	return {
		endpoint,
		displayName,
		description: 'Deprecated by BFL in 2025; kept for existing workflows',
		operations: ['generate'],
		legacy: true,
		activeTaskLimit: 24,
		requireOneOf: ['control_image', 'preprocessed_image'],
		fields: [
			prompt(true),
			image('control_image', false, 'Image whose structure guides the result'),
			{ ...image('preprocessed_image', false, 'Already preprocessed control map'), advanced: true },
			...extra,
			steps(15, 50, 50),
			guidance(1, 100, guidanceDefault),
			promptUpsampling(false),
			...common(6, FLUX1_FORMATS, 'jpeg'),
		],
	};
}

function cannyThreshold(api: string, defaultValue: number): NumberField {
	return { api, kind: 'integer', min: 0, max: 500, default: defaultValue, advanced: true };
}

export const MODELS: ModelSpec[] = [
	flux2Model('flux-2-max', 'FLUX.2 [max]', 'Highest quality FLUX.2, with grounding search', 8, [disablePup()]),
	flux2Model('flux-2-pro-preview', 'FLUX.2 [pro] Preview', 'Latest FLUX.2 [pro], updated by BFL', 8, [disablePup()]),
	flux2Model('flux-2-pro', 'FLUX.2 [pro]', 'Pinned FLUX.2 [pro] snapshot for reproducible results', 8, [disablePup()]),
	flux2Model('flux-2-flex', 'FLUX.2 [flex]', 'FLUX.2 with control over steps and guidance', 8, [
		promptUpsampling(true),
		steps(1, 50, 50),
		guidance(1.5, 10, 5),
	]),
	flux2Model('flux-2-klein-4b', 'FLUX.2 [klein] 4B', 'Fastest and cheapest FLUX.2, sub-second', 4, []),
	flux2Model('flux-2-klein-9b-preview', 'FLUX.2 [klein] 9B Preview', 'FLUX.2 [klein] 9B, faster edits', 4, []),
	flux2Model('flux-2-klein-9b', 'FLUX.2 [klein] 9B', 'Fast FLUX.2 with better quality than 4B', 4, []),
	kontextModel('flux-kontext-max', 'FLUX.1 Kontext [max]', 6),
	kontextModel('flux-kontext-pro', 'FLUX.1 Kontext [pro]', 24),
	{
		endpoint: 'flux-pro-1.1-ultra',
		displayName: 'FLUX1.1 [pro] Ultra',
		description: 'Up to 4 MP, by aspect ratio, with an optional raw look',
		operations: ['generate'],
		activeTaskLimit: 24,
		requireOneOf: ['prompt', 'image_prompt'],
		fields: [
			...ultraFields().slice(0, 2),
			{
				api: 'raw',
				kind: 'boolean',
				default: false,
				description: 'Whether to generate a less processed, more natural-looking image',
			},
			...ultraFields().slice(2),
		],
	},
	{
		endpoint: 'flux-pro-1.1',
		displayName: 'FLUX1.1 [pro]',
		description: 'Fast FLUX.1 generation by width and height',
		operations: ['generate'],
		activeTaskLimit: 24,
		requireOneOf: ['prompt', 'image_prompt'],
		fields: [
			prompt(false),
			...flux1Size(),
			imagePrompt(),
			promptUpsampling(false),
			...common(6, FLUX1_FORMATS, 'jpeg'),
		],
	},
	{
		endpoint: 'flux-pro',
		displayName: 'FLUX.1 [pro]',
		description: 'The original FLUX.1 [pro]; BFL may retire it',
		operations: ['generate'],
		legacy: true,
		activeTaskLimit: 24,
		requireOneOf: ['prompt', 'image_prompt'],
		fields: [
			prompt(false),
			...flux1Size(),
			imagePrompt(),
			steps(1, 50, 40),
			guidance(1.5, 5, 2.5),
			{
				api: 'interval',
				kind: 'number',
				min: 1,
				max: 4,
				default: 2,
				advanced: true,
				description: 'Guidance interval, 1 to 4',
			},
			promptUpsampling(false),
			...common(6, FLUX1_FORMATS, 'jpeg'),
		],
	},
	{
		endpoint: 'flux-dev',
		displayName: 'FLUX.1 [dev]',
		description: 'FLUX.1 [dev] by width and height',
		operations: ['generate'],
		activeTaskLimit: 24,
		requireOneOf: ['prompt', 'image_prompt'],
		fields: [
			prompt(false),
			...flux1Size(),
			imagePrompt(),
			steps(1, 50, 28),
			guidance(1.5, 5, 3),
			promptUpsampling(false),
			...common(6, FLUX1_FORMATS, 'jpeg'),
		],
	},
	{
		endpoint: 'flux-pro-1.0-fill',
		displayName: 'FLUX.1 Fill [pro]',
		description: 'Inpainting: repaint the masked part of an image',
		operations: ['fill'],
		activeTaskLimit: 24,
		fields: fillFields(),
	},
	{
		endpoint: 'flux-pro-1.0-expand',
		displayName: 'FLUX.1 Expand [pro]',
		description: 'Outpainting: add pixels on any side of an image',
		operations: ['expand'],
		activeTaskLimit: 24,
		fields: [
			image('image', true, 'The image to expand'),
			...['top', 'bottom', 'left', 'right'].map(
				(side): NumberField => ({
					api: side,
					kind: 'integer',
					min: 0,
					max: 2048,
					default: 0,
					description: `Pixels to add at the ${side}, 0 to 2048`,
				}),
			),
			prompt(false),
			steps(15, 50, 50),
			guidance(1.5, 100, 60),
			promptUpsampling(false),
			...common(6, FLUX1_FORMATS, 'jpeg'),
		],
	},
	controlModel(
		'flux-pro-1.0-canny',
		'FLUX.1 Canny [pro]',
		[cannyThreshold('canny_low_threshold', 50), cannyThreshold('canny_high_threshold', 200)],
		30,
	),
	controlModel('flux-pro-1.0-depth', 'FLUX.1 Depth [pro]', [], 15),
	{
		endpoint: 'flux-pro-1.1-ultra-finetuned',
		displayName: 'FLUX1.1 [pro] Ultra Finetuned',
		description: 'Ultra with your finetune; use the US1 or EU1 host your finetune lives on',
		operations: ['generate'],
		activeTaskLimit: 24,
		fields: [...finetune(1.2), ...ultraFields()],
	},
	{
		endpoint: 'flux-pro-1.0-fill-finetuned',
		displayName: 'FLUX.1 Fill [pro] Finetuned',
		description: 'Fill with your finetune; use the US1 or EU1 host your finetune lives on',
		operations: ['fill'],
		activeTaskLimit: 24,
		fields: [...finetune(1.1), ...fillFields()],
	},
];

export const MODELS_BY_ENDPOINT: ReadonlyMap<string, ModelSpec> = new Map(
	MODELS.map((model) => [model.endpoint, model]),
);

export const OPERATIONS: Array<{ value: Operation; name: string; action: string; description: string }> = [
	{
		value: 'generate',
		name: 'Generate',
		action: 'Generate an image',
		description: 'Create an image from a prompt',
	},
	{
		value: 'edit',
		name: 'Edit',
		action: 'Edit an image',
		description: 'Change images with a prompt, using up to 8 reference images',
	},
	{
		value: 'fill',
		name: 'Fill',
		action: 'Fill part of an image',
		description: 'Repaint the masked part of an image (inpainting)',
	},
	{
		value: 'expand',
		name: 'Expand',
		action: 'Expand an image',
		description: 'Add pixels on the sides of an image (outpainting)',
	},
];

/** `safety_tolerance` → `safetyTolerance`, `input_image_2` → `inputImage2`. */
export function parameterName(api: string): string {
	return api.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** `safety_tolerance` → `Safety Tolerance`. */
export function fieldDisplayName(api: string): string {
	return api
		.split('_')
		.map((word) => word.charAt(0).toUpperCase() + word.slice(1))
		.join(' ');
}

export function modelLabel(model: ModelSpec): string {
	return model.legacy ? `${model.displayName} (Legacy)` : model.displayName;
}

/** The fields of a model that apply to one operation. */
export function fieldsFor(model: ModelSpec, operation: Operation): FieldSpec[] {
	return model.fields.filter((field) => (field.operations ?? model.operations).includes(operation));
}

export function referenceImageCount(model: ModelSpec): number {
	return model.fields.filter((field) => field.api.startsWith('input_image')).length;
}
