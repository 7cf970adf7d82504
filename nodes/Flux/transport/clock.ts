import { NodeOperationError, sleep, type INode, type NodeApiError } from 'n8n-workflow';

/**
 * Time and cancellation for one execution: abortable sleeps, deadlines, the poll cadence, retry
 * backoff and Retry-After. Every wait races the run's abort, so stopping an execution ends it at
 * once.
 */

/** How often a task is polled: the interval grows with the task's age, up to a cap. */
export interface PollSchedule {
	firstMs: number;
	msPerSecondWaited: number;
	maxMs: number;
	/** Near the moment a similar task of this run was Ready: poll this often (a few times at most). */
	nearReadyMs: number;
}

/**
 * Near the age at which a similar task of this run was Ready, a task is polled on a grid anchored
 * at that age: `stepsBefore` polls `nearReadyMs` apart before it, one at it, then polls half as far
 * apart after it, `maxPolls` close polls in all. A task as quick as the earlier one is noticed right
 * at that age, and one a little slower soon after.
 */
export const NEAR_READY = { stepsBefore: 2, maxPolls: 6 };

/**
 * Images: polls start fast and back off to 2 s (300 ms, then +40 ms per second waited): a task of a
 * few seconds is noticed about 0.2 s after it is Ready, at under 3 polls per second, and a long one
 * is polled every 2 s. Videos take minutes: every 2 s at first, growing to every 5 s.
 */
export const POLL_SCHEDULES: Record<'image' | 'video', PollSchedule> = {
	image: { firstMs: 300, msPerSecondWaited: 40, maxMs: 2000, nearReadyMs: 150 },
	video: { firstMs: 2000, msPerSecondWaited: 25, maxMs: 5000, nearReadyMs: 1000 },
};

/** Without a timeout option: how long one result may take, from submit to download. */
export const DEFAULT_TIMEOUT_SECONDS: Record<'image' | 'video', number> = { image: 300, video: 1800 };

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

/** Sleeps `ms`, or rejects at once when the run is cancelled. */
export async function pause(control: RunControl, ms: number): Promise<void> {
	if (control.signal.aborted) throw cancelled(control);
	await Promise.race([sleep(Math.max(0, ms)), control.aborted]);
}

/** A promise that rejects with `error()` when the deadline passes (for racing a wait). */
export function expires(deadline: Deadline, error: () => Error): Promise<never> {
	const expiry = sleep(Math.max(0, remaining(deadline))).then(() => {
		throw error();
	});
	expiry.catch(() => undefined); // observed by races only
	return expiry;
}

/**
 * When a similar task of this run (same model and size) was Ready, as ages since its submit: it was
 * seen Ready by a poll sent at `readyByMs`, and still pending by the poll before, sent at `pendingMs`.
 */
export interface ReadyAge {
	readyByMs: number;
	pendingMs: number;
}

/**
 * The quickest similar task of this run. Tasks of one batch finish close together, so once one is
 * Ready the others are polled closely around that age, and later ones are not polled early at all.
 */
export class DurationEstimates {
	private readonly quickest = new Map<string, ReadyAge>();

	private readonly listeners = new Map<string, Array<() => void>>();

	expected(key: string): ReadyAge | undefined {
		return this.quickest.get(key);
	}

	/** Records a task seen Ready; tasks waiting for their next poll with the same key plan it again. */
	observe(key: string, age: ReadyAge): void {
		const previous = this.quickest.get(key);
		if (previous !== undefined && previous.readyByMs <= age.readyByMs) return;
		this.quickest.set(key, { readyByMs: age.readyByMs, pendingMs: Math.min(age.pendingMs, age.readyByMs) });
		for (const wake of this.listeners.get(key)?.splice(0) ?? []) wake();
	}

	/** Resolves when the estimate for `key` changes. */
	changed(key: string): Promise<void> {
		return new Promise((resolve) => {
			const list = this.listeners.get(key) ?? [];
			list.push(resolve);
			this.listeners.set(key, list);
		});
	}
}

/** The age from which a task with this expected duration is polled closely. */
export function nearReadyFrom(expectedMs: number, schedule: PollSchedule): number {
	return Math.max(0, expectedMs - NEAR_READY.stepsBefore * schedule.nearReadyMs);
}

/**
 * The wait before the next poll of a task submitted `waitedMs` ago. With a similar task's Ready
 * age: nothing much before the close polls (at most the schedule's longest interval), then the next
 * point of the grid anchored at that age, then the schedule again. A task that learns of the Ready
 * age while already older than the similar task's last pending poll looks at once.
 */
export function nextPollDelay(waitedMs: number, schedule: PollSchedule, expected: ReadyAge | undefined, nearReadyPolls: number): number {
	const cadence = pollDelay(waitedMs, schedule);
	if (expected === undefined || nearReadyPolls >= NEAR_READY.maxPolls) return cadence;
	const readyBy = expected.readyByMs;
	const from = nearReadyFrom(readyBy, schedule);
	if (waitedMs < from) return Math.min(from - waitedMs, schedule.maxMs);
	if (nearReadyPolls === 0 && waitedMs >= expected.pendingMs) return 0;
	const step = waitedMs < readyBy ? schedule.nearReadyMs : schedule.nearReadyMs / 2;
	const anchor = waitedMs < readyBy ? from : readyBy;
	const nextPoint = anchor + Math.ceil((waitedMs - anchor) / step) * step;
	return Math.min(cadence, nextPoint - waitedMs || step);
}

/**
 * The wait before a task's first poll when no similar task of the run is done yet: the schedule's
 * first interval, spread at random between half and one and a half of it. Tasks submitted together
 * are then polled at different moments, so the first of them to be Ready is noticed soon, and its
 * duration replans the others' polls around their own expected moment (and BFL sees no bursts).
 */
export function firstPollDelay(schedule: PollSchedule, random: () => number = Math.random): number {
	return schedule.firstMs * (0.5 + random());
}

/** The wait before the next poll of a task submitted `waitedMs` ago. */
export function pollDelay(waitedMs: number, schedule: PollSchedule = POLL_SCHEDULES.image): number {
	const { firstMs, msPerSecondWaited, maxMs } = schedule;
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
