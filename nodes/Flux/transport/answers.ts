import type { IDataObject, NodeApiError } from 'n8n-workflow';
import { z } from 'zod';

/**
 * What BFL answers, read in one place: the submit, the poll, the statuses, moderation, and the
 * webhook callback. Anything not stated by BFL's references is read defensively here.
 */

/**
 * Statuses of a task still running: `Reasoning` and `Generating` are FLUX 3's stages; clients in
 * the wild also see `Queued`, `Processing` and `Uploading` (bfl-api-2026-12.md).
 */
export const IN_PROGRESS = new Set([
	'Pending',
	'Reasoning',
	'Generating',
	'Queued',
	'Processing',
	'Uploading',
]);

export const MODERATED = new Set(['Request Moderated', 'Content Moderated']);

/**
 * The documented end states; only these end a task. Any other status is taken as still running
 * (BFL adds stages), polled until the deadline, and named once in the item's JSON [uncertain].
 */
export const TERMINAL = new Set(['Ready', 'Error', 'Failed', ...MODERATED, 'Task not found']);

export const submitSchema = z.object({
	id: z.string().min(1),
	polling_url: z.string().url().nullable().optional(),
	status: z.string().nullable().optional(),
	cost: z.number().nullable().optional(),
	input_mp: z.number().nullable().optional(),
	output_mp: z.number().nullable().optional(),
});

const resultSchema = z.object({
	sample: z.string().nullable().optional(),
	prompt: z.string().nullable().optional(),
	seed: z.number().nullable().optional(),
	start_time: z.number().nullable().optional(),
	end_time: z.number().nullable().optional(),
	duration: z.number().nullable().optional(),
	draft_cache: z.string().nullable().optional(),
	/** FLUX 3 Video, newest BFL material: every output as a list, the singular keys its first [uncertain]. */
	samples: z.array(z.string()).nullable().optional(),
	draft_caches: z.array(z.string()).nullable().optional(),
});

export const pollSchema = z.object({
	id: z.string().nullable().optional(),
	status: z.string().optional(),
	state: z.string().optional(),
	result: resultSchema.nullable().optional(),
	progress: z.number().nullable().optional(),
	details: z.unknown().optional(),
	cost: z.number().nullable().optional(),
});

export type SubmitAnswer = z.infer<typeof submitSchema>;
export type PollAnswer = z.infer<typeof pollSchema>;
export type TaskResult = NonNullable<PollAnswer['result']>;
export type ReadyResult = TaskResult & {
	sample: string;
	/** The final charge, where BFL settles it on the last poll (FLUX 3 video). */
	settledCost?: number | null;
	polls: number;
	/** Statuses BFL answered that the node does not know (it kept polling through them), in order. */
	unknownStatuses?: string[];
};

/** A result's outputs: the lists where BFL sends them, else the singular keys. */
export function resultOutputs(result: TaskResult | null | undefined): {
	samples: string[];
	draftCaches: string[];
} {
	const samples = result?.samples?.length ? result.samples : result?.sample ? [result.sample] : [];
	const draftCaches = result?.draft_caches?.length
		? result.draft_caches
		: result?.draft_cache
			? [result.draft_cache]
			: [];
	return { samples, draftCaches };
}

/** An answer as JSON: n8n hands over unparseable JSON as text, which then reads as undefined. */
export function parseAnswer(raw: unknown): unknown {
	if (typeof raw !== 'string') return raw;
	try {
		return JSON.parse(raw);
	} catch {
		return undefined;
	}
}

/** Moderation, as the Moderated output and the error describe it. */
export interface ModerationOutcome {
	status: string;
	stage: 'request' | 'content';
	reasons: string[];
	hint: string;
}

/** A task ended in a state other than Ready. `moderation` is set for Request/Content Moderated. */
export type TaskFailure = NodeApiError & { moderation?: ModerationOutcome; taskStatus?: string };

/** BFL's reasons for a moderation, from a poll's or a callback's `details`. */
export function moderationReasons(details: unknown): string[] {
	if (!details || typeof details !== 'object') return [];
	const reasons = (details as Record<string, unknown>)['Moderation Reasons'];
	return Array.isArray(reasons) ? reasons.map(String) : [];
}

/** Which check refused a moderated task: the request (prompt, inputs) or the generated content. */
export function moderationStage(status: string): 'request' | 'content' | undefined {
	if (!MODERATED.has(status)) return undefined;
	return status === 'Request Moderated' ? 'request' : 'content';
}

/** A webhook callback, in the poll answer's terms. */
export interface Callback {
	taskId?: string;
	status: string;
	result: IDataObject;
	details?: unknown;
}

/**
 * BFL's callback body: documented only as "the finished task payload" [uncertain]. Since 2026-02 it
 * has the poll answer's shape ({id, status: "Ready", result: {sample, …}}); older receivers saw
 * {task_id, status: "SUCCESS" | "FAILED", …}. Both are read here, and nowhere else.
 */
export function readCallback(body: IDataObject): Callback {
	const raw = String(body.status ?? body.state ?? '');
	const status =
		({ SUCCESS: 'Ready', FAILED: 'Error' } as Record<string, string>)[raw.toUpperCase()] ?? raw;
	const result = (body.result && typeof body.result === 'object' ? body.result : {}) as IDataObject;
	return {
		taskId: String(body.id ?? body.task_id ?? '') || undefined,
		status,
		result,
		details: body.details ?? body.error,
	};
}

/**
 * Where to poll a submitted task: the `polling_url` BFL returned. A submit that named a
 * `webhook_url` is answered with BFL's AsyncWebhookResponse, whose schema has no `polling_url`
 * (BFL's own skills still read one from it) [uncertain]: then get_result on the API host that took
 * the task, which BFL's global host routes to the task's cluster [uncertain].
 */
export function pollingUrlOf(answer: SubmitAnswer, submitUrl: string): string {
	if (answer.polling_url) return answer.polling_url;
	const url = new URL('/v1/get_result', new URL(submitUrl).origin);
	url.searchParams.set('id', answer.id);
	return url.toString();
}
