import type { IExecuteFunctions } from 'n8n-workflow';

import type { FieldSpec, ModelSpec, Operation, OperationSpec } from './models';

/**
 * What changes when an AI Agent calls the node as a tool (n8n's `…Tool` variant of the node):
 * the description the model reads, the inputs it fills in ($fromAI), a compact JSON answer
 * (results.ts) and errors returned as answers (tasks.ts).
 */

export function isToolCall(context: IExecuteFunctions): boolean {
	return context.getNode().type.endsWith('Tool');
}

/** `$fromAI` names and descriptions of the inputs an agent gives, by API field. */
const AGENT_INPUTS: Record<string, { key: string; description: string }> = {
	input_image: { key: 'image_url', description: 'http(s) URL of the image to edit, e.g. an imageUrl returned by a FLUX tool' },
	images: {
		key: 'image_urls',
		description: 'One to ten http(s) image URLs, separated by commas; the prompt cites them as image 1, image 2, …',
	},
	image: { key: 'image_url', description: 'http(s) URL of the image, e.g. an imageUrl returned by a FLUX tool' },
	mask: { key: 'mask_url', description: 'http(s) URL of a black-and-white mask the size of the image: white marks what to change' },
	person: { key: 'person_image_url', description: 'http(s) URL of a photo of the person' },
	garment: { key: 'garment_image_url', description: 'http(s) URL of an image of the garment' },
	keyframes: { key: 'keyframe_urls', description: 'One to ten http(s) image URLs, separated by commas: first frame, (middle frames,) last frame' },
	start_video: { key: 'video_url', description: 'http(s) URL of the MP4 video to continue' },
	input_video: { key: 'video_url', description: 'http(s) URL of the MP4 video' },
	video: { key: 'video_url', description: 'http(s) URL of the MP4 video to edit' },
	draft_cache: { key: 'draft_cache_url', description: 'The draftCache URL of an earlier draft video' },
};

const PROMPTS: Partial<Record<Operation, string>> = {
	generate: 'A detailed description of what to generate: subject, style, composition, lighting',
	edit: 'The change to make, e.g. "make the sky purple"',
	fill: 'What to paint into the masked area',
	expand: 'Optional: what the new area should show',
	tryOn: 'The person of image 1 wearing the garment of image 2, naming the garment',
	animate: 'The scene: action, camera movement, sound',
	extend: 'What happens next in the video',
	upscale: 'Optional: what the video shows, to steer the added detail',
};

/**
 * The default of a field in the tool variant, or undefined when it keeps its own: `$fromAI(...)`
 * for what the agent gives, and an explicit 1024×1024 for FLUX.2's automatic size when generating,
 * so the agent is told the size it got (an edit keeps its input's size: automatic stays).
 */
export function agentDefault(field: FieldSpec, operation: Operation): string | number | undefined {
	if ((field.api === 'width' || field.api === 'height') && field.kind === 'integer' && field.zeroMeansAuto) {
		return operation === 'generate' ? 1024 : undefined;
	}
	const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
	if (field.api === 'prompt') {
		const description = PROMPTS[operation] ?? 'What to generate';
		return field.required
			? `={{ $fromAI('prompt', ${quote(description)}, 'string') }}`
			: `={{ $fromAI('prompt', ${quote(description)}, 'string', '') }}`;
	}
	const input = field.kind === 'media' ? AGENT_INPUTS[field.api] : undefined;
	if (!input) return undefined;
	return field.required
		? `={{ $fromAI('${input.key}', ${quote(input.description)}, 'string') }}`
		: `={{ $fromAI('${input.key}', ${quote(input.description)}, 'string', '') }}`;
}

/** What an agent can do about an error: no node settings, no task IDs in the prose. */
export function agentAdvice(message: string, description: string | undefined, moderated: boolean): string | undefined {
	if (moderated) {
		return 'Content moderation refused this request (not charged). Rephrase the prompt without the refused content, or use another image.';
	}
	return description?.replace(/\s*Task ID: [^ ]+\.?$/, '').trim() || undefined;
}

/** The description an agent reads for one operation and model: what it does, what to give, what comes back. */
export function agentDescription(operation: OperationSpec, model: ModelSpec | undefined, inputs: FieldSpec[]): string {
	const video = operation.resource === 'video';
	const lists = inputs.some((field) => field.kind === 'media' && field.list);
	const summary = operation.value === 'edit' && operation.resource === 'image' && !lists ? 'Change an image with a prompt' : operation.description;
	const what = `${operation.action}${model ? ` with ${model.displayName}` : ''} (Black Forest Labs FLUX). ${summary}.`;
	const given = inputs
		.map((field) => {
			if (field.api === 'prompt') return field.required ? 'prompt' : 'prompt (optional)';
			const input = AGENT_INPUTS[field.api];
			return input ? `${input.key}${field.required ? '' : ' (optional)'}` : undefined;
		})
		.filter(Boolean);
	const inputText = given.length ? ` Give: ${given.join(', ')}.` : '';
	const output = video
		? ' Returns JSON with videoUrl (a signed MP4 URL that expires in about an hour), taskId, model and cost in credits; the video itself is not returned. Videos take minutes.'
		: ' Returns JSON with imageUrl (a signed URL that expires 10 minutes after generation: show it to the user or pass it to another FLUX tool right away), its size (width and height, or megapixels), seed, taskId, model and cost in credits (1 credit = US$0.01); the image itself is not returned.';
	return `${what}${inputText}${output}`;
}
