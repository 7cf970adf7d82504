import type { IExecuteFunctions } from 'n8n-workflow';

import { sleepUnless } from '../transport/clock';
import { wakeExecution, type WakeReason } from '../transport/wake';

/**
 * The node's own calls of its resume URL while its execution waits for BFL, from the n8n process
 * that submitted the tasks: a check soon after the wait began (BFL may have called back before n8n
 * saved the execution as waiting, when n8n answers 409), and the deadline, when the tasks still
 * running end as error items with their task IDs. Best effort: after a restart of n8n, BFL's own
 * callbacks still resume the execution, and if none comes n8n's own expiry of the wait passes the
 * node's input items on.
 */

/** When the checks are made, after the wait began: after BFL's own retries (1, 5 and 30 s) would. */
export const CHECKS_AFTER_MS = [5_000, 35_000];

/** The watches of this process, by execution: stopped when the execution resumed. */
const watches = new Map<string, AbortController>();

export function watchDispatch(
	context: IExecuteFunctions,
	resumeUrl: string,
	secret: string,
	deadlineAt: number,
): void {
	const executionId = context.getExecutionId();
	watches.get(executionId)?.abort();
	const stop = new AbortController();
	watches.set(executionId, stop);
	const startedAt = Date.now();
	const wakeAt = async (at: number, reason: WakeReason) => {
		await sleepUnless(at - Date.now(), stop.signal);
		await wakeExecution(context, resumeUrl, secret, reason);
	};
	void (async () => {
		try {
			for (const after of CHECKS_AFTER_MS)
				if (startedAt + after < deadlineAt) await wakeAt(startedAt + after, 'check');
			await wakeAt(deadlineAt, 'deadline');
		} catch (error) {
			// Stopped (the execution resumed), or n8n did not answer: BFL's callbacks remain.
			if (!stop.signal.aborted)
				context.logger.debug(`FLUX: waking execution ${executionId} failed: ${String(error)}`);
		} finally {
			if (watches.get(executionId) === stop) watches.delete(executionId);
		}
	})();
}

/** Stops this process's watch of an execution (it resumed). */
export function stopWatching(executionId: string): void {
	watches.get(executionId)?.abort();
	watches.delete(executionId);
}

/** Stops every watch of this process (tests end with none running). */
export function stopAllWatches(): void {
	for (const stop of watches.values()) stop.abort();
	watches.clear();
}
