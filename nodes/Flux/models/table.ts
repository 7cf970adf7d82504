import { FLUX1_MODELS } from './flux1';
import { FLUX2_MODELS } from './flux2';
import { FLUX3_IMAGE_MODELS } from './flux3';
import { LEGACY_MODELS } from './legacy';
import { TOOL_MODELS } from './tools';
import type { FieldSpec, ModelSpec, Operation } from './types';
import { VIDEO_MODELS } from './video';
import { VIDEO_TOOL_MODELS } from './videoTools';

/**
 * The one table of BFL models, joined from one file per family. The node's fields (both
 * versions), its validation, the emulator and the README all follow from it. Adding an endpoint
 * means adding an entry to its family's file and nothing else.
 */
export const MODELS: ModelSpec[] = [
	...FLUX3_IMAGE_MODELS,
	...FLUX2_MODELS,
	...TOOL_MODELS,
	...VIDEO_MODELS,
	...VIDEO_TOOL_MODELS,
	...FLUX1_MODELS,
	...LEGACY_MODELS,
];

export const MODELS_BY_ID: ReadonlyMap<string, ModelSpec> = new Map(
	MODELS.map((model) => [model.id, model]),
);

export const MIN_ASPECT_RATIO = 9 / 21;
export const MAX_ASPECT_RATIO = 21 / 9;
export const ASPECT_RATIOS = [
	'21:9',
	'16:9',
	'3:2',
	'4:3',
	'5:4',
	'1:1',
	'4:5',
	'3:4',
	'2:3',
	'9:16',
	'9:21',
];

/** Images one item may ask for (BFL makes one image per task; BFL's MCP server and n8n's OpenAI node stop at 8 too). */
export const MAX_IMAGES_PER_ITEM = 8;

/** Active tasks BFL allows per account in each bucket (429 above); video's 5 has one source [uncertain]. */
export const BUCKET_LIMITS = { standard: 24, 'kontext-max': 6, video: 5 } as const;

/** The path after /v1/. */
export function pathOf(model: ModelSpec): string {
	return model.path ?? model.id;
}

/** The fields of a model that apply to one operation. */
export function fieldsFor(model: ModelSpec, operation: Operation): FieldSpec[] {
	return model.fields.filter((field) => (field.operations ?? model.operations).includes(operation));
}

/** The number of reference-image slots or list entries a model takes (for the README). */
export function referenceImageCount(model: ModelSpec): number {
	const list = model.fields.find(
		(field) => field.kind === 'media' && field.list && field.api === 'images',
	);
	if (list && list.kind === 'media' && list.list) return list.list.max;
	return model.fields.filter(
		(field) => field.api.startsWith('input_image') && field.operations?.includes('edit'),
	).length;
}
