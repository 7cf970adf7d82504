import { FLUX1_MODELS } from './flux1';
import { FLUX2_MODELS } from './flux2';
import { FLUX3_IMAGE_MODELS } from './flux3';
import { LEGACY_MODELS } from './legacy';
import { TOOL_MODELS } from './tools';
import type { FieldSpec, ModelSpec, Operation, Resource } from './types';
import { VIDEO_MODELS } from './video';

export * from './types';
export { ASPECT_RATIO_HELP } from './builders';
export { DEFAULT_LIMITS, formatBytes, limitsOf, MEGAPIXEL } from './limits';
export { MAX_VIDEO_SECONDS } from './video';

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
	...FLUX1_MODELS,
	...LEGACY_MODELS,
];

export const MODELS_BY_ID: ReadonlyMap<string, ModelSpec> = new Map(MODELS.map((model) => [model.id, model]));

export const MIN_ASPECT_RATIO = 9 / 21;
export const MAX_ASPECT_RATIO = 21 / 9;
export const ASPECT_RATIOS = ['21:9', '16:9', '3:2', '4:3', '5:4', '1:1', '4:5', '3:4', '2:3', '9:16', '9:21'];

/** Active tasks BFL allows per account in each bucket (429 above); video's 5 has one source [uncertain]. */
export const BUCKET_LIMITS = { standard: 24, 'kontext-max': 6, video: 5 } as const;

export interface OperationSpec {
	resource: Resource;
	value: Operation;
	name: string;
	/** What the node picker's action list shows. */
	action: string;
	description: string;
	/** The model offered first. */
	defaultModel: string;
}

/** The operations of node version 2, per resource, in the order the panel shows them. */
export const OPERATIONS: OperationSpec[] = [
	{ resource: 'image', value: 'generate', name: 'Generate', action: 'Generate an image', description: 'Create an image from a prompt', defaultModel: 'flux-2-pro' },
	{ resource: 'image', value: 'edit', name: 'Edit', action: 'Edit an image', description: 'Change images with a prompt, using reference images', defaultModel: 'flux-2-pro' },
	{ resource: 'image', value: 'erase', name: 'Erase', action: 'Erase an object', description: 'Remove what a mask marks, filling in the background', defaultModel: 'erase-v1' },
	{ resource: 'image', value: 'expand', name: 'Expand (Outpaint)', action: 'Expand an image', description: 'Extend an image onto a larger canvas (outpainting)', defaultModel: 'outpainting-v1' },
	{ resource: 'image', value: 'fill', name: 'Fill (Inpaint)', action: 'Fill part of an image', description: 'Repaint the masked part of an image (inpainting)', defaultModel: 'flux-pro-1.0-fill' },
	{ resource: 'image', value: 'deblur', name: 'Deblur', action: 'Deblur an image', description: 'Sharpen a blurred image', defaultModel: 'deblur-v1' },
	{ resource: 'image', value: 'tryOn', name: 'Try On', action: 'Try on a garment', description: 'Dress a person in a garment (virtual try-on)', defaultModel: 'vto-v2' },
	{ resource: 'video', value: 'generate', name: 'Generate', action: 'Generate a video', description: 'Create a video with sound from a prompt', defaultModel: 'flux-3-video' },
	{ resource: 'video', value: 'animate', name: 'Animate Images', action: 'Animate images into a video', description: 'Make a video from 1 to 10 keyframes', defaultModel: 'flux-3-video' },
	{ resource: 'video', value: 'extend', name: 'Extend', action: 'Extend a video', description: 'Continue a video from its last frames', defaultModel: 'flux-3-video' },
	{ resource: 'video', value: 'enhance', name: 'Enhance Draft', action: 'Enhance a draft video', description: 'Render a draft again at full quality', defaultModel: 'flux-3-video' },
	{ resource: 'video', value: 'upscale', name: 'Upscale', action: 'Upscale a video', description: 'Make a video 1.5× to 3× larger', defaultModel: 'video-upscale-v1' },
	{ resource: 'video', value: 'edit', name: 'Edit', action: 'Edit a video', description: 'Change a video with a prompt', defaultModel: 'video-edit-v1' },
];

/** Node version 1: one image operation list, no resource. */
export const V1_OPERATIONS: OperationSpec[] = OPERATIONS.filter(
	(operation) => operation.resource === 'image' && ['generate', 'edit', 'fill', 'expand'].includes(operation.value),
).map((operation) => ({
	...operation,
	name: ({ generate: 'Generate', edit: 'Edit', fill: 'Fill', expand: 'Expand' } as Record<string, string>)[operation.value] ?? operation.name,
	description: operation.value === 'edit' ? 'Change images with a prompt, using up to 8 reference images' : operation.value === 'expand' ? 'Add pixels on the sides of an image (outpainting)' : operation.description,
	defaultModel: operation.value === 'expand' ? 'flux-pro-1.0-expand' : operation.defaultModel,
}));

/** The models a node version offers for one operation, in table order. */
export function modelsFor(version: number, resource: Resource, operation: Operation): ModelSpec[] {
	return MODELS.filter(
		(model) => model.versions.includes(version) && model.resource === resource && model.operations.includes(operation),
	);
}

/** The path after /v1/. */
export function pathOf(model: ModelSpec): string {
	return model.path ?? model.id;
}

/** `safety_tolerance` → `safetyTolerance`, `input_image_2` → `inputImage2`. */
export function parameterName(api: string): string {
	return api.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

export function parameterOf(field: FieldSpec): string {
	return field.parameter ?? parameterName(field.api);
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

/** The number of reference-image slots or list entries a model takes (for the README). */
export function referenceImageCount(model: ModelSpec): number {
	const list = model.fields.find((field) => field.kind === 'media' && field.list && field.api === 'images');
	if (list && list.kind === 'media' && list.list) return list.list.max;
	return model.fields.filter((field) => field.api.startsWith('input_image') && field.operations?.includes('edit')).length;
}

/** The result of a model is a video (an MP4) or an image. */
export function outputKind(model: ModelSpec): 'image' | 'video' {
	return model.resource;
}
