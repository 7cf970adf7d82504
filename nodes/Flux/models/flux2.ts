import {
	common,
	disablePup,
	finetune,
	FOUR_MP,
	guidance,
	MODERN_FORMATS,
	perMegapixel,
	prompt,
	promptUpsampling,
	referenceImages,
	steps,
} from './builders';
import type { FieldSpec, ModelSpec, NumberField, PriceInput } from './types';

/** FLUX.2 [max], [pro], [flex] and [klein], and the klein LoRA endpoints (bfl-api.md §2.1–2.4, bfl-api-2026.md §6). */

function flux2Size(): NumberField[] {
	return ['width', 'height'].map((api) => ({
		api,
		kind: 'integer' as const,
		min: 64,
		multipleOf: 16,
		default: 0,
		zeroMeansAuto: true,
		description: `Output ${api} in pixels, a multiple of 16; 0 = automatic (about 1 MP, or the first input image's size when editing)`,
		hint: "0 = automatic (about 1 MP; an edit keeps its first image's size)",
	}));
}

interface Flux2Options {
	references: number;
	upsampling: FieldSpec[];
	price: (input: PriceInput) => number;
	versions?: number[];
	totalMegapixels?: number;
	/** klein LoRAs: the finetune fields go first. */
	finetune?: FieldSpec[];
}

/**
 * A FLUX.2 endpoint: width/height in multiples of 16 up to 4 MP, up to `references` input images,
 * and its own prompt-upsampling fields (disable_pup on pro/max, prompt_upsampling, steps and
 * guidance on flex, none on klein).
 */
function flux2Model(
	id: string,
	displayName: string,
	description: string,
	options: Flux2Options,
): ModelSpec {
	return {
		id,
		displayName,
		description,
		resource: 'image',
		operations: ['generate', 'edit'],
		versions: options.versions ?? [1, 2],
		bucket: 'standard',
		maxPixels: FOUR_MP,
		totalMegapixels: options.totalMegapixels,
		price: options.price,
		fields: [
			...(options.finetune ?? []),
			prompt(true),
			...referenceImages(options.references),
			...flux2Size(),
			...options.upsampling,
			...common(5, MODERN_FORMATS, 'jpeg'),
		],
	};
}

// Credits: the first output MP, then each extra output MP and each input MP (bfl-api.md §5).
const KLEIN_4B = perMegapixel(1.4, 0.1);
const KLEIN_9B = perMegapixel(1.5, 0.2); // preview assumed the same as 9B
const PRO = perMegapixel(3, 1.5); // preview assumed the same as pro
const MAX = perMegapixel(7, 3);
const FLEX = perMegapixel(5, 5); // 5 per MP since 2026-01-28; one docs snapshot still says 6

// The 9 MP budget for inputs plus output is documented for [pro] only.
const PRO_BUDGET_MP = 9;

/** klein LoRA finetune_strength: BFL states no range; one client clamps to 2 [uncertain]. */
const KLEIN_LORA_MAX_STRENGTH = 2;

function kleinLora(
	id: string,
	displayName: string,
	base: string,
	price: (input: PriceInput) => number,
): ModelSpec {
	return flux2Model(
		id,
		displayName,
		`Your own LoRA on ${base} (public beta; priced like the base model)`,
		{
			references: 4,
			upsampling: [],
			price,
			versions: [2],
			finetune: finetune(1, KLEIN_LORA_MAX_STRENGTH).map((field) =>
				field.api === 'finetune_id'
					? {
							...field,
							description:
								'The name you gave your LoRA when uploading it (org-id/lora-name for a shared one)',
						}
					: field,
			),
		},
	);
}

export const FLUX2_MODELS: ModelSpec[] = [
	flux2Model('flux-2-max', 'FLUX.2 [max]', 'Highest quality FLUX.2, with grounding search', {
		references: 8,
		upsampling: [disablePup()],
		price: MAX,
	}),
	flux2Model('flux-2-pro-preview', 'FLUX.2 [pro] Preview', 'Latest FLUX.2 [pro], updated by BFL', {
		references: 8,
		upsampling: [disablePup()],
		price: PRO,
		totalMegapixels: PRO_BUDGET_MP,
	}),
	flux2Model(
		'flux-2-pro',
		'FLUX.2 [pro]',
		'Pinned FLUX.2 [pro] snapshot for reproducible results',
		{
			references: 8,
			upsampling: [disablePup()],
			price: PRO,
			totalMegapixels: PRO_BUDGET_MP,
		},
	),
	flux2Model('flux-2-flex', 'FLUX.2 [flex]', 'FLUX.2 with control over steps and guidance', {
		references: 8,
		// guidance default 5 per the OpenAPI; the guides say 4.5 [uncertain].
		upsampling: [promptUpsampling(true), steps(1, 50, 50), guidance(1.5, 10, 5)],
		price: FLEX,
	}),
	flux2Model('flux-2-klein-4b', 'FLUX.2 [klein] 4B', 'Fastest and cheapest FLUX.2, sub-second', {
		references: 4,
		upsampling: [],
		price: KLEIN_4B,
	}),
	// klein 9B: 4 reference slots in the OpenAPI; BFL's newest SDK allows 5 [uncertain: 4 kept].
	flux2Model(
		'flux-2-klein-9b-preview',
		'FLUX.2 [klein] 9B Preview',
		'FLUX.2 [klein] 9B, faster edits',
		{
			references: 4,
			upsampling: [],
			price: KLEIN_9B,
		},
	),
	flux2Model('flux-2-klein-9b', 'FLUX.2 [klein] 9B', 'Fast FLUX.2 with better quality than 4B', {
		references: 4,
		upsampling: [],
		price: KLEIN_9B,
	}),
	kleinLora('flux-2-klein-4b-finetuned', 'FLUX.2 [klein] 4B LoRA', 'klein 4B (FP8)', KLEIN_4B),
	kleinLora('flux-2-klein-9b-finetuned', 'FLUX.2 [klein] 9B LoRA', 'klein 9B (FP8)', KLEIN_9B),
	kleinLora(
		'flux-2-klein-9b-kv-finetuned',
		'FLUX.2 [klein] 9B KV LoRA',
		'klein 9B KV (FP8)',
		KLEIN_9B,
	),
	kleinLora(
		'flux-2-klein-9b-kv-bf16-finetuned',
		'FLUX.2 [klein] 9B KV BF16 LoRA',
		'klein 9B KV (BF16)',
		KLEIN_9B,
	),
	kleinLora(
		'flux-2-klein-base-4b-finetuned',
		'FLUX.2 [klein] Base 4B LoRA',
		'klein base 4B (FP8)',
		KLEIN_4B,
	),
	kleinLora(
		'flux-2-klein-base-9b-finetuned',
		'FLUX.2 [klein] Base 9B LoRA',
		'klein base 9B (FP8)',
		KLEIN_9B,
	),
];
