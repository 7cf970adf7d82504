// @ts-check
'use strict';
/**
 * Injected failures over real HTTP (faults.js): what a client of the emulator meets when it
 * asks for them, by prompt token or for every task.
 */
const { useEmulator, call, submit, sleep } = require('../support/emulator');

const emulator = useEmulator();

/** Polls every 40 ms until Ready (or 60 polls); returns every answer's status and HTTP status. @param {string} pollingUrl */
async function pollToReady(pollingUrl) {
	/** @type {Array<{ status: number, answer: string | undefined, headers: Record<string, unknown>, json: any }>} */
	const seen = [];
	for (let attempt = 0; attempt < 60 && seen.at(-1)?.answer !== 'Ready'; attempt++) {
		const { status, json, headers } = await call(pollingUrl, { key: null });
		seen.push({ status, answer: json?.status, headers, json });
		await sleep(40);
	}
	return seen;
}

/** Consecutive duplicates removed. @param {unknown[]} values */
const runs = (values) => values.filter((value, index) => index === 0 || value !== values[index - 1]);

describe('unknown status before Ready', () => {
	test('[[unknown-status]]: once done, two polls answer Uploading (no result), then Ready', async () => {
		const submitted = await submit('flux-2-klein-4b', { prompt: 'x [[unknown-status]]', width: 64, height: 64 });
		const seen = await pollToReady(submitted.json.polling_url);
		expect(runs(seen.map((poll) => poll.answer))).toEqual(['Pending', 'Uploading', 'Ready']);
		const uploading = seen.filter((poll) => poll.answer === 'Uploading');
		expect(uploading).toHaveLength(2);
		expect(uploading[0].json).toEqual({ id: submitted.json.id, status: 'Uploading', result: null, progress: null, details: null, preview: null });
		expect(seen.at(-1)?.json.result.sample).toEqual(expect.any(String));
	});

	test('[[unknown-status=Queued]] [[unknown-status-polls=3]] names the status and the number of polls', async () => {
		const submitted = await submit('flux-2-klein-4b', { prompt: 'x [[unknown-status=Queued]] [[unknown-status-polls=3]]', width: 64, height: 64 });
		const seen = await pollToReady(submitted.json.polling_url);
		expect(seen.filter((poll) => poll.answer === 'Queued')).toHaveLength(3);
		expect(seen.at(-1)?.answer).toBe('Ready');
	});
});

describe('429 on a poll', () => {
	test('[[poll-429-first=2]]: the first two polls answer 429 with Retry-After, the same URL then works; one task', async () => {
		const submitted = await submit('flux-2-klein-4b', { prompt: 'x [[poll-429-first=2]]', width: 64, height: 64 });
		const seen = await pollToReady(submitted.json.polling_url);
		expect(seen.slice(0, 2).map((poll) => [poll.status, poll.headers['retry-after']])).toEqual([
			[429, '1'],
			[429, '1'],
		]);
		expect(seen[0].json.detail).toMatch(/Too many requests/);
		expect(seen.slice(2).every((poll) => poll.status === 200)).toBe(true);
		expect(seen.at(-1)?.answer).toBe('Ready');
		expect(emulator.tasks.size).toBe(1);
		const polls = emulator.ledger.filter((entry) => entry.path === '/v1/get_result');
		expect(polls.slice(0, 2).map((entry) => [entry.status, entry.fault, entry.taskId])).toEqual([
			[429, 'poll-429-first', submitted.json.id],
			[429, 'poll-429-first', submitted.json.id],
		]);
	});

	test('poll-429 as a rate for every task, Retry-After from retryAfterSeconds', async () => {
		Object.assign(emulator.config, { faults: { 'poll-429': 1 }, retryAfterSeconds: 3 });
		const submitted = await submit('flux-2-klein-4b', { prompt: 'x', width: 64, height: 64 });
		expect(submitted.status).toBe(200);
		const poll = await call(submitted.json.polling_url, { key: null });
		expect(poll).toMatchObject({ status: 429, headers: { 'retry-after': '3' } });
		expect(emulator.tasks.get(submitted.json.id)).toMatchObject({ polls: 1 });
	});
});
