import {
	aspectRatio,
	common,
	finetune,
	flat,
	FOUR_MP,
	MODERN_FORMATS,
	guidance,
	image,
	imagePrompt,
	prompt,
	promptUpsampling,
	referenceImages,
	steps,
} from './builders';
import { MEGAPIXEL } from './limits';
import type { FieldSpec, ModelSpec, NumberField, OutputSize } from './types';

/**
 * FLUX.1 Kontext, FLUX1.1 [pro] and Ultra, FLUX.1 [dev], Fill and Expand, and the FLUX.1 finetunes
 * BFL still serves (bfl-api.md §2.5–2.11, §2.14).
 */

export function flux1Size(): NumberField[] {
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

/** Ultra: about 4 MP in the asked shape, sides in multiples of 32. */
function ultraSize(): OutputSize {
	return { pixels: FOUR_MP, multipleOf: 32 };
}

function ultraFields(options: { raw: boolean }): FieldSpec[] {
	return [
		prompt(false),
		aspectRatio('16:9'),
		...(options.raw
			? [
					{
						api: 'raw',
						kind: 'boolean' as const,
						default: false,
						description: 'Whether to generate a less processed, more natural-looking image',
					},
				]
			: []),
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
		...common(6, MODERN_FORMATS, 'jpeg'),
	];
}

export function fillFields(): FieldSpec[] {
	return [
		image('image', true, 'The image to fill'),
		{
			...image('mask', false, 'Black-and-white mask of the same size (white = repaint)'),
			sameSizeAs: 'image',
			hint: 'Optional mask, white = repaint: a binary property name or URL. Leave empty when the image has an alpha channel.',
		},
		prompt(false),
		steps(15, 50, 50),
		guidance(1.5, 100, 60),
		promptUpsampling(false),
		...common(6, MODERN_FORMATS, 'jpeg'),
	];
}

function kontextModel(
	id: string,
	displayName: string,
	maxOnly: boolean,
	credits: number,
): ModelSpec {
	return {
		id,
		displayName,
		// BFL's OpenAPI marks both Kontext endpoints deprecated and its docs point to FLUX.2 [pro].
		description:
			'Deprecated by BFL (use FLUX.2 [pro]); FLUX.1 Kontext: text-to-image and in-context editing, about 1 MP',
		deprecatedFor: 'flux-2-pro',
		resource: 'image',
		operations: ['generate', 'edit'],
		versions: [1, 2],
		bucket: maxOnly ? 'kontext-max' : 'standard',
		outputSize: { pixels: MEGAPIXEL, multipleOf: 16 },
		price: flat(credits),
		fields: [
			prompt(true),
			...referenceImages(4),
			aspectRatio(''),
			promptUpsampling(false),
			// Output png per the OpenAPI, jpeg per the guide; safety 0–6 per the OpenAPI, 0–2 with an
			// input image per the edit guide [both uncertain].
			...common(6, MODERN_FORMATS, 'png'),
		],
	};
}

export const FLUX1_MODELS: ModelSpec[] = [
	kontextModel('flux-kontext-max', 'FLUX.1 Kontext [max]', true, 8),
	kontextModel('flux-kontext-pro', 'FLUX.1 Kontext [pro]', false, 4),
	{
		id: 'flux-pro-1.1-ultra',
		displayName: 'FLUX1.1 [pro] Ultra',
		description: 'Up to 4 MP, by aspect ratio, with an optional raw look',
		resource: 'image',
		operations: ['generate'],
		versions: [1, 2],
		bucket: 'standard',
		requireOneOf: ['prompt', 'image_prompt'],
		outputSize: ultraSize(),
		price: flat(6),
		fields: ultraFields({ raw: true }),
	},
	{
		id: 'flux-pro-1.1',
		displayName: 'FLUX1.1 [pro]',
		description: 'Fast FLUX.1 generation by width and height',
		resource: 'image',
		operations: ['generate'],
		versions: [1, 2],
		bucket: 'standard',
		requireOneOf: ['prompt', 'image_prompt'],
		price: flat(4),
		fields: [
			prompt(false),
			...flux1Size(),
			imagePrompt(),
			promptUpsampling(false),
			...common(6, MODERN_FORMATS, 'jpeg'),
		],
	},
	{
		id: 'flux-dev',
		displayName: 'FLUX.1 [dev]',
		description: 'FLUX.1 [dev] by width and height',
		resource: 'image',
		operations: ['generate'],
		versions: [1, 2],
		bucket: 'standard',
		requireOneOf: ['prompt', 'image_prompt'],
		price: flat(2.5),
		priceNote: 'a third-party figure',
		fields: [
			prompt(false),
			...flux1Size(),
			imagePrompt(),
			steps(1, 50, 28),
			guidance(1.5, 5, 3),
			promptUpsampling(false),
			...common(6, MODERN_FORMATS, 'jpeg'),
		],
	},
	{
		id: 'flux-pro-1.0-fill',
		displayName: 'FLUX.1 Fill [pro]',
		description: 'Inpainting: repaint the masked part of an image',
		resource: 'image',
		operations: ['fill'],
		versions: [1, 2],
		bucket: 'standard',
		price: flat(5),
		fields: fillFields(),
	},
	{
		id: 'flux-pro-1.0-expand',
		displayName: 'FLUX.1 Expand [pro]',
		description: 'Add a number of pixels on any side of an image',
		resource: 'image',
		operations: ['expand'],
		versions: [1, 2],
		bucket: 'standard',
		price: flat(5),
		priceNote: "not on BFL's pricing page: an older third-party figure",
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
			...common(6, MODERN_FORMATS, 'jpeg'),
		],
	},
	{
		id: 'flux-pro-1.1-ultra-finetuned',
		displayName: 'FLUX1.1 [pro] Ultra Finetuned',
		description: 'Ultra with your FLUX.1 finetune, on the host (US1 or EU1) it was trained on',
		resource: 'image',
		operations: ['generate'],
		versions: [1, 2],
		bucket: 'standard',
		finetuneHost: true,
		outputSize: ultraSize(),
		price: flat(7),
		fields: [...finetune(1.2), ...ultraFields({ raw: false })],
	},
	{
		id: 'flux-pro-1.0-fill-finetuned',
		displayName: 'FLUX.1 Fill [pro] Finetuned',
		description: 'Fill with your FLUX.1 finetune, on the host (US1 or EU1) it was trained on',
		resource: 'image',
		operations: ['fill'],
		versions: [1, 2],
		bucket: 'standard',
		finetuneHost: true,
		price: flat(6),
		fields: [...finetune(1.1), ...fillFields()],
	},
];
