import type { FieldSpec, ModelSpec } from './types';

/**
 * How the node names what the table describes: n8n parameter names, display names, model labels,
 * and the `$fromAI` keys an AI agent fills in. Errors, fields and the agent all name a field the
 * same way through these.
 */

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

/** Display names that are not the API name title-cased. */
const DISPLAY_NAMES: Record<string, string> = {
	disable_pup: 'Disable Prompt Upsampling',
	finetune_id: 'Finetune ID',
	webhook_url: 'Webhook URL',
	image_prompt: 'Image Prompt (Image)',
	input_image: 'Input Image',
	images: 'Reference Images',
	start_video: 'Video to Extend',
	input_video: 'Video',
	draft_cache: 'Draft Cache',
	dilate_pixels: 'Dilate Mask (Pixels)',
	reference_offset_x: 'Image Offset X',
	reference_offset_y: 'Image Offset Y',
	generate_audio: 'Generate Audio',
};

export function displayNameOf(field: FieldSpec): string {
	if (field.api === 'width' && field.required) return 'Canvas Width';
	if (field.api === 'height' && field.required) return 'Canvas Height';
	return DISPLAY_NAMES[field.api] ?? fieldDisplayName(field.api);
}

/** `Width (width)`: how errors name a field, so a person finds it on the panel. */
export function fieldLabel(field: FieldSpec): string {
	return `${displayNameOf(field)} (${parameterOf(field)})`;
}

export function modelLabel(model: ModelSpec): string {
	if (model.deprecatedFor) return `${model.displayName} (Deprecated)`;
	return model.legacy ? `${model.displayName} (Legacy)` : model.displayName;
}

/** `$fromAI` names and descriptions of the media inputs an agent gives (as URLs), by API field. */
export const AGENT_INPUTS: Record<string, { key: string; description: string }> = {
	input_image: {
		key: 'image_url',
		description: 'http(s) URL of the image to edit, e.g. an imageUrl returned by a FLUX tool',
	},
	images: {
		key: 'image_urls',
		description:
			'One to ten http(s) image URLs, separated by commas; the prompt cites them as image 1, image 2, …',
	},
	image: {
		key: 'image_url',
		description: 'http(s) URL of the image, e.g. an imageUrl returned by a FLUX tool',
	},
	mask: {
		key: 'mask_url',
		description:
			'http(s) URL of a black-and-white mask the size of the image: white marks what to change',
	},
	person: { key: 'person_image_url', description: 'http(s) URL of a photo of the person' },
	garment: { key: 'garment_image_url', description: 'http(s) URL of an image of the garment' },
	keyframes: {
		key: 'keyframe_urls',
		description:
			'One to ten http(s) image URLs, separated by commas: first frame, (middle frames,) last frame',
	},
	start_video: { key: 'video_url', description: 'http(s) URL of the MP4 video to continue' },
	input_video: { key: 'video_url', description: 'http(s) URL of the MP4 video' },
	video: { key: 'video_url', description: 'http(s) URL of the MP4 video to edit' },
	draft_cache: {
		key: 'draft_cache_url',
		description: 'The draftCache URL of an earlier draft video',
	},
};
