import { MODELS } from './table';
import type { ModelSpec, Operation, Resource } from './types';

/** The operations that run a model, per resource, and which models each node version offers. */

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
	{
		resource: 'image',
		value: 'generate',
		name: 'Generate',
		action: 'Generate an image',
		description: 'Create an image from a prompt',
		defaultModel: 'flux-2-pro',
	},
	{
		resource: 'image',
		value: 'edit',
		name: 'Edit',
		action: 'Edit an image',
		description: 'Change images with a prompt, using reference images',
		defaultModel: 'flux-2-pro',
	},
	{
		resource: 'image',
		value: 'erase',
		name: 'Erase',
		action: 'Erase an object',
		description: 'Remove what a mask marks, filling in the background',
		defaultModel: 'erase-v1',
	},
	{
		resource: 'image',
		value: 'expand',
		name: 'Expand (Outpaint)',
		action: 'Expand an image',
		description: 'Extend an image onto a larger canvas (outpainting)',
		defaultModel: 'outpainting-v1',
	},
	{
		resource: 'image',
		value: 'fill',
		name: 'Fill (Inpaint)',
		action: 'Fill part of an image',
		description: 'Repaint the masked part of an image (inpainting)',
		defaultModel: 'flux-pro-1.0-fill',
	},
	{
		resource: 'image',
		value: 'deblur',
		name: 'Deblur',
		action: 'Deblur an image',
		description: 'Sharpen a blurred image',
		defaultModel: 'deblur-v1',
	},
	{
		resource: 'image',
		value: 'tryOn',
		name: 'Try On',
		action: 'Try on a garment',
		description: 'Dress a person in a garment (virtual try-on)',
		defaultModel: 'vto-v2',
	},
	{
		resource: 'video',
		value: 'generate',
		name: 'Generate',
		action: 'Generate a video',
		description: 'Create a video with sound from a prompt',
		defaultModel: 'flux-3-video',
	},
	{
		resource: 'video',
		value: 'animate',
		name: 'Animate Images',
		action: 'Animate images into a video',
		description: 'Make a video from 1 to 10 keyframes',
		defaultModel: 'flux-3-video',
	},
	{
		resource: 'video',
		value: 'extend',
		name: 'Extend',
		action: 'Extend a video',
		description: 'Continue a video from its last frames',
		defaultModel: 'flux-3-video',
	},
	{
		resource: 'video',
		value: 'enhance',
		name: 'Enhance Draft',
		action: 'Enhance a draft video',
		description: 'Render a draft again at full quality',
		defaultModel: 'flux-3-video',
	},
	{
		resource: 'video',
		value: 'upscale',
		name: 'Upscale',
		action: 'Upscale a video',
		description: 'Make a video 1.5× to 3× larger',
		defaultModel: 'video-upscale-v1',
	},
	{
		resource: 'video',
		value: 'edit',
		name: 'Edit',
		action: 'Edit a video',
		description: 'Change a video with a prompt',
		defaultModel: 'video-edit-v1',
	},
];

/** Node version 1: one image operation list, no resource. */
export const V1_OPERATIONS: OperationSpec[] = OPERATIONS.filter(
	(operation) =>
		operation.resource === 'image' &&
		['generate', 'edit', 'fill', 'expand'].includes(operation.value),
).map((operation) => ({
	...operation,
	name:
		(
			{ generate: 'Generate', edit: 'Edit', fill: 'Fill', expand: 'Expand' } as Record<
				string,
				string
			>
		)[operation.value] ?? operation.name,
	description:
		operation.value === 'edit'
			? 'Change images with a prompt, using up to 8 reference images'
			: operation.value === 'expand'
				? 'Add pixels on the sides of an image (outpainting)'
				: operation.description,
	defaultModel: operation.value === 'expand' ? 'flux-pro-1.0-expand' : operation.defaultModel,
}));

/** The models a node version offers for one operation, in table order. */
export function modelsFor(version: number, resource: Resource, operation: Operation): ModelSpec[] {
	return MODELS.filter(
		(model) =>
			model.versions.includes(version) &&
			model.resource === resource &&
			model.operations.includes(operation),
	);
}
