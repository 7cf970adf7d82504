import type { ModelSpec, NumberField } from './types';

/**
 * Sizes people type, and the common formats as presets. BFL takes widths and heights on a grid
 * (FLUX.2: multiples of 16; FLUX.1: 32), so 1080 × 1920 for a Story would be refused: a size
 * inside the model's range is rounded to the nearest point of its grid instead, and only a size
 * outside the range is refused.
 */

export interface SizePreset {
	value: string;
	name: string;
	width: number;
	height: number;
}

/** Square, portrait 4:5, story 9:16 and landscape 16:9, at about 1 MP and 2 MP, on a 32 px grid. */
export const SIZE_PRESETS: SizePreset[] = [
	{ value: 'square-1mp', name: 'Square 1:1, 1 MP (1024×1024)', width: 1024, height: 1024 },
	{ value: 'portrait-1mp', name: 'Portrait 4:5, 1 MP (896×1120)', width: 896, height: 1120 },
	{ value: 'story-1mp', name: 'Story 9:16, 1 MP (768×1344)', width: 768, height: 1344 },
	{ value: 'landscape-1mp', name: 'Landscape 16:9, 1 MP (1344×768)', width: 1344, height: 768 },
	{ value: 'square-2mp', name: 'Square 1:1, 2 MP (1408×1408)', width: 1408, height: 1408 },
	{ value: 'portrait-2mp', name: 'Portrait 4:5, 2 MP (1280×1600)', width: 1280, height: 1600 },
	{ value: 'story-2mp', name: 'Story 9:16, 2 MP (1088×1920)', width: 1088, height: 1920 },
	{ value: 'landscape-2mp', name: 'Landscape 16:9, 2 MP (1920×1088)', width: 1920, height: 1088 },
];

/** The Size option that leaves width and height to their own fields. */
export const CUSTOM_SIZE = 'custom';

function sizeFields(model: ModelSpec): { width?: NumberField; height?: NumberField } {
	const find = (api: string) =>
		model.fields.find(
			(field): field is NumberField => field.api === api && field.kind === 'integer',
		);
	return { width: find('width'), height: find('height') };
}

/** Whether a side fits a size field's range and grid. */
function fits(field: NumberField, side: number): boolean {
	return (
		side >= field.min &&
		(field.max === undefined || side <= field.max) &&
		(!field.multipleOf || side % field.multipleOf === 0)
	);
}

/** The presets a model can make: it takes a width and a height of its own choosing, and each fits. */
export function presetsFor(model: ModelSpec): SizePreset[] {
	const { width, height } = sizeFields(model);
	if (!width || !height || width.required || height.required) return [];
	return SIZE_PRESETS.filter(
		(preset) =>
			fits(width, preset.width) &&
			fits(height, preset.height) &&
			(!model.maxPixels || preset.width * preset.height <= model.maxPixels),
	);
}

/**
 * A side inside the field's range, moved to the nearest point of its grid that is still inside it;
 * anything else (off the range, 0 for automatic, not a number) as it was, for validation to judge.
 */
export function onGrid(field: NumberField, side: unknown): unknown {
	const step = field.multipleOf;
	if (
		!step ||
		typeof side !== 'number' ||
		!Number.isFinite(side) ||
		(field.zeroMeansAuto && side === 0)
	)
		return side;
	if (side < field.min || (field.max !== undefined && side > field.max)) return side;
	const lowest = Math.ceil(field.min / step) * step;
	const highest = field.max === undefined ? Infinity : Math.floor(field.max / step) * step;
	return Math.min(highest, Math.max(lowest, Math.round(side / step) * step));
}

/**
 * Width and height on the model's grid; when rounding up would take them past the model's pixel
 * limit (and the size asked was within it), both are rounded down instead.
 */
export function sizeOnGrid(
	model: ModelSpec,
	width: unknown,
	height: unknown,
): { width: unknown; height: unknown } {
	const fields = sizeFields(model);
	if (!fields.width || !fields.height) return { width, height };
	const rounded = { width: onGrid(fields.width, width), height: onGrid(fields.height, height) };
	const limit = model.maxPixels;
	if (
		!limit ||
		typeof width !== 'number' ||
		typeof height !== 'number' ||
		typeof rounded.width !== 'number' ||
		typeof rounded.height !== 'number'
	) {
		return rounded;
	}
	if (rounded.width * rounded.height <= limit || width * height > limit) return rounded;
	const down = (field: NumberField, side: number) =>
		Math.max(field.min, Math.floor(side / (field.multipleOf ?? 1)) * (field.multipleOf ?? 1));
	return { width: down(fields.width, width), height: down(fields.height, height) };
}
