import {
	common,
	flat,
	guidance,
	MODERN_FORMATS,
	RETIRED_FORMATS,
	image,
	imagePrompt,
	prompt,
	promptUpsampling,
	steps,
} from './builders';
import { flux1Size } from './flux1';
import type { FieldSpec, ModelSpec, NumberField } from './types';

/**
 * Endpoints BFL has retired or may retire (bfl-api.md §2.8, §2.12, §2.13). Canny and Depth are gone
 * from BFL's 2026 API: only node version 1 offers them, so workflows saved with them still load and
 * run (and fail with BFL's own answer). FLUX.1 [pro] is still listed by BFL and stays.
 */

function cannyThreshold(api: string, defaultValue: number): NumberField {
	return { api, kind: 'integer', min: 0, max: 500, default: defaultValue, advanced: true };
}

function controlModel(
	id: string,
	displayName: string,
	extra: FieldSpec[],
	guidanceDefault: number,
): ModelSpec {
	return {
		id,
		displayName,
		description: 'Removed by BFL in 2025; kept so existing workflows still load',
		resource: 'image',
		operations: ['generate'],
		versions: [1],
		legacy: true,
		bucket: 'standard',
		requireOneOf: ['control_image', 'preprocessed_image'],
		price: flat(5), // older third-party figure
		priceNote: 'an older third-party figure',
		fields: [
			prompt(true),
			image('control_image', false, 'Image whose structure guides the result'),
			{ ...image('preprocessed_image', false, 'Already preprocessed control map'), advanced: true },
			...extra,
			steps(15, 50, 50),
			guidance(1, 100, guidanceDefault),
			promptUpsampling(false),
			...common(6, RETIRED_FORMATS, 'jpeg'),
		],
	};
}

export const LEGACY_MODELS: ModelSpec[] = [
	{
		id: 'flux-pro',
		displayName: 'FLUX.1 [pro]',
		description: 'The original FLUX.1 [pro]; BFL may retire it',
		resource: 'image',
		operations: ['generate'],
		versions: [1, 2],
		legacy: true,
		bucket: 'standard',
		requireOneOf: ['prompt', 'image_prompt'],
		price: flat(5), // older third-party figure
		priceNote: 'an older third-party figure',
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
			...common(6, MODERN_FORMATS, 'jpeg'),
		],
	},
	controlModel(
		'flux-pro-1.0-canny',
		'FLUX.1 Canny [pro]',
		[cannyThreshold('canny_low_threshold', 50), cannyThreshold('canny_high_threshold', 200)],
		30,
	),
	// Depth's guidance default: 15 per BFL's ComfyUI nodes, 30 per its 2025 SDK [uncertain].
	controlModel('flux-pro-1.0-depth', 'FLUX.1 Depth [pro]', [], 15),
];
