import type { IHttpRequestOptions, NodeApiError } from 'n8n-workflow';
import { z } from 'zod';

import {
	backoffDelay,
	cancelled,
	firstPollDelay,
	nearReadyFrom,
	nextPollDelay,
	pause,
	remaining,
	retryAfterMs,
	type Deadline,
	type PollSchedule,
	type ReadyAge,
	type RunControl,
} from './clock';
import {
	describeHttpError,
	isTransient,
	neverSent,
	taskError,
	toApiError,
	type ApiErrorContext,
} from './errors';

/**
 * Every exchange with BFL's API: submit (never resent once it may have arrived) and poll the
 * returned polling_url (bounded, cancellable, retried on transient failures). Downloads, which go
 * to other hosts without the key, are in download.ts.
 */

export const CREDENTIAL_TYPE = 'bflApi';

/** `Task not found` right after submitting can mean the cluster has not caught up yet. */
export const TASK_NOT_FOUND_GRACE_MS = 5000;
const SUBMIT_TIMEOUT_MS = 60_000;
const POLL_TIMEOUT_MS = 30_000;
export const SAMPLE_LIFETIME_MS = 10 * 60_000;

/** Said of every submit whose outcome is unknown: it is never sent a second time. */
export const NOT_RESENT = 'The task may exist and be billed; it was not sent again, to avoid paying twice.';

/** Statuses of a task still running; `Reasoning` and `Generating` are FLUX 3's stages. */
export const IN_PROGRESS = new Set(['Pending', 'Reasoning', 'Generating', 'Queued', 'Processing']);

export const MODERATED = new Set(['Request Moderated', 'Content Moderated']);

const submitSchema = z.object({
	id: z.string().min(1),
	polling_url: z.string().url().nullable().optional(),
	status: z.string().nullable().optional(),
	cost: z.number().nullable().optional(),
	input_mp: z.number().nullable().optional(),
	output_mp: z.number().nullable().optional(),
});

const pollSchema = z.object({
	id: z.string().nullable().optional(),
	status: z.string().optional(),
	state: z.string().optional(),
	result: z
		.object({
			sample: z.string().nullable().optional(),
			prompt: z.string().nullable().optional(),
			seed: z.number().nullable().optional(),
			start_time: z.number().nullable().optional(),
			end_time: z.number().nullable().optional(),
			duration: z.number().nullable().optional(),
			draft_cache: z.string().nullable().optional(),
		})
		.nullable()
		.optional(),
	progress: z.number().nullable().optional(),
	details: z.unknown().optional(),
	cost: z.number().nullable().optional(),
});

export type SubmitAnswer = z.infer<typeof submitSchema>;
export type PollAnswer = z.infer<typeof pollSchema>;
export type ReadyResult = NonNullable<PollAnswer['result']> & {
	sample: string;
	/** The final charge, where BFL settles it on the last poll (FLUX 3 video). */
	settledCost?: number | null;
	polls: number;
};

/** Sends the BFL key only to the API's own hosts or to BFL's *.bfl.ai clusters. */
export function mayCarryKey(url: string, apiHosts: string[]): boolean {
	const target = new URL(url);
	if (apiHosts.some((host) => new URL(host).host === target.host)) return true;
	return target.protocol === 'https:' && (target.hostname === 'bfl.ai' || target.hostname.endsWith('.bfl.ai'));
}

/** The concurrency controller's side of a submit (limiter.ts): a 429 gives the slot back and waits for another. */
export interface SubmitSlot {
	throttled: (retryAfterMs: number | undefined, attempt: number) => Promise<void>;
}

export interface SubmitInput {
	url: string;
	body: Record<string, unknown>;
	deadline: Deadline;
	control: RunControl;
	slot: SubmitSlot;
}

/** An answer as JSON: n8n hands over unparseable JSON as text, which then reads as undefined. */
function parseAnswer(raw: unknown): unknown {
	if (typeof raw !== 'string') return raw;
	try {
		return JSON.parse(raw);
	} catch {
		return undefined;
	}
}

/** The outcome of a submit is unknown: BFL may have created (and billed) the task. */
export class SubmitUnknown extends Error {}

/**
 * POST /v1/{path}. Retries only what cannot have created a task: 429 (the slot waits for room)
 * and connect-level failures. Anything else that may have reached BFL ends the item.
 */
export async function submitTask(ctx: ApiErrorContext, input: SubmitInput): Promise<SubmitAnswer> {
	const { control, deadline } = input;
	for (let attempt = 0; ; attempt++) {
		if (control.outOfCredits) throw control.outOfCredits;
		if (control.signal.aborted) throw cancelled(control);
		let raw: unknown;
		try {
			raw = await ctx.context.helpers.httpRequestWithAuthentication.call(ctx.context, CREDENTIAL_TYPE, {
				method: 'POST',
				url: input.url,
				body: input.body,
				json: true,
				headers: { accept: 'application/json' },
				timeout: Math.min(SUBMIT_TIMEOUT_MS, Math.max(1000, remaining(deadline))),
			});
		} catch (error) {
			if (control.signal.aborted) throw cancelled(control);
			const failure = describeHttpError(error);
			if (failure.status === 429) {
				await input.slot.throttled(retryAfterMs(failure.headers['retry-after']), attempt);
				continue;
			}
			if (neverSent(failure)) {
				const wait = backoffDelay(attempt);
				if (wait < remaining(deadline)) {
					await pause(control, wait);
					continue;
				}
			}
			const apiError = toApiError(ctx, failure, 'submitting the task');
			if (failure.status === 402) control.outOfCredits = apiError;
			if (!neverSent(failure) && (failure.status === undefined || failure.status >= 500)) {
				apiError.description = `${apiError.description ?? ''} The request may have reached BFL. ${NOT_RESENT}`.trim();
				throw Object.assign(apiError, { outcomeUnknown: true });
			}
			throw apiError;
		}
		const parsed = submitSchema.safeParse(parseAnswer(raw));
		if (!parsed.success) {
			// A cut-off answer may still name the task; keep its id so the error item can carry it.
			const salvagedId = /"id"\s*:\s*"([^"]+)"/.exec(typeof raw === 'string' ? raw : JSON.stringify(raw ?? ''))?.[1];
			const error = taskError(
				{ ...ctx, taskId: salvagedId },
				`BFL answered the submit with something unreadable${salvagedId ? '' : ' (no task id)'}`,
				NOT_RESENT,
			);
			throw Object.assign(error, { outcomeUnknown: true });
		}
		return parsed.data;
	}
}

/** Whether an error says the submit may have created a task (so it is never sent again). */
export function outcomeUnknown(error: unknown): boolean {
	return Boolean((error as { outcomeUnknown?: boolean })?.outcomeUnknown);
}

function moderationReasons(details: unknown): string[] {
	if (!details || typeof details !== 'object') return [];
	const reasons = (details as Record<string, unknown>)['Moderation Reasons'];
	return Array.isArray(reasons) ? reasons.map(String) : [];
}

export interface PollInput {
	pollingUrl: string;
	/** Hosts that may receive the key (the API's, the finetune host's). */
	apiHosts: string[];
	deadline: Deadline;
	control: RunControl;
	schedule: PollSchedule;
	/** When the task was submitted (the cadence follows its age); default now. */
	submittedAt?: number;
	/** A task submitted earlier (Get Result, a retry collecting it): poll at once, no grace for `Task not found`. */
	earlier?: boolean;
	safetyTolerance?: number;
	maxSafetyTolerance?: number;
	/** What the task makes, for messages: `image`, `video`, or `result` when unknown. */
	noun?: string;
	/** How long similar tasks of this run took, and where to record this one's. */
	expected?: { age: () => ReadyAge | undefined; observe: (age: ReadyAge) => void; changed: () => Promise<void> };
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

/** Polls the polling_url until a terminal status; resolves only on `Ready`. */
export async function waitForResult(ctx: ApiErrorContext, input: PollInput): Promise<ReadyResult> {
	const { control, deadline } = input;
	const submittedAt = input.submittedAt ?? Date.now();
	const withKey = mayCarryKey(input.pollingUrl, input.apiHosts);
	let lastStatus = 'submitted';
	let failures = 0;
	let nearReadyPolls = 0;
	// Ages (since submit) at which the last poll answered pending, and at which this one was sent.
	let pendingAge = 0;
	let sentAge = 0;
	let estimateChanged: Promise<boolean> | undefined;
	for (let poll = 0; ; poll++) {
		// After failed polls, back off a little more, but never past twice the normal cadence.
		const retryWait = Math.min(2 * input.schedule.maxMs, backoffDelay(failures));
		const age = Date.now() - submittedAt;
		const expected = input.earlier ? undefined : input.expected?.age();
		const cadence = nextPollDelay(age, input.schedule, expected, nearReadyPolls);
		const firstWait = input.earlier ? 0 : expected === undefined ? firstPollDelay(input.schedule) : cadence;
		const wait = failures > 0 ? Math.max(cadence, retryWait) : poll === 0 ? firstWait : cadence;
		// A close poll is one made from the grid's start on (counted when planned).
		if (expected !== undefined && age + wait >= nearReadyFrom(expected.readyByMs, input.schedule)) nearReadyPolls++;
		if (wait >= remaining(deadline)) {
			throw Object.assign(
				taskError(
					ctx,
					`Timed out after ${deadline.seconds} s waiting for the ${input.noun ?? 'result'} (last status: ${lastStatus})`,
					'The task may still finish and be billed. Raise "Timeout (Seconds)" in the options if BFL is busy.',
				),
				{ timedOut: true },
			);
		}
		// Until a similar task of the run is Ready, that moment wakes this wait to plan it again.
		if (expected === undefined && input.expected && !input.earlier) {
			estimateChanged ??= input.expected.changed().then(() => true);
			if (await Promise.race([pause(control, wait).then(() => false), estimateChanged])) {
				estimateChanged = undefined;
				poll--;
				continue;
			}
		} else {
			await pause(control, wait);
		}
		const request: IHttpRequestOptions = {
			method: 'GET',
			url: input.pollingUrl,
			json: true,
			headers: { accept: 'application/json' },
			timeout: Math.min(POLL_TIMEOUT_MS, Math.max(1000, remaining(deadline))),
			abortSignal: control.signal,
		};
		let raw: unknown;
		sentAge = Date.now() - submittedAt;
		try {
			raw = withKey
				? await ctx.context.helpers.httpRequestWithAuthentication.call(ctx.context, CREDENTIAL_TYPE, request)
				: await ctx.context.helpers.httpRequest(request);
		} catch (error) {
			if (control.signal.aborted) throw cancelled(control);
			const failure = describeHttpError(error);
			if (failure.status === 404 && !input.earlier && Date.now() - submittedAt < TASK_NOT_FOUND_GRACE_MS) continue;
			if (isTransient(failure)) {
				failures++;
				lastStatus = failure.status ? `HTTP ${failure.status}` : (failure.code ?? 'network error');
				continue;
			}
			throw toApiError(ctx, failure, `waiting for the ${input.noun ?? 'result'}`);
		}
		const parsed = pollSchema.safeParse(parseAnswer(raw));
		const status = parsed.success ? (parsed.data.status ?? parsed.data.state) : undefined;
		if (!parsed.success || !status) {
			// A garbled answer to a GET is safe to ask again.
			failures++;
			lastStatus = 'unreadable answer';
			continue;
		}
		failures = 0;
		const answer = parsed.data;
		lastStatus = typeof answer.progress === 'number' ? `${status}, ${Math.round(answer.progress * 100)} %` : status;
		if (IN_PROGRESS.has(status)) {
			pendingAge = sentAge;
			continue;
		}
		if (status === 'Ready') {
			if (!answer.result?.sample) throw taskError(ctx, `BFL reported the task Ready but sent no ${input.noun ?? 'result'} URL`);
			if (!input.earlier) input.expected?.observe({ readyByMs: sentAge, pendingMs: pendingAge });
			return { ...answer.result, sample: answer.result.sample, settledCost: answer.cost, polls: poll + 1 };
		}
		if (status === 'Task not found' && !input.earlier && Date.now() - submittedAt < TASK_NOT_FOUND_GRACE_MS) continue;
		throw terminalError(ctx, status, answer.details, input);
	}
}

function terminalError(ctx: ApiErrorContext, status: string, details: unknown, input: PollInput): TaskFailure {
	const reasons = moderationReasons(details);
	if (MODERATED.has(status)) {
		const stage = status === 'Request Moderated' ? 'request' : 'content';
		const what = stage === 'request' ? 'the prompt or input image' : `the generated ${input.noun ?? 'result'}`;
		const tolerance =
			input.safetyTolerance !== undefined && input.maxSafetyTolerance !== undefined
				? `Safety Tolerance was ${input.safetyTolerance}; this model allows up to ${input.maxSafetyTolerance}, and a higher value is less strict.`
				: 'A higher Safety Tolerance (Model Options) is less strict.';
		const error: TaskFailure = taskError(
			ctx,
			`BFL moderation blocked ${what} (${status})${reasons.length ? `: ${reasons.join(', ')}` : ''}`,
			`Moderated tasks are not charged. ${tolerance} Or rephrase the prompt.`,
		);
		error.moderation = { status, stage, reasons, hint: `${tolerance} Or rephrase the prompt.` };
		error.taskStatus = status;
		return error;
	}
	let error: TaskFailure;
	if (status === 'Task not found') {
		error = taskError(ctx, 'BFL does not know this task (Task not found)', 'It may have expired, or live on another BFL cluster: use its polling URL.');
	} else {
		const detail = details && typeof details === 'object' ? ` ${JSON.stringify(details).slice(0, 300)}` : '';
		error =
			status === 'Error' || status === 'Failed'
				? taskError(ctx, `BFL could not generate the ${input.noun ?? 'result'} (${status})${detail}`)
				: taskError(ctx, `BFL reported an unexpected status "${status}"${detail}`, 'The node treats unknown statuses as failures.');
	}
	error.taskStatus = status;
	return error;
}
