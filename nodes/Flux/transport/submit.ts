import { apiRequest } from './api';
import { parseAnswer, submitSchema, type SubmitAnswer } from './answers';
import type { ApiErrorContext } from './caller';
import {
	backoffDelay,
	cancelled,
	pause,
	remaining,
	retryAfterMs,
	type Deadline,
	type RunControl,
} from './clock';
import { describeHttpError, neverSent, taskError, toApiError } from './errors';

/** POST /v1/{path}: a task is created (and paid for) at most once. */

const SUBMIT_TIMEOUT_MS = 60_000;

/** Said of every submit whose outcome is unknown: it is never sent a second time. */
export const NOT_RESENT =
	'The task may exist and be billed; it was not sent again, to avoid paying twice.';

/** The concurrency controller's side of a submit (engine/limiter.ts): a 429 gives the slot back and waits for another. */
export interface SubmitSlot {
	throttled: (retryAfterMs: number | undefined, attempt: number) => Promise<void>;
}

export interface SubmitInput {
	url: string;
	body: Readonly<Record<string, unknown>>;
	deadline: Deadline;
	control: RunControl;
	slot: SubmitSlot;
}

/**
 * Retries only what cannot have created a task: 429 (the slot waits for room) and connect-level
 * failures. Anything else that may have reached BFL ends the item, marked `outcomeUnknown`.
 */
export async function submitTask(ctx: ApiErrorContext, input: SubmitInput): Promise<SubmitAnswer> {
	const { control, deadline } = input;
	for (let attempt = 0; ; attempt++) {
		if (control.outOfCredits) throw control.outOfCredits;
		if (control.signal.aborted) throw cancelled(control);
		let raw: unknown;
		try {
			raw = await apiRequest(ctx.context, {
				method: 'POST',
				url: input.url,
				body: input.body,
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
				apiError.description =
					`${apiError.description ?? ''} The request may have reached BFL. ${NOT_RESENT}`.trim();
				throw Object.assign(apiError, { outcomeUnknown: true });
			}
			throw apiError;
		}
		return readSubmitAnswer(ctx, raw);
	}
}

function readSubmitAnswer(ctx: ApiErrorContext, raw: unknown): SubmitAnswer {
	const parsed = submitSchema.safeParse(parseAnswer(raw));
	if (parsed.success) return parsed.data;
	// A cut-off answer may still name the task; keep its id so the error item can carry it.
	const salvagedId = /"id"\s*:\s*"([^"]+)"/.exec(
		typeof raw === 'string' ? raw : JSON.stringify(raw ?? ''),
	)?.[1];
	const error = taskError(
		{ ...ctx, taskId: salvagedId },
		`BFL answered the submit with something unreadable${salvagedId ? '' : ' (no task id)'}`,
		NOT_RESENT,
	);
	throw Object.assign(error, { outcomeUnknown: true });
}

/** Whether an error says the submit may have created a task (so it is never sent again). */
export function outcomeUnknown(error: unknown): boolean {
	return Boolean((error as { outcomeUnknown?: boolean })?.outcomeUnknown);
}
