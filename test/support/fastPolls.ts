import { POLL_SCHEDULES } from '../../nodes/Flux/transport/cadence';

/**
 * For tests about what is sent and received, not about when: tasks are polled every few
 * milliseconds instead of on BFL's schedule (300 ms and more), so a test waits for its mock, not
 * for the cadence. The cadence itself is tested on its own (transport.test.ts) and end to end.
 */
export function useFastPolls(): void {
	const saved = structuredClone(POLL_SCHEDULES);
	beforeAll(() => {
		for (const schedule of Object.values(POLL_SCHEDULES))
			Object.assign(schedule, { firstMs: 10, msPerSecondWaited: 0, maxMs: 20, nearReadyMs: 5 });
	});
	afterAll(() => {
		for (const [resource, schedule] of Object.entries(saved))
			Object.assign(POLL_SCHEDULES[resource as keyof typeof POLL_SCHEDULES], schedule);
	});
}
