/**
 * When to poll a task: the interval grows with the task's age, and tasks of one run that are
 * like one already Ready are polled closely around the age it took.
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
		this.quickest.set(key, {
			readyByMs: age.readyByMs,
			pendingMs: Math.min(age.pendingMs, age.readyByMs),
		});
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
export function nextPollDelay(
	waitedMs: number,
	schedule: PollSchedule,
	expected: ReadyAge | undefined,
	nearReadyPolls: number,
): number {
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
