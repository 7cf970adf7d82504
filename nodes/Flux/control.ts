import { NodeOperationError, sleep, type INode, type NodeApiError } from 'n8n-workflow';

/**
 * Time and cancellation for one execution: abortable sleeps, the poll cadence, retry backoff and
 * Retry-After. Every wait races the run's abort, so stopping an execution ends it at once.
 */

/**
 * Polls start fast and back off to about 2 s: the interval grows with the task's age (250 ms, then
 * +60 ms per second waited, at most 2 s), so a task that finishes in seconds is noticed within
 * about half a second whatever its timing, and a long one is polled every 2 s.
 */
export const POLL_SCHEDULE = { firstMs: 250, msPerSecondWaited: 60, maxMs: 2000 };
const RETRY_BASE_MS = 500;
const RETRY_CAP_MS = 10_000;

/** What one item's run shares with the rest of the execution. */
export interface RunControl {
	node: INode;
	/** Aborts when the execution is cancelled or the node gives up on the whole run. */
	signal: AbortSignal;
	/** Rejects when `signal` aborts; raced against every wait. */
	aborted: Promise<never>;
	/** Set by the first 402: later items fail at once with this message and are not submitted. */
	outOfCredits?: NodeApiError;
}

/** Whatever fails after the run was aborted is a consequence of the abort, not its own error. */
export function cancelled(control: Pick<RunControl, 'node'>): NodeOperationError {
	return new NodeOperationError(control.node, 'The execution was cancelled');
}

export function createRunControl(
	node: INode,
	executionSignal: AbortSignal | undefined,
): RunControl & { abort: () => void; dispose: () => void } {
	const controller = new AbortController();
	const aborted = new Promise<never>((_, reject) => {
		controller.signal.addEventListener('abort', () => reject(cancelled({ node })), { once: true });
	});
	aborted.catch(() => undefined); // observed by races only; never an unhandled rejection
	const abort = () => controller.abort();
	if (executionSignal?.aborted) abort();
	executionSignal?.addEventListener('abort', abort, { once: true });
	const dispose = () => executionSignal?.removeEventListener('abort', abort);
	return { node, signal: controller.signal, aborted, abort, dispose };
}

/** Sleeps `ms`, or rejects at once when the run is cancelled. */
export async function pause(control: RunControl, ms: number): Promise<void> {
	if (control.signal.aborted) throw cancelled(control);
	await Promise.race([sleep(Math.max(0, ms)), control.aborted]);
}

/** The wait before the next poll of a task submitted `waitedMs` ago. */
export function pollDelay(waitedMs: number): number {
	const { firstMs, msPerSecondWaited, maxMs } = POLL_SCHEDULE;
	return Math.min(maxMs, firstMs + (msPerSecondWaited * Math.max(0, waitedMs)) / 1000);
}

/** Exponential backoff with full jitter. */
export function backoffDelay(attempt: number): number {
	return Math.random() * Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt);
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: unknown, now = Date.now()): number | undefined {
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(value));
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

