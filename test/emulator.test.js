// @ts-check
'use strict';
/**
 * The emulator on its own, over real HTTP: what the node's tests rely on it to do like BFL.
 * JavaScript (like the emulator) because it needs a Node HTTP server to receive webhooks.
 */
const http = require('node:http');
const { request } = require('undici');
const { startEmulator } = require('../emulator/server');
const { probeImage } = require('../emulator/images');

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emulator;
const KEY = 'bfl_emulator_test_placeholder';

beforeAll(async () => {
	emulator = await startEmulator({ generationMs: 200 });
});
afterAll(async () => {
	await emulator.close();
});
beforeEach(() => {
	emulator.reset();
	Object.assign(emulator.config, { generationMs: 200, credits: 10000, sampleTtlMs: 600000, activeTaskLimit: 24, kontextMaxLimit: 6, faults: {} });
});

/** @param {string} path @param {{ method?: string, body?: unknown, key?: string | null }} [options] */
async function call(path, { method = 'GET', body, key = KEY } = {}) {
	const url = path.startsWith('http') ? path : `${emulator.apiBase}${path}`;
	/** @type {Record<string, string>} */
	const headers = { 'content-type': 'application/json' };
	if (key) headers['x-key'] = key;
	const response = await request(url, { method: /** @type {any} */ (method), headers, body: body === undefined ? undefined : JSON.stringify(body) });
	const bytes = Buffer.from(await response.body.arrayBuffer());
	const text = bytes.toString('utf8');
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.statusCode, json, bytes, headers: response.headers };
}

async function waitReady(pollingUrl) {
	for (let attempt = 0; attempt < 50; attempt++) {
		const { json } = await call(pollingUrl, { key: null });
		if (json.status !== 'Pending') return json;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error('never finished');
}

test('requires x-key: 401 without, 403 for a refused key', async () => {
	expect((await call('/v1/credits', { key: null })).status).toBe(401);
	expect((await call('/v1/credits', { key: 'invalid-key' })).status).toBe(403);
	expect((await call('/v1/credits')).json).toEqual({ credits: 10000 });
});

test('validates with the model table and answers FastAPI-shaped 422s', async () => {
	const { status, json } = await call('/v1/flux-pro-1.1', { method: 'POST', body: { prompt: 'x', width: 1000, steps: 5 } });
	expect(status).toBe(422);
	expect(json.detail).toEqual([
		{ loc: ['body', 'width'], msg: expect.stringContaining('multiple of 32'), type: 'multiple_of' },
		{ loc: ['body', 'steps'], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' },
	]);
	const missing = await call('/v1/flux-2-pro', { method: 'POST', body: {} });
	expect(missing.json.detail[0]).toMatchObject({ loc: ['body', 'prompt'], type: 'missing' });
});

test('a task is Pending with rising progress, then Ready with a real image in the asked size and format', async () => {
	emulator.config.generationMs = 600;
	const submit = await call('/v1/flux-2-pro', { method: 'POST', body: { prompt: 'a fox', width: 320, height: 240, output_format: 'webp', seed: 7 } });
	expect(submit.json).toMatchObject({ id: expect.any(String), polling_url: expect.stringContaining('/v1/get_result?id='), cost: 3 });
	const first = await call(submit.json.polling_url, { key: null });
	await new Promise((resolve) => setTimeout(resolve, 250));
	const second = await call(submit.json.polling_url);
	expect(first.json.status).toBe('Pending');
	expect(second.json.progress).toBeGreaterThan(first.json.progress);
	const ready = await waitReady(submit.json.polling_url);
	expect(ready.result).toMatchObject({ seed: 7, prompt: 'a fox', duration: expect.any(Number) });
	const sample = new URL(ready.result.sample);
	expect(sample.hostname).toBe('localhost');
	expect(new URL(emulator.apiBase).hostname).toBe('127.0.0.1');
	const image = await call(ready.result.sample, { key: null });
	expect(image.headers['access-control-allow-origin']).toBeUndefined();
	expect(await probeImage(image.bytes)).toEqual({ format: 'webp', width: 320, height: 240 });
});

test('different seeds give different images', async () => {
	const bytes = [];
	for (const seed of [1, 2]) {
		const submit = await call('/v1/flux-2-klein-4b', { method: 'POST', body: { prompt: 'same', width: 64, height: 64, seed, output_format: 'png' } });
		const ready = await waitReady(submit.json.polling_url);
		bytes.push((await call(ready.result.sample)).bytes);
	}
	expect(bytes[0].equals(bytes[1])).toBe(false);
});

test('a rebuilt /v1/get_result?id= URL answers Task not found', async () => {
	const submit = await call('/v1/flux-2-pro', { method: 'POST', body: { prompt: 'x' } });
	const rebuilt = await call(`/v1/get_result?id=${submit.json.id}`);
	expect(rebuilt.json.status).toBe('Task not found');
});

test('result URLs expire (403)', async () => {
	emulator.config.sampleTtlMs = 100;
	const submit = await call('/v1/flux-2-pro', { method: 'POST', body: { prompt: 'x', width: 64, height: 64 } });
	const ready = await waitReady(submit.json.polling_url);
	await new Promise((resolve) => setTimeout(resolve, 200));
	const late = await call(ready.result.sample, { key: null });
	expect(late.status).toBe(403);
});

test('credits are spent, shown by /v1/credits, and 402 when they run out', async () => {
	emulator.config.credits = 5;
	expect((await call('/v1/flux-2-pro', { method: 'POST', body: { prompt: 'x' } })).status).toBe(200);
	expect((await call('/v1/credits')).json.credits).toBe(2);
	expect((await call('/v1/flux-2-pro', { method: 'POST', body: { prompt: 'x' } })).status).toBe(402);
});

test('429 above 24 active tasks per key, and above 6 for flux-kontext-max', async () => {
	emulator.config.generationMs = 5000;
	for (let index = 0; index < 6; index++) {
		expect((await call('/v1/flux-kontext-max', { method: 'POST', body: { prompt: `k${index}` } })).status).toBe(200);
	}
	expect((await call('/v1/flux-kontext-max', { method: 'POST', body: { prompt: 'k7' } })).status).toBe(429);
	for (let index = 0; index < 18; index++) {
		expect((await call('/v1/flux-2-klein-4b', { method: 'POST', body: { prompt: `p${index}` } })).status).toBe(200);
	}
	expect((await call('/v1/flux-2-klein-4b', { method: 'POST', body: { prompt: 'p25' } })).status).toBe(429);
	expect((await call('/v1/flux-2-klein-4b', { method: 'POST', body: { prompt: 'other key' }, key: 'bfl_another_placeholder' })).status).toBe(200);
});

test('webhooks: the finished task is POSTed with X-Webhook-Secret', async () => {
	/** @type {Array<{ headers: http.IncomingHttpHeaders, body: any }>} */
	const received = [];
	const receiver = http.createServer((req, res) => {
		let text = '';
		req.on('data', (chunk) => (text += chunk));
		req.on('end', () => {
			received.push({ headers: req.headers, body: JSON.parse(text) });
			res.end('ok');
		});
	});
	await new Promise((resolve) => receiver.listen(0, '127.0.0.1', () => resolve(undefined)));
	const port = /** @type {import('node:net').AddressInfo} */ (receiver.address()).port;
	try {
		const submit = await call('/v1/flux-2-klein-4b', {
			method: 'POST',
			body: { prompt: 'hook', webhook_url: `http://127.0.0.1:${port}/done`, webhook_secret: 'placeholder-secret' },
		});
		expect(submit.json).toMatchObject({ id: expect.any(String), status: 'Pending', webhook_url: `http://127.0.0.1:${port}/done` });
		for (let attempt = 0; attempt < 40 && received.length === 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
		expect(received).toHaveLength(1);
		expect(received[0].headers['x-webhook-secret']).toBe('placeholder-secret');
		expect(received[0].body).toMatchObject({ id: submit.json.id, status: 'Ready', result: { sample: expect.any(String) } });
	} finally {
		await new Promise((resolve) => receiver.close(() => resolve(undefined)));
	}
});

test('the ledger records every request without the key value', async () => {
	await call('/v1/flux-2-pro', { method: 'POST', body: { prompt: 'ledger', input_image: 'https://example.com/a.png' } });
	const [entry] = emulator.ledger;
	expect(entry).toMatchObject({ method: 'POST', path: '/v1/flux-2-pro', keyPresent: true, bodyKeys: ['prompt', 'input_image'] });
	expect(JSON.stringify(emulator.ledger)).not.toContain(KEY);
	const viaHttp = await call('/_emulator/ledger');
	expect(viaHttp.json.ledger.length).toBeGreaterThanOrEqual(1);
});
