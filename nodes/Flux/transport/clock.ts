import * as n8nWorkflow from 'n8n-workflow';
import { NodeOperationError, type INode, type NodeApiError } from 'n8n-workflow';

/**
 * Time and cancellation for one execution: abortable sleeps, deadlines, retry backoff and
 * Retry-After. Every wait races the run's abort, so stopping an execution ends it at once. When to
 * poll is cadence.ts.
 */

/** Without a timeout option: how long one result may take, from submit to download. */
export const DEFAULT_TIMEOUT_SECONDS: Record<'image' | 'video', number> = {
	image: 300,
	video: 1800,
};

const RETRY_BASE_MS = 500;
const RETRY_CAP_MS = 10_000;

export interface Deadline {
	at: number;
	seconds: number;
}

export function deadlineIn(seconds: number): Deadline {
	return { at: Date.now() + seconds * 1000, seconds: Math.round(seconds) };
}

export function remaining(deadline: Deadline): number {
	return deadline.at - Date.now();
}

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

type AbortableSleep = (ms: number, signal: AbortSignal) => Promise<void>;

/**
 * n8n 1.x's `sleep(ms)` ignores a signal and its `sleepWithAbort(ms, signal)` honours one; 2.x
 * exports only `sleep(ms, signal)`, which honours it. Whichever this n8n has, its timer is cleared
 * when the signal aborts, so a finished wait leaves nothing running.
 */
const abortableSleep: AbortableSleep =
	(n8nWorkflow as unknown as { sleepWithAbort?: AbortableSleep }).sleepWithAbort ??
	(n8nWorkflow.sleep as AbortableSleep);

/**
 * Resolves after `ms`, or rejects as soon as one of `signals` aborts, its timer cleared. Each
 * sleep gets a signal of its own (1.x's helper leaves its listener on the signal it is given).
 */
export async function sleepUnless(ms: number, ...signals: AbortSignal[]): Promise<void> {
	await abortableSleep(Math.max(0, ms), AbortSignal.any(signals));
}

/** Sleeps `ms`, or rejects at once when the run is cancelled. `interrupt` ends the sleep early (resolving). */
export async function pause(
	control: RunControl,
	ms: number,
	interrupt?: AbortSignal,
): Promise<void> {
	if (control.signal.aborted) throw cancelled(control);
	try {
		await sleepUnless(ms, control.signal, ...(interrupt ? [interrupt] : []));
	} catch {
		if (control.signal.aborted) throw cancelled(control);
	}
}

/**
 * A promise that rejects with `error()` when the deadline passes, for racing a wait; once `done`
 * aborts (the wait is over) its timer is cleared and it never settles.
 */
export function expires(deadline: Deadline, error: () => Error, done: AbortSignal): Promise<never> {
	return sleepUnless(remaining(deadline), done).then(
		() => {
			throw error();
		},
		() => new Promise<never>(() => undefined),
	);
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
