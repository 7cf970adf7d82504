/** The small rules of the transport, one behaviour each. */
import type { IExecuteFunctions, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import { apiRequest } from '../../../../nodes/Flux/transport/api';
import {
	backoffDelay,
	createRunControl,
	deadlineIn,
	expires,
	pause,
	retryAfterMs,
} from '../../../../nodes/Flux/transport/clock';
import {
	DurationEstimates,
	firstPollDelay,
	NEAR_READY,
	nearReadyFrom,
	nextPollDelay,
	pollDelay,
	POLL_SCHEDULES,
} from '../../../../nodes/Flux/transport/cadence';
import { describeHttpError, detailText } from '../../../../nodes/Flux/transport/errors';
import { mayCarryKey } from '../../../../nodes/Flux/transport/hosts';

test('Retry-After is read as seconds or as an HTTP date', () => {
	const now = Date.parse('2026-11-26T10:00:00Z');
	expect(retryAfterMs('3', now)).toBe(3000);
	expect(retryAfterMs('Thu, 26 Nov 2026 10:00:05 GMT', now)).toBe(5000);
	expect(retryAfterMs('Thu, 26 Nov 2026 09:00:00 GMT', now)).toBe(0);
	expect(retryAfterMs(undefined, now)).toBeUndefined();
	expect(retryAfterMs('soon', now)).toBeUndefined();
});

test('polls start within 0.5 s and back off to 2 s as the task ages', () => {
	expect(pollDelay(0)).toBeLessThanOrEqual(500);
	const delays = Array.from({ length: 120 }, (_, second) => pollDelay(second * 1000));
	expect(delays.every((delay, index) => index === 0 || delay >= delays[index - 1])).toBe(true);
	expect(pollDelay(3000)).toBeLessThan(500); // a 3 s task is noticed within half a second
	expect(delays[delays.length - 1]).toBe(POLL_SCHEDULES.image.maxMs);
	expect(POLL_SCHEDULES.image.maxMs).toBe(2000);
});

test('videos are polled every few seconds, never sub-second', () => {
	const video = POLL_SCHEDULES.video;
	const delays = Array.from({ length: 1800 }, (_, second) => pollDelay(second * 1000, video));
	expect(Math.min(...delays)).toBeGreaterThanOrEqual(2000);
	expect(Math.max(...delays)).toBe(5000);
	// A 10-minute video job costs a few hundred polls, not thousands.
	let polls = 0;
	for (let waited = 0; waited < 600_000; waited += pollDelay(waited, video)) polls++;
	expect(polls).toBeLessThan(150);
});

test('retry backoff is jittered and capped', () => {
	const samples = Array.from({ length: 200 }, () => backoffDelay(20));
	expect(Math.max(...samples)).toBeLessThanOrEqual(10_000);
	expect(new Set(samples).size).toBeGreaterThan(1);
});

test("the key goes only to the API's own host and to BFL's https clusters", () => {
	expect(mayCarryKey('https://api.eu2.bfl.ai/v1/get_result?id=1', ['https://api.bfl.ai'])).toBe(
		true,
	);
	expect(mayCarryKey('http://127.0.0.1:8787/v1/get_result?id=1', ['http://127.0.0.1:8787'])).toBe(
		true,
	);
	expect(mayCarryKey('http://localhost:8787/results/1.png', ['http://127.0.0.1:8787'])).toBe(false);
	expect(mayCarryKey('https://delivery-eu1.bfl.ai.evil.example/x', ['https://api.bfl.ai'])).toBe(
		false,
	);
	expect(mayCarryKey('http://api.eu2.bfl.ai/v1/get_result', ['https://api.bfl.ai'])).toBe(false);
	// A finetune host of a custom setup (the emulator's us1) is one of the API's own hosts.
	expect(
		mayCarryKey('http://127.0.0.1:8790/v1/get_result?id=1', [
			'http://127.0.0.1:8787',
			'http://127.0.0.1:8790',
		]),
	).toBe(true);
});

test("BFL's detail is read as FastAPI entries, a string or a message", () => {
	expect(
		detailText({
			detail: [
				{ loc: ['body', 'width'], msg: 'too big' },
				{ loc: ['body'], msg: 'bad' },
			],
		}),
	).toBe('width: too big; bad');
	expect(detailText({ detail: 'Not authenticated' })).toBe('Not authenticated');
	expect(detailText({ message: 'busy' })).toBe('busy');
	expect(detailText(undefined)).toBeUndefined();
});

test('with a similar task of the run Ready at 3 s, a new one is polled on a grid anchored at 3 s, then as usual', () => {
	const schedule = POLL_SCHEDULES.image;
	const readyAge = { readyByMs: 3000, pendingMs: 2900 };
	const ages: number[] = [];
	let near = 0;
	for (let waited = 0; waited < 6000; ) {
		const wait = nextPollDelay(waited, schedule, readyAge, near);
		if (waited + wait >= nearReadyFrom(3000, schedule)) near++;
		ages.push((waited += wait));
	}
	// Nothing in the first 2 s but the schedule's longest wait; then close polls, one of them at 3 s,
	// and those after it half as far apart.
	expect(ages.filter((age) => age < 2000)).toEqual([]);
	const step = schedule.nearReadyMs;
	const grid = [
		3000 - 2 * step,
		3000 - step,
		3000,
		3000 + step / 2,
		3000 + step,
		3000 + 1.5 * step,
	];
	expect(grid).toHaveLength(NEAR_READY.maxPolls);
	expect(ages.filter((age) => age >= grid[0] && age <= grid[grid.length - 1])).toEqual(grid);
	// After the grid, the usual schedule.
	const after = ages.filter((age) => age > grid[grid.length - 1]);
	expect(after[1] - after[0]).toBeCloseTo(pollDelay(after[0], schedule));
	// A task polled from 0 to 3.1 s costs fewer polls than without an estimate, at under 3 per second.
	const upTo = (list: number[]) => list.filter((age) => age <= 3100).length;
	const usual: number[] = [];
	for (let waited = 0; waited < 3100; ) usual.push((waited += pollDelay(waited, schedule)));
	expect(upTo(ages)).toBeLessThanOrEqual(upTo(usual));
	expect(upTo(ages) / 3.1).toBeLessThan(3);
});

test('a task woken when a similar one is Ready looks at once if it may be Ready too, else at that age', () => {
	const schedule = POLL_SCHEDULES.image;
	// The similar task was pending at 2.85 s and seen Ready at 3 s.
	const readyAge = { readyByMs: 3000, pendingMs: 2850 };
	expect(nextPollDelay(2900, schedule, readyAge, 0)).toBe(0);
	expect(nextPollDelay(3010, schedule, readyAge, 0)).toBe(0);
	// Younger than that pending poll: at the grid's next point, 3 s at the latest.
	expect(nextPollDelay(2800, schedule, readyAge, 0)).toBe(50);
	// Submitted long after: it sleeps until its own close polls begin.
	expect(nextPollDelay(1000, schedule, readyAge, 0)).toBe(nearReadyFrom(3000, schedule) - 1000);
});

test('first polls are spread over half to one and a half of the first interval, the same on average', () => {
	const schedule = POLL_SCHEDULES.image;
	expect(firstPollDelay(schedule, () => 0)).toBe(schedule.firstMs / 2);
	expect(firstPollDelay(schedule, () => 0.999)).toBeCloseTo(schedule.firstMs * 1.499);
	expect(firstPollDelay(schedule, () => 0.5)).toBe(schedule.firstMs);
});

test('the Ready age is the quickest seen for the same key, and a quicker one wakes the waiting polls', async () => {
	const estimates = new DurationEstimates();
	expect(estimates.expected('flux-2-pro|1024')).toBeUndefined();
	const woken = estimates.changed('flux-2-pro|1024');
	estimates.observe('flux-2-pro|1024', { readyByMs: 3200, pendingMs: 2900 });
	await woken;
	estimates.observe('flux-2-pro|1024', { readyByMs: 3050, pendingMs: 2950 });
	estimates.observe('flux-2-pro|1024', { readyByMs: 3400, pendingMs: 3300 });
	estimates.observe('flux-2-max|1024', { readyByMs: 9000, pendingMs: 8000 });
	expect(estimates.expected('flux-2-pro|1024')).toEqual({ readyByMs: 3050, pendingMs: 2950 });
	expect(estimates.expected('flux-2-max|1024')).toEqual({ readyByMs: 9000, pendingMs: 8000 });
});

describe('waits leave no timer behind', () => {
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());
	const node = {
		id: 'n',
		name: 'FLUX',
		type: 'n8n-nodes-bfl.flux',
		typeVersion: 2,
		position: [0, 0] as [number, number],
		parameters: {},
	};

	test("a deadline raced against a wait is cleared once the wait is over (not kept for the item's 300 s)", async () => {
		const done = new AbortController();
		const expiry = expires(deadlineIn(300), () => new Error('too late'), done.signal);
		expect(jest.getTimerCount()).toBe(1);
		done.abort();
		await Promise.resolve();
		expect(jest.getTimerCount()).toBe(0);
		const settled = await Promise.race([
			expiry.then(
				() => 'settled',
				() => 'settled',
			),
			Promise.resolve('pending'),
		]);
		expect(settled).toBe('pending');
	});

	test('a pause ends at once when the execution is cancelled, its timer cleared', async () => {
		const execution = new AbortController();
		const control = createRunControl(node, execution.signal);
		const paused = pause(control, 60_000);
		expect(jest.getTimerCount()).toBe(1);
		execution.abort();
		await expect(paused).rejects.toThrow('The execution was cancelled');
		expect(jest.getTimerCount()).toBe(0);
	});

	test('an interrupted pause resolves early and clears its timer', async () => {
		const control = createRunControl(node, undefined);
		const interrupt = new AbortController();
		const paused = pause(control, 60_000, interrupt.signal);
		interrupt.abort();
		await expect(paused).resolves.toBeUndefined();
		expect(jest.getTimerCount()).toBe(0);
	});
});

describe("BFL's answers are read by the node, not by the HTTP client (n8n 1.x loses an error's response)", () => {
	/**
	 * An n8n whose client, like 1.x's, throws a NodeApiError without the response (no Location,
	 * no Retry-After) for any status above 2xx, unless asked to return every status.
	 */
	function oneXCaller(
		answers: Record<string, IN8nHttpFullResponse>,
		sent: Array<{ url: string; key: boolean }>,
	) {
		const send = (key: boolean) => async (options: IHttpRequestOptions) => {
			sent.push({ url: options.url, key });
			const answer = answers[options.url];
			if (answer.statusCode >= 300 && !options.ignoreHttpStatusErrors) {
				throw Object.assign(new Error(`Request failed with status code ${answer.statusCode}`), {
					httpCode: String(answer.statusCode),
				});
			}
			return options.returnFullResponse ? answer : answer.body;
		};
		return {
			helpers: {
				httpRequest: send(false),
				httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) =>
					await send(true)(options),
			},
		} as unknown as IExecuteFunctions;
	}

	test('a poll redirected to another host is followed without the key', async () => {
		const sent: Array<{ url: string; key: boolean }> = [];
		const first = 'https://api.bfl.ai/v1/get_result?id=t1';
		const elsewhere = 'https://mirror.example.com/v1/get_result?id=t1';
		const caller = oneXCaller(
			{
				[first]: { statusCode: 307, headers: { location: elsewhere }, body: '', statusMessage: '' },
				[elsewhere]: { statusCode: 200, headers: {}, body: { status: 'Ready' }, statusMessage: '' },
			},
			sent,
		);
		expect(await apiRequest(caller, { method: 'GET', url: first })).toEqual({ status: 'Ready' });
		expect(sent).toEqual([
			{ url: first, key: true },
			{ url: elsewhere, key: false },
		]);
	});

	test("a 429's Retry-After and a 422's body reach the node", async () => {
		const url = 'https://api.bfl.ai/v1/flux-2-pro';
		const busy = oneXCaller(
			{
				[url]: {
					statusCode: 429,
					headers: { 'retry-after': '7' },
					body: { detail: 'busy' },
					statusMessage: '',
				},
			},
			[],
		);
		const failure = await apiRequest(busy, { method: 'POST', url, body: {} }).catch(
			(error: unknown) => error,
		);
		expect(describeHttpError(failure)).toMatchObject({
			status: 429,
			headers: { 'retry-after': '7' },
			body: { detail: 'busy' },
		});
		const invalid = oneXCaller(
			{
				[url]: {
					statusCode: 422,
					headers: {},
					body: { detail: [{ loc: ['body', 'width'] }] },
					statusMessage: '',
				},
			},
			[],
		);
		const refused = await apiRequest(invalid, { method: 'POST', url, body: {} }).catch(
			(error: unknown) => error,
		);
		expect(describeHttpError(refused)).toMatchObject({
			status: 422,
			body: { detail: [{ loc: ['body', 'width'] }] },
		});
	});
});
