/**
 * The concurrency controller's decisions (limiter.ts), one behaviour each: what a 429 does to the
 * limit, who gets a freed slot, when a throttled execution probes for room, and that probes of
 * different executions do not fall in step.
 */
import { sleep } from 'n8n-workflow';

import {
	PROBE_BACKOFF,
	START_SLOTS,
	TaskSlots,
	type Ticket,
} from '../../../../nodes/Flux/engine/limiter';

/** Acquires in the background; `granted` tells whether it got through yet. */
function waiter(slots: TaskSlots, until?: Promise<never>, first = false) {
	const state: { granted?: Ticket; error?: Error } = {};
	const promise = slots.acquire(until, first).then(
		(ticket) => {
			state.granted = ticket;
			return ticket;
		},
		(error: Error) => {
			state.error = error;
			throw error;
		},
	);
	promise.catch(() => undefined);
	return Object.assign(state, { promise });
}

/** Every controller a test made is closed after it, so no probe timer outlives the test. */
const made: TaskSlots[] = [];
function track(slots: TaskSlots): TaskSlots {
	made.push(slots);
	return slots;
}
afterEach(() => {
	for (const slots of made.splice(0)) slots.dispose();
});

async function settle() {
	await sleep(5);
}

/** Grows a fresh controller to `active` tasks, as accepted submits do. */
async function holding(slots: TaskSlots, active: number) {
	for (let index = 0; index < active; index++) slots.accepted(await slots.acquire());
}

test('an execution starts with a few tasks and adds one for every task BFL accepts, up to the maximum', async () => {
	const slots = track(new TaskSlots(24));
	expect(slots.limit).toBe(START_SLOTS);
	const tickets = await Promise.all(Array.from({ length: START_SLOTS }, () => slots.acquire()));
	const next = waiter(slots);
	await settle();
	expect(next.granted).toBeUndefined();
	slots.accepted(tickets[0]);
	await settle();
	expect(next.granted).toEqual({ probe: false });
	for (const ticket of tickets.slice(1)) slots.accepted(ticket);
	slots.accepted(next.granted!);
	expect(slots.limit).toBe(2 * START_SLOTS + 1); // one more for each of the START_SLOTS + 1 accepted tasks
	await holding(slots, 24 - slots.inUse);
	expect(slots.limit).toBe(24);
});

test('up to the maximum, slots are granted at once; beyond it items wait', async () => {
	const slots = track(new TaskSlots(3));
	for (let index = 0; index < 3; index++) expect(await slots.acquire()).toEqual({ probe: false });
	const fourth = waiter(slots);
	await settle();
	expect(fourth.granted).toBeUndefined();
	expect(slots.inUse).toBe(3);
	expect(slots.waiting).toBe(1);
});

test('a task of ours that ends frees its slot for the next waiting item at once, in order', async () => {
	const slots = track(new TaskSlots(2));
	await slots.acquire();
	await slots.acquire();
	const first = waiter(slots);
	const second = waiter(slots);
	slots.release();
	await settle();
	expect(first.granted).toEqual({ probe: false });
	expect(second.granted).toBeUndefined();
	slots.release();
	await settle();
	expect(second.granted).toEqual({ probe: false });
});

test('a 429 lowers the limit to the tasks this execution holds, 0 when it holds none', async () => {
	const slots = track(new TaskSlots(24));
	await holding(slots, 10);
	// The 10th submit was refused: 9 of ours are running, so 9 is our share of the account.
	slots.throttled();
	expect(slots.limit).toBe(9);
	expect(slots.inUse).toBe(9);

	const alone = track(new TaskSlots(24));
	void alone.acquire();
	alone.throttled();
	expect(alone.limit).toBe(0);
});

test('holding nothing after a 429, the item does not retry at once: it waits for its probe', async () => {
	const slots = track(new TaskSlots(24, () => 0));
	await slots.acquire();
	slots.throttled();
	const retry = waiter(slots, undefined, true);
	await settle();
	expect(retry.granted).toBeUndefined();
	await retry.promise;
	expect(retry.granted).toEqual({ probe: true });
});

test('after a 429, a freed slot of ours goes to the throttled item without another 429', async () => {
	const slots = track(new TaskSlots(24));
	await holding(slots, 5);
	slots.throttled(); // the 5th was refused: 4 held, limit 4
	const retry = waiter(slots, undefined, true);
	await settle();
	expect(retry.granted).toBeUndefined(); // no room of ours yet, and the probe timer has not fired
	slots.release(); // one of our 4 tasks is Ready
	await settle();
	expect(retry.granted).toEqual({ probe: false });
	expect(slots.limit).toBe(4);
});

test('while throttled, the first waiting item probes after a jittered delay, even at the limit', async () => {
	const slots = track(new TaskSlots(24, () => 0)); // the shortest delay: half the backoff
	await slots.acquire();
	await slots.acquire();
	slots.throttled(); // 1 held, limit 1
	const started = Date.now();
	const probe = waiter(slots, undefined, true);
	await probe.promise;
	expect(probe.granted).toEqual({ probe: true });
	expect(Date.now() - started).toBeGreaterThanOrEqual(PROBE_BACKOFF.baseMs / 2 - 20);
	expect(slots.inUse).toBe(2);
});

test('a probe BFL accepts ends the throttling: every accepted task adds a slot again (slow start)', async () => {
	const slots = track(new TaskSlots(24, () => 0));
	await slots.acquire();
	slots.throttled(); // 0 held, limit 0
	const a = waiter(slots, undefined, true);
	const b = waiter(slots);
	const c = waiter(slots);
	await a.promise;
	expect(a.granted?.probe).toBe(true);
	expect(b.granted).toBeUndefined();
	slots.accepted(a.granted!);
	await settle();
	expect(slots.limit).toBe(2);
	await settle();
	expect(b.granted).toEqual({ probe: false });
	expect(c.granted).toBeUndefined();
	slots.accepted(b.granted!);
	await settle();
	expect(c.granted).toEqual({ probe: false });
	expect(slots.limit).toBe(3);
});

test('after a 429, an accepted submit into a slot of our own does not raise the limit', async () => {
	const slots = track(new TaskSlots(24));
	await holding(slots, 3);
	slots.throttled(); // 2 held
	slots.release(); // 1 held
	const ticket = await slots.acquire();
	slots.accepted(ticket);
	expect(slots.limit).toBe(2);
});

test('the limit never grows past the maximum', async () => {
	const slots = track(new TaskSlots(2, () => 0));
	await slots.acquire();
	slots.throttled();
	const a = waiter(slots, undefined, true);
	await a.promise;
	slots.accepted(a.granted!);
	const b = await slots.acquire();
	slots.accepted(b);
	slots.accepted(b);
	expect(slots.limit).toBe(2);
});

test('repeated 429s back off exponentially up to the cap, and Retry-After wins', () => {
	const slots = track(new TaskSlots(24, () => 1)); // the longest delay: the whole backoff
	const delays = Array.from({ length: 8 }, () => {
		void slots.acquire();
		return slots.throttled();
	});
	expect(delays[0]).toBeCloseTo(PROBE_BACKOFF.baseMs);
	expect(delays[1]).toBeCloseTo(PROBE_BACKOFF.baseMs * 2);
	expect(Math.max(...delays)).toBe(PROBE_BACKOFF.capMs);
	void slots.acquire();
	expect(slots.throttled(3000)).toBe(3000);
});

test('two executions throttled at the same moment probe at different times', () => {
	const first = track(new TaskSlots(24));
	const second = track(new TaskSlots(24));
	const delays = Array.from({ length: 20 }, () => {
		void first.acquire();
		void second.acquire();
		return [first.throttled(), second.throttled()];
	});
	// Random jitter: across 20 throttles they never coincide.
	expect(delays.every(([a, b]) => a !== b)).toBe(true);
	expect(new Set(delays.map(([a]) => Math.round(a))).size).toBeGreaterThan(5);
});

test('a waiting item that gives up (deadline, cancellation) leaves the queue and takes no slot', async () => {
	const slots = track(new TaskSlots(1));
	await slots.acquire();
	let giveUp!: (error: Error) => void;
	const until = new Promise<never>((_, reject) => (giveUp = reject));
	const patient = waiter(slots, until);
	const next = waiter(slots);
	giveUp(new Error('deadline'));
	await settle();
	expect(patient.error?.message).toBe('deadline');
	expect(slots.waiting).toBe(1);
	slots.release();
	await settle();
	expect(next.granted).toEqual({ probe: false });
	expect(slots.inUse).toBe(1);
});

test('closing stops every waiting item and every later one with the given error', async () => {
	const slots = track(new TaskSlots(1));
	await slots.acquire();
	const waiting = waiter(slots);
	slots.close(new Error('not started'));
	await settle();
	expect(waiting.error?.message).toBe('not started');
	await expect(slots.acquire()).rejects.toThrow('not started');
});

test("BFL's Retry-After holds every submit back, even into a slot one of our tasks freed", async () => {
	const slots = track(new TaskSlots(24));
	await holding(slots, 3);
	slots.throttled(300); // 2 held; BFL said: not before 300 ms
	const started = Date.now();
	const retry = waiter(slots, undefined, true);
	slots.release(); // one of ours is Ready at once
	await settle();
	expect(retry.granted).toBeUndefined();
	await retry.promise;
	expect(Date.now() - started).toBeGreaterThanOrEqual(290);
});
