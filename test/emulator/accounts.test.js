// @ts-check
'use strict';
/**
 * Accounts over real HTTP: keys (401/403), credits (spent, shown, 402, refunds, set by
 * POST /_emulator/config) and the active-task limits of the three buckets.
 */
const { useEmulator, call, submit, waitDone } = require('../support/emulator');

const emulator = useEmulator();

describe('keys', () => {
	test('requires x-key: 401 without, 403 for a refused key', async () => {
		expect((await call('/v1/credits', { key: null })).status).toBe(401);
		expect((await call('/v1/credits', { key: 'invalid-key' })).status).toBe(403);
		expect((await call('/v1/credits')).json).toEqual({ credits: 10000 });
	});
});

describe('money', () => {
	test('credits are spent, shown by /v1/credits, and 402 when they run out', async () => {
		emulator.config.credits = 5;
		expect((await submit('flux-2-pro', { prompt: 'x' })).status).toBe(200);
		expect((await call('/v1/credits')).json.credits).toBe(2);
		expect((await submit('flux-2-pro', { prompt: 'x' })).status).toBe(402);
	});

	test('POST /_emulator/config sets every balance and per-model prices', async () => {
		await submit('flux-2-pro', { prompt: 'x' });
		await call('/_emulator/config', {
			method: 'POST',
			body: { credits: 50, prices: { 'flux-2-pro': 1.5 } },
		});
		expect((await call('/v1/credits')).json.credits).toBe(50);
		expect((await call('/v1/credits', { key: 'bfl_another_placeholder' })).json.credits).toBe(50);
		expect((await submit('flux-2-pro', { prompt: 'x' })).json.cost).toBe(1.5);
	});

	test('moderated tasks are not charged', async () => {
		const requestModerated = await submit('flux-2-pro', { prompt: 'x [[request-moderated]]' });
		expect(requestModerated.json.cost).toBe(3);
		expect((await waitDone(requestModerated.json.polling_url)).status).toBe('Request Moderated');
		const contentModerated = await submit('flux-2-pro', { prompt: 'x [[content-moderated]]' });
		expect((await waitDone(contentModerated.json.polling_url)).status).toBe('Content Moderated');
		expect((await call('/v1/credits')).json.credits).toBe(10000);
	});

	test('429 above 24 active tasks per key, and above 6 for flux-kontext-max', async () => {
		emulator.config.generationMs = 5000;
		for (let index = 0; index < 6; index++)
			expect((await submit('flux-kontext-max', { prompt: `k${index}` })).status).toBe(200);
		expect((await submit('flux-kontext-max', { prompt: 'k7' })).status).toBe(429);
		for (let index = 0; index < 18; index++)
			expect((await submit('flux-2-klein-4b', { prompt: `p${index}` })).status).toBe(200);
		expect((await submit('flux-2-klein-4b', { prompt: 'p25' })).status).toBe(429);
		expect(
			(
				await call('/v1/flux-2-klein-4b', {
					method: 'POST',
					body: { prompt: 'other key' },
					key: 'bfl_another_placeholder',
				})
			).status,
		).toBe(200);
	});

	test('videos have their own bucket of 5: the 6th active video gets 429 while a standard task still goes through', async () => {
		emulator.config.videoGenerationMs = 5000;
		for (let index = 0; index < 5; index++)
			expect((await submit('flux-3-video', { mode: 't2v', prompt: `v${index}` })).status).toBe(200);
		const sixth = await submit('flux-3-video', { mode: 't2v', prompt: 'v6' });
		expect(sixth).toMatchObject({ status: 429, json: { detail: expect.stringContaining('(5)') } });
		expect((await submit('flux-2-klein-4b', { prompt: 'still fine' })).status).toBe(200);
	});
});
