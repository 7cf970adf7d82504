import type { IDataObject, IExecuteFunctions, NodeApiError } from 'n8n-workflow';

import type { Presenter } from './engine/output';
import {
	AGENT_INPUTS,
	MODELS_BY_ID,
	type FieldSpec,
	type ModelSpec,
	type Operation,
	type OperationSpec,
} from './models';
import type { TaskFailure } from './transport/answers';

/**
 * Everything that changes when an AI Agent calls the node as a tool (n8n's `…Tool` variant of the
 * node): the description the model reads, the inputs it fills in ($fromAI), the compact JSON it
 * gets back and errors returned as answers it can act on.
 */

export function isToolCall(context: IExecuteFunctions): boolean {
	return context.getNode().type.endsWith('Tool');
}

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
	if (
		(field.api === 'width' || field.api === 'height') &&
		field.kind === 'integer' &&
		field.zeroMeansAuto
	) {
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

/**
 * The operations that run no model, as an agent reads them (n8n shows a tool's description to the
 * model): what it does, what to give, what comes back. `inputs`: the tool defaults ($fromAI) of
 * the fields the agent fills in, by parameter name.
 */
export const OTHER_TOOLS: Record<
	string,
	{ description: string; inputs?: Record<string, unknown> }
> = {
	'task:getResult': {
		description:
			'Get the result of a Black Forest Labs FLUX task started earlier without waiting. Give: task (the pollingUrl, or else the taskId, that the FLUX tool returned when it started the task). Waits until the task ends, then returns JSON with imageUrl or videoUrl (a signed URL that expires about 10 minutes after the task ended for images, an hour for videos), expiresAt, seed, taskId and cost in credits; or an error saying why the task failed (for example moderation, which is not charged).',
		inputs: {
			task: "={{ $fromAI('task', 'The pollingUrl (or taskId) a FLUX tool returned when it started the task', 'string') }}",
		},
	},
	'account:getCredits': {
		description:
			'Get the credit balance of the Black Forest Labs account the FLUX tools use. Free, no input. Returns JSON with credits and usd (1 credit = US$0.01). Use it before costly work (videos cost hundreds of credits) or after a task failed for lack of credits.',
	},
	'finetune:list': {
		description:
			'List the FLUX.1 finetunes of the Black Forest Labs account (custom models it trained). Free, no input. Returns JSON with finetunes (their IDs) and host. Use an ID with the finetuned FLUX tools or with Get Finetune Details.',
	},
	'finetune:get': {
		description:
			'Get the training settings of a Black Forest Labs FLUX.1 finetune. Free. Give: finetune_id (an ID from List Finetunes). Returns JSON with finetuneId, host and details (trigger word, mode, steps and the like).',
		inputs: {
			finetuneId: {
				__rl: true,
				mode: 'id',
				value:
					"={{ $fromAI('finetune_id', 'The ID of a finetune, as List Finetunes returns it', 'string') }}",
			},
		},
	},
	'customApiCall:customApiCall': {
		description:
			"Call a Black Forest Labs API endpoint directly, with the account's key. For endpoints the other FLUX tools do not cover. Nothing is validated or waited for, and submits made here are charged: prefer the other FLUX tools. Returns BFL's JSON answer as it is.",
	},
};

/** What an agent can do about an error: no node settings, no task IDs in the prose. */
export function agentAdvice(
	message: string,
	description: string | undefined,
	moderated: boolean,
): string | undefined {
	if (moderated) {
		return 'Content moderation refused this request (not charged). Rephrase the prompt without the refused content, or use another image.';
	}
	return description?.replace(/\s*Task ID: [^ ]+\.?$/, '').trim() || undefined;
}

/** The description an agent reads for one operation and model: what it does, what to give, what comes back. */
export function agentDescription(
	operation: OperationSpec,
	model: ModelSpec | undefined,
	inputs: FieldSpec[],
): string {
	const video = operation.resource === 'video';
	const lists = inputs.some((field) => field.kind === 'media' && field.list);
	const summary =
		operation.value === 'edit' && operation.resource === 'image' && !lists
			? 'Change an image with a prompt'
			: operation.description;
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
		? ' Returns JSON with videoUrl (a signed MP4 URL that expires in about an hour), taskId, model and cost in credits; the video itself is not returned (where n8n keeps files, lastingUrl is valid for a day). Videos take minutes.'
		: ' Returns JSON with imageUrl (a signed URL that expires 10 minutes after generation: show it to the user or pass it to another FLUX tool right away), its size (width and height, or megapixels), seed, taskId, model and cost in credits (1 credit = US$0.01); the image itself is not returned. Where n8n keeps files, also lastingUrl, valid for a day: the one to show the user.';
	return `${what}${inputText}${output}`;
}

/** What an AI agent gets back: what it can use, nothing else. */
export function toolJson(json: IDataObject): IDataObject {
	if (json.estimateOnly) return estimateJson(json);
	if (json.stillRunning) {
		const { taskId, pollingUrl, status, progress } = json;
		return {
			taskId,
			pollingUrl,
			status,
			...(progress !== undefined ? { progress } : {}),
			note: 'Not finished yet: call this tool again later with the same pollingUrl.',
		};
	}
	const video =
		String(json.mimeType ?? '').startsWith('video/') ||
		MODELS_BY_ID.get(String(json.model))?.resource === 'video';
	const url = json.sampleUrl;
	const compact: IDataObject = {
		...(url ? { [video ? 'videoUrl' : 'imageUrl']: url, expiresAt: json.sampleUrlExpiresAt } : {}),
		...(json.pollingUrl && !url ? { pollingUrl: json.pollingUrl } : {}),
		taskId: json.taskId,
		model: json.model,
		seed: json.seed ?? null,
		...(json.width && json.height
			? { width: json.width, height: json.height }
			: { megapixels: json.outputMp ?? null }),
		cost: json.cost ?? null,
		...(json.lastingUrl
			? { lastingUrl: json.lastingUrl, lastingUrlExpiresAt: json.lastingUrlExpiresAt }
			: {}),
	};
	if (url && json.lastingUrl) {
		compact.note = `Show the user lastingUrl: n8n serves it until ${json.lastingUrlExpiresAt}. ${video ? 'videoUrl' : 'imageUrl'} is BFL's and expires at ${json.sampleUrlExpiresAt}; pass that one to a FLUX tool as an input right away.`;
	} else if (url) {
		const until = json.sampleUrlExpiresAt ? ` at ${json.sampleUrlExpiresAt}` : '';
		compact.note = video
			? `The video URL is signed and expires${until}; download it or show it now.`
			: `The image URL is signed and expires${until}; use it now (it can be passed to this tool again as an input image).`;
	}
	return compact;
}

/** Estimate Only: the price, and that nothing was made. */
function estimateJson(json: IDataObject): IDataObject {
	return {
		model: json.model,
		expectedCredits: json.expectedCredits,
		expectedUsd: json.expectedUsd,
		totalExpectedCredits: json.totalExpectedCredits,
		...(json.priceNote ? { priceNote: json.priceNote } : {}),
		note: 'Only an estimate: nothing was generated and nothing was paid (the tool runs with Estimate Only on).',
	};
}

/** An error as an AI agent gets it: what happened, and what it can do about it. */
export function toolError(error: Error): IDataObject {
	const advice = agentAdvice(
		error.message,
		(error as NodeApiError).description ?? undefined,
		Boolean((error as TaskFailure).moderation),
	);
	const taskId = (error as NodeApiError).context?.taskId;
	return { error: error.message, ...(advice ? { advice } : {}), ...(taskId ? { taskId } : {}) };
}

/** How the engine's items look to an agent. */
export const AGENT_PRESENTER: Presenter = { item: toolJson, error: toolError };
