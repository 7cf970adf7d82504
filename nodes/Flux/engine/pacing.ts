import { sleepUnless } from '../transport/clock';

/**
 * Downloads give way to submits: when a task ends its slot goes to the next item at once, and that
 * item's submit is sent before results are fetched (the result's URL is valid for minutes).
 */

/** Downloads at once per run: enough to keep up with BFL, few enough to keep memory flat. */
export const CONCURRENT_DOWNLOADS = 16;

/** How long a download waits at most for the submits in flight to be answered. */
export const DOWNLOAD_DEFER_MS = 500;

/** Submits in flight, and a wait for none. */
export class InFlight {
	private count = 0;

	private waiters: Array<() => void> = [];

	start(): void {
		this.count++;
	}

	end(): void {
		this.count = Math.max(0, this.count - 1);
		if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
	}

	/** Resolves when nothing is in flight, or after `maxMs`. */
	async idle(maxMs: number): Promise<void> {
		if (this.count === 0) return;
		const woken = new AbortController();
		this.waiters.push(() => woken.abort());
		await sleepUnless(maxMs, woken.signal).catch(() => undefined);
	}
}
