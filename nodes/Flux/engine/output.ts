import type { IDataObject, INodeExecutionData, NodeApiError } from 'n8n-workflow';

import type { ModelSpec } from '../models';
import type {
	ModerationOutcome,
	ReadyResult,
	SubmitAnswer,
	TaskFailure,
} from '../transport/answers';
import { signedUrlExpiry } from '../transport/download';

/**
 * The JSON an item carries: after the submit, when Ready (the FLUX Trigger's items too), and when
 * it failed. How an AI agent sees it instead is agent.ts's Presenter.
 */

/** BFL's stated lifetime of an image result URL. */
export const SAMPLE_LIFETIME_MS = 10 * 60_000;

/** Video result URLs live longer than images' (about 1 to 2 h [one source]); 1 h is the safe side. */
const VIDEO_SAMPLE_LIFETIME_MS = 60 * 60_000;

/** How items look to whoever called the node: a workflow (as they are) or an AI agent (agent.ts). */
export interface Presenter {
	item: (json: IDataObject) => IDataObject;
	error: (error: Error, model?: string) => IDataObject;
}

export const WORKFLOW_PRESENTER: Presenter = {
	item: (json) => json,
	error: (error, model) => errorJson(error, undefined, model),
};

export function itemOf(
	json: IDataObject,
	itemIndex: number,
	binary?: INodeExecutionData['binary'],
): INodeExecutionData {
	return { json, ...(binary ? { binary } : {}), pairedItem: { item: itemIndex } };
}

export function errorJson(error: Error, taskId?: string, model?: string): IDataObject {
	const description = (error as NodeApiError).description;
	const id = taskId ?? ((error as NodeApiError).context?.taskId as string | undefined);
	return {
		error: error.message,
		...(description ? { description } : {}),
		...(id ? { taskId: id } : {}),
		...(model ? { model } : {}),
	};
}

/** A moderated item on the Moderated output: the error, BFL's reasons and what to change. */
export function moderatedJson(
	error: TaskFailure,
	model: string | undefined,
	prompt: unknown,
): IDataObject {
	const moderation = error.moderation as ModerationOutcome;
	return {
		...errorJson(error, undefined, model),
		status: moderation.status,
		stage: moderation.stage,
		reasons: moderation.reasons,
		hint: moderation.hint,
		prompt: typeof prompt === 'string' ? prompt : null,
	};
}

/** Expiry of a signed result URL: its `se=` parameter, else a lifetime after the task ended. */
export function sampleExpiry(
	sample: string,
	endTime: number | null | undefined,
	video: boolean,
): string {
	const signed = signedUrlExpiry(sample);
	if (signed) return signed.toISOString();
	const ended = endTime ? endTime * 1000 : Date.now();
	return new Date(ended + (video ? VIDEO_SAMPLE_LIFETIME_MS : SAMPLE_LIFETIME_MS)).toISOString();
}

export function submittedJson(
	model: ModelSpec,
	operation: string,
	submitted: SubmitAnswer,
): IDataObject {
	return {
		taskId: submitted.id,
		model: model.id,
		operation,
		cost: submitted.cost ?? null,
		inputMp: submitted.input_mp ?? null,
		outputMp: submitted.output_mp ?? null,
	};
}

export function readyJson(
	base: IDataObject,
	body: { prompt?: unknown; width?: unknown; height?: unknown },
	result: ReadyResult,
	video: boolean,
): IDataObject {
	return {
		...base,
		status: 'Ready',
		prompt: result.prompt ?? (typeof body.prompt === 'string' ? body.prompt : ''),
		seed: result.seed ?? null,
		cost: result.settledCost ?? base.cost ?? null,
		width: typeof body.width === 'number' ? body.width : null,
		height: typeof body.height === 'number' ? body.height : null,
		duration: result.duration ?? null,
		sampleUrl: result.sample,
		sampleUrlExpiresAt: sampleExpiry(result.sample, result.end_time, video),
		...(result.draft_cache ? { draftCache: result.draft_cache } : {}),
		// Several outputs of one task (FLUX 3 Video drafts): the first is the item's, all are listed.
		...(result.samples && result.samples.length > 1 ? { sampleUrls: result.samples } : {}),
		...(result.draft_caches && result.draft_caches.length > 1
			? { draftCaches: result.draft_caches }
			: {}),
		polls: result.polls,
		...(result.unknownStatuses ? { unknownStatuses: result.unknownStatuses } : {}),
	};
}
