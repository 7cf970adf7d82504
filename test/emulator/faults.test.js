// @ts-check
'use strict';
/**
 * Injected failures over real HTTP (faults.js): what a client of the emulator meets when it
 * asks for them, by prompt token or for every task.
 */
const { useEmulator, call, submit, sleep, waitDone, KEY } = require('../support/emulator');

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
const runs = (values) =>
	values.filter((value, index) => index === 0 || value !== values[index - 1]);

describe('unknown status before Ready', () => {
	test('[[unknown-status]]: once done, two polls answer Uploading (no result), then Ready', async () => {
		const submitted = await submit('flux-2-klein-4b', {
			prompt: 'x [[unknown-status]]',
			width: 64,
			height: 64,
		});
		const seen = await pollToReady(submitted.json.polling_url);
		expect(runs(seen.map((poll) => poll.answer))).toEqual(['Pending', 'Uploading', 'Ready']);
		const uploading = seen.filter((poll) => poll.answer === 'Uploading');
		expect(uploading).toHaveLength(2);
		expect(uploading[0].json).toEqual({
			id: submitted.json.id,
			status: 'Uploading',
			result: null,
			progress: null,
			details: null,
			preview: null,
		});
		expect(seen.at(-1)?.json.result.sample).toEqual(expect.any(String));
	});

	test('[[unknown-status=Queued]] [[unknown-status-polls=3]] names the status and the number of polls', async () => {
		const submitted = await submit('flux-2-klein-4b', {
			prompt: 'x [[unknown-status=Queued]] [[unknown-status-polls=3]]',
			width: 64,
			height: 64,
		});
		const seen = await pollToReady(submitted.json.polling_url);
		expect(seen.filter((poll) => poll.answer === 'Queued')).toHaveLength(3);
		expect(seen.at(-1)?.answer).toBe('Ready');
	});
});

describe('429 on a poll', () => {
	test('[[poll-429-first=2]]: the first two polls answer 429 with Retry-After, the same URL then works; one task', async () => {
		const submitted = await submit('flux-2-klein-4b', {
			prompt: 'x [[poll-429-first=2]]',
			width: 64,
			height: 64,
		});
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

describe('redirects', () => {
	/** The ledger's record of each request to a path: host, site, key arrival, status. @param {string} prefix */
	const hops = (prefix) =>
		emulator.ledger
			.filter((entry) => entry.path.startsWith(prefix))
			.map(({ host, site, keyPresent, status }) => ({ host, site, keyPresent, status }));

	test('[[poll-redirect=same]]: a 307 to the same URL on the same host, which then answers', async () => {
		const submitted = await submit('flux-2-klein-4b', {
			prompt: 'x [[poll-redirect=same]]',
			width: 64,
			height: 64,
		});
		const first = await call(submitted.json.polling_url);
		expect(first.status).toBe(307);
		const location = new URL(String(first.headers.location));
		const polling = new URL(submitted.json.polling_url);
		expect([
			location.host,
			location.pathname,
			location.searchParams.get('id'),
			location.searchParams.get('cluster'),
		]).toEqual([
			polling.host,
			'/v1/get_result',
			submitted.json.id,
			polling.searchParams.get('cluster'),
		]);
		expect((await call(location.href)).json).toMatchObject({
			id: submitted.json.id,
			status: 'Pending',
		});
		expect(hops('/v1/get_result')).toEqual([
			{ host: polling.host, site: 'main', keyPresent: true, status: 307 },
			{ host: polling.host, site: 'main', keyPresent: true, status: 200 },
		]);
	});

	test('[[poll-redirect=other]]: a 307 to another host; the ledger shows whether the key went along', async () => {
		const submitted = await submit('flux-2-klein-4b', {
			prompt: 'x [[poll-redirect=other]]',
			width: 64,
			height: 64,
		});
		const first = await call(submitted.json.polling_url);
		expect(first.status).toBe(307);
		const location = String(first.headers.location);
		expect(new URL(location).origin).toBe(emulator.otherBase);
		expect((await call(location, { key: null })).json).toMatchObject({ id: submitted.json.id });
		expect((await call(location)).json).toMatchObject({ id: submitted.json.id });
		const other = new URL(emulator.otherBase).host;
		expect(hops('/v1/get_result')).toEqual([
			{ host: new URL(emulator.apiBase).host, site: 'main', keyPresent: true, status: 307 },
			{ host: other, site: 'other', keyPresent: false, status: 200 },
			{ host: other, site: 'other', keyPresent: true, status: 200 },
		]);
		expect(emulator.ledger.find((entry) => entry.status === 307)).toMatchObject({
			fault: 'poll-redirect',
			redirectedTo: location,
		});
		expect(JSON.stringify(emulator.ledger)).not.toContain(KEY);
	});

	test('the other host serves only what a redirect sent there', async () => {
		const submitted = await submit('flux-2-klein-4b', { prompt: 'x', width: 64, height: 64 });
		const polling = new URL(submitted.json.polling_url);
		const direct = await call(`${emulator.otherBase}${polling.pathname}${polling.search}`);
		expect(direct.json).toMatchObject({ status: 'Task not found' });
		expect((await call(`${emulator.otherBase}/v1/credits`)).status).toBe(404);
		expect((await call(`${emulator.otherBase}/v1/my_finetunes`)).status).toBe(404);
		expect((await submit('flux-2-klein-4b', { prompt: 'x' }, emulator.otherBase)).status).toBe(404);
	});

	test.each([
		['same', () => emulator.deliveryBase],
		['other', () => emulator.deliveryBase.replace(/:\d+$/, `:${new URL(emulator.otherBase).port}`)],
	])(
		'[[delivery-redirect=%s]]: the result URL answers 307; the download works where it leads',
		async (where, origin) => {
			const submitted = await submit('flux-2-klein-4b', {
				prompt: `x [[delivery-redirect=${where}]]`,
				width: 64,
				height: 64,
				output_format: 'png',
			});
			const ready = await waitDone(submitted.json.polling_url);
			const first = await call(ready.result.sample, { key: null });
			expect(first.status).toBe(307);
			const location = new URL(String(first.headers.location));
			expect(location.origin).toBe(origin());
			expect(location.pathname).toBe(new URL(ready.result.sample).pathname);
			const image = await call(location.href, { key: null });
			expect(image).toMatchObject({ status: 200, headers: { 'content-type': 'image/png' } });
			expect(hops('/results/')).toEqual([
				{ host: new URL(ready.result.sample).host, site: 'main', keyPresent: false, status: 307 },
				{
					host: location.host,
					site: where === 'same' ? 'main' : 'other',
					keyPresent: false,
					status: 200,
				},
			]);
		},
	);
});
