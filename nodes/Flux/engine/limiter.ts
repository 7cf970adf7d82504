import { sleepUnless } from '../transport/clock';

/**
 * How many tasks one execution keeps active at BFL, per concurrency bucket. BFL's limit is per
 * account and shared with every other execution (other workers, other workflows), which the node
 * cannot see: it learns only from BFL's answers.
 *
 * - Start with a few tasks and add one for every task BFL accepts (slow start), up to the
 *   configured maximum: within a fraction of a second when the account has room, without a burst
 *   of refusals when other executions hold it.
 * - A 429 sets the limit to what this execution holds right now (0 when nothing): the account is
 *   full, and our own tasks are our share of it. Growth stops until a probe gets through.
 * - A task of ours that ends (Ready or failed) frees its slot at BFL, so a waiting item is submitted
 *   at once, without a 429.
 * - While throttled, the first waiting item probes for capacity freed by others after a random
 *   delay (its own for each execution, so executions never probe in step). A probe that BFL
 *   accepts raises the limit by one and lets the next item probe at once (slow start), up to the
 *   maximum; a probe answered 429 backs off further.
 */

export const PROBE_BACKOFF = { baseMs: 250, capMs: 1000 };

/** Tasks an execution starts with before BFL has accepted any. */
export const START_SLOTS = 8;

export interface Ticket {
	/** Taken above the limit learned from BFL, to find out whether capacity was freed. */
	probe: boolean;
}

interface Waiter {
	grant: (ticket: Ticket) => void;
	fail: (error: Error) => void;
	/** A slot was granted to it (the caller must give it back if it stopped waiting meanwhile). */
	granted: boolean;
}

export class TaskSlots {
	private current: number;

	private active = 0;

	private readonly waiters: Waiter[] = [];

	private consecutiveThrottles = 0;

	/** No 429 since the last accepted probe: every accepted task adds one slot. */
	private growing = true;

	/** BFL's Retry-After: no submit before this time, whatever slots are free. */
	private notBefore = 0;

	private probeGeneration = 0;

	private probeScheduled = false;

	/** Aborts the pending probe's timer. */
	private probeTimer = new AbortController();

	/** Set when the run stops starting tasks: waiting items get this error instead of a slot. */
	private closedWith?: Error;

	constructor(
		readonly max: number,
		private readonly random: () => number = Math.random,
	) {
		this.current = Math.max(1, Math.min(max, START_SLOTS));
	}

	get limit(): number {
		return this.current;
	}

	get inUse(): number {
		return this.active;
	}

	get waiting(): number {
		return this.waiters.length;
	}

	/**
	 * Waits for a slot. `until` rejects to stop waiting (cancellation, the item's deadline); a slot
	 * granted at the same moment is given back. `first` puts the caller at the head of the queue
	 * (an item that BFL just throttled keeps its turn).
	 */
	async acquire(until?: Promise<never>, first = false): Promise<Ticket> {
		if (this.closedWith) throw this.closedWith;
		if (this.active < this.current && this.waiters.length === 0 && Date.now() >= this.notBefore) {
			this.active++;
			return { probe: false };
		}
		let waiter!: Waiter;
		const granted = new Promise<Ticket>((resolve, reject) => {
			waiter = { grant: resolve, fail: reject, granted: false };
		});
		if (first) this.waiters.unshift(waiter);
		else this.waiters.push(waiter);
		this.scheduleProbe();
		let ticket: Ticket | undefined;
		try {
			ticket = await (until ? Promise.race([granted, until]) : granted);
			return ticket;
		} finally {
			// Stopped waiting (cancelled, deadline): leave the queue, or give back a slot granted meanwhile.
			if (!ticket) {
				if (waiter.granted) this.release();
				else this.remove(waiter);
			}
		}
	}

	/** A task of ours ended at BFL (or was never submitted): its slot is free for the next item. */
	release(): void {
		this.active = Math.max(0, this.active - 1);
		this.wake();
	}

	/** BFL accepted a submit: while growing (or after a probe got through), one slot more. */
	accepted(ticket: Ticket): void {
		this.consecutiveThrottles = 0;
		if (!this.growing && !ticket.probe) return;
		this.growing = true;
		if (this.current < this.max) this.current++;
		this.wake();
	}

	/**
	 * BFL answered 429: gives the slot back, lowers the limit to what we hold, and schedules the
	 * next probe (after Retry-After when BFL sent one). Returns that delay.
	 */
	throttled(retryAfterMs?: number): number {
		this.active = Math.max(0, this.active - 1);
		// Holding nothing, the limit is 0: only a probe may try again, after its delay.
		this.current = this.active;
		this.growing = false;
		this.consecutiveThrottles++;
		if (retryAfterMs !== undefined) this.notBefore = Date.now() + retryAfterMs;
		const delay = retryAfterMs ?? this.backoff();
		this.scheduleProbe(delay, true);
		return delay;
	}

	/** No more tasks start: every waiting item, and every later one, gets `error`. */
	close(error: Error): void {
		this.closedWith = error;
		this.cancelProbe();
		for (const waiter of this.waiters.splice(0)) waiter.fail(error);
	}

	/** The run is over: a pending probe's timer is cleared (nothing waits any more). */
	dispose(): void {
		this.cancelProbe();
	}

	/** Jittered exponential backoff (half fixed, half random), so executions never probe in step. */
	private backoff(): number {
		const { baseMs, capMs } = PROBE_BACKOFF;
		const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, this.consecutiveThrottles - 1));
		return ceiling / 2 + this.random() * (ceiling / 2);
	}

	private remove(waiter: Waiter): void {
		const index = this.waiters.indexOf(waiter);
		if (index >= 0) this.waiters.splice(index, 1);
	}

	private grantNext(probe: boolean): void {
		const waiter = this.waiters.shift();
		if (!waiter) return;
		this.active++;
		waiter.granted = true;
		waiter.grant({ probe });
	}

	private wake(): void {
		// Until Retry-After has passed, only the probe timer (set to it) lets an item go.
		if (Date.now() < this.notBefore) return;
		while (this.waiters.length > 0 && this.active < this.current) this.grantNext(false);
		if (this.waiters.length === 0) this.cancelProbe();
	}

	private cancelProbe(): void {
		this.probeGeneration++;
		this.probeScheduled = false;
		this.probeTimer.abort();
	}

	/**
	 * While throttled and items wait, one timer at a time lets the first of them probe: it is
	 * granted a slot even when the learned limit is reached.
	 */
	private scheduleProbe(delay = this.backoff(), replace = false): void {
		if ((this.growing || this.current >= this.max) && !replace) return;
		if (this.probeScheduled && !replace) return;
		this.probeTimer.abort();
		this.probeTimer = new AbortController();
		const generation = ++this.probeGeneration;
		this.probeScheduled = true;
		void sleepUnless(delay, this.probeTimer.signal).then(
			() => {
				if (generation !== this.probeGeneration) return;
				this.probeScheduled = false;
				if (this.waiters.length === 0 || this.closedWith) return;
				if (this.active >= this.current) this.current = this.active + 1;
				this.grantNext(true);
			},
			() => undefined, // replaced or cancelled
		);
	}
}

/** One item's slot of a bucket: held from the submit until BFL says the task ended. */
export class HeldSlot {
	private holding = true;

	private constructor(
		private readonly slots: TaskSlots,
		private ticket: Ticket,
	) {}

	/** Waits for a slot; `until` rejects to stop waiting. */
	static async take(slots: TaskSlots, until: Promise<never>): Promise<HeldSlot> {
		return new HeldSlot(slots, await slots.acquire(until));
	}

	/** BFL accepted the submit. */
	accepted(): void {
		this.slots.accepted(this.ticket);
	}

	/**
	 * BFL answered 429: the slot goes back, and the item waits at the head of the queue for another
	 * until `giveUp(done)` rejects; `done` aborts once the wait is over.
	 */
	async throttled(
		retryAfterMs: number | undefined,
		giveUp: (done: AbortSignal) => Promise<never>,
	): Promise<void> {
		this.holding = false;
		this.slots.throttled(retryAfterMs);
		const done = new AbortController();
		try {
			this.ticket = await this.slots.acquire(giveUp(done.signal), true);
		} finally {
			done.abort();
		}
		this.holding = true;
	}

	/** The task ended (or was never submitted): the slot is free for the next item. Safe to call twice. */
	release(): void {
		if (this.holding) this.slots.release();
		this.holding = false;
	}
}
