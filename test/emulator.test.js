// @ts-check
'use strict';
/**
 * The emulator on its own, over real HTTP: what the node's tests rely on it to do like BFL.
 * JavaScript (like the emulator) because it needs a Node HTTP server to receive webhooks.
 */
const http = require('node:http');
const { request } = require('undici');
const { startEmulator } = require('../emulator/server');
const { probeImage, renderImage } = require('../emulator/images');
const { renderVideo } = require('../emulator/video');
const { sniffMp4 } = require('../dist/nodes/Flux/media/mp4.js');
const { MODELS_BY_ID } = require('../dist/nodes/Flux/models/index.js');

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emulator;
const KEY = 'bfl_emulator_test_placeholder';
const IN_PROGRESS = new Set(['Pending', 'Reasoning', 'Generating']);

beforeAll(async () => {
	emulator = await startEmulator({ generationMs: 200 });
});
afterAll(async () => {
	await emulator.close();
});
beforeEach(() => {
	emulator.reset();
	Object.assign(emulator.config, {
		generationMs: 200,
		videoGenerationMs: 300,
		videoRenderSize: 160,
		credits: 10000,
		prices: {},
		sampleTtlMs: 600000,
		activeTaskLimit: 24,
		kontextMaxLimit: 6,
		videoTaskLimit: 5,
		strict: false,
		removedEndpoints: 'refuse',
		faults: {},
	});
});

/** @param {string} path @param {{ method?: string, body?: unknown, key?: string | null, base?: string }} [options] */
async function call(path, { method = 'GET', body, key = KEY, base = emulator.apiBase } = {}) {
	const url = path.startsWith('http') ? path : `${base}${path}`;
	/** @type {Record<string, string>} */
	const headers = { 'content-type': 'application/json' };
	if (key) headers['x-key'] = key;
	const response = await request(url, { method: /** @type {any} */ (method), headers, body: body === undefined ? undefined : JSON.stringify(body) });
	const bytes = Buffer.from(await response.body.arrayBuffer());
	let json;
	try {
		json = JSON.parse(bytes.toString('utf8'));
	} catch {
		json = undefined;
	}
	return { status: response.statusCode, json, bytes, headers: response.headers };
}

/** @param {string} path @param {unknown} body @param {string} [base] */
const submit = (path, body, base) => call(`/v1/${path}`, { method: 'POST', body, base });

/** Polls until the task leaves Pending/Reasoning/Generating; returns the final answer. */
async function waitDone(pollingUrl) {
	for (let attempt = 0; attempt < 100; attempt++) {
		const { json } = await call(pollingUrl, { key: null });
		if (!IN_PROGRESS.has(json.status)) return json;
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	throw new Error('never finished');
}

/** @param {number} width @param {number} height @param {'png' | 'jpeg'} [format] */
async function imageBase64(width, height, format = 'png') {
	return (await renderImage({ width, height, format, seed: width + height })).toString('base64');
}

/** @param {number} seconds */
function videoBase64(seconds) {
	return renderVideo({ width: 64, height: 36, seconds, fps: 8, seed: 3 }).toString('base64');
}

/** The ledger entry of the last request to a path. @param {string} path */
function lastEntry(path) {
	return [...emulator.ledger].reverse().find((entry) => entry.path === path);
}

describe('auth and validation', () => {
	test('requires x-key: 401 without, 403 for a refused key', async () => {
		expect((await call('/v1/credits', { key: null })).status).toBe(401);
		expect((await call('/v1/credits', { key: 'invalid-key' })).status).toBe(403);
		expect((await call('/v1/credits')).json).toEqual({ credits: 10000 });
	});

	test('validates with the model table and answers FastAPI-shaped 422s', async () => {
		const { status, json } = await submit('flux-pro-1.1', { prompt: 'x', width: 1000 });
		expect(status).toBe(422);
		expect(json.detail).toEqual([{ loc: ['body', 'width'], msg: expect.stringContaining('multiple of 32'), type: 'multiple_of' }]);
		const missing = await submit('flux-2-pro', {});
		expect(missing.json.detail[0]).toMatchObject({ loc: ['body', 'prompt'], type: 'missing' });
	});

	test('a classic route accepts an unknown field and records it: flux-2-pro with aspect_ratio', async () => {
		const { status } = await submit('flux-2-pro', { prompt: 'x', aspect_ratio: '16:9' });
		expect(status).toBe(200);
		expect(lastEntry('/v1/flux-2-pro')).toMatchObject({ unknownFields: ['aspect_ratio'], status: 200 });
	});

	test('a strict route answers 422 extra_forbidden: outpainting-v1 with seed', async () => {
		const { status, json } = await submit('flux-tools/outpainting-v1', { input_image: 'https://example.com/a.png', width: 640, height: 480, seed: 1 });
		expect(status).toBe(422);
		expect(json.detail).toEqual([{ loc: ['body', 'seed'], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' }]);
		expect(lastEntry('/v1/flux-tools/outpainting-v1').unknownFields).toEqual(['seed']);
	});

	test('strict: true makes every route refuse unknown fields', async () => {
		emulator.config.strict = true;
		const { status, json } = await submit('flux-2-pro', { prompt: 'x', aspect_ratio: '16:9' });
		expect(status).toBe(422);
		expect(json.detail[0]).toMatchObject({ loc: ['body', 'aspect_ratio'], type: 'extra_forbidden' });
	});

	test('endpoints BFL removed answer 404 Not Found, unless removedEndpoints is serve', async () => {
		const refused = await submit('flux-pro-1.0-canny', { prompt: 'x', control_image: await imageBase64(64, 64) });
		expect(refused).toMatchObject({ status: 404, json: { detail: 'Not Found' } });
		emulator.config.removedEndpoints = 'serve';
		expect((await submit('flux-pro-1.0-canny', { prompt: 'x', control_image: await imageBase64(64, 64) })).status).toBe(200);
	});

	test('media inputs: a data: prefix, a URL where only base64 is taken, bytes that are no image, a mask of another size: 422', async () => {
		const image = await imageBase64(64, 64);
		const dataUrl = await submit('flux-2-pro', { prompt: 'x', input_image: `data:image/png;base64,${image}` });
		expect(dataUrl.json.detail).toEqual([{ loc: ['body', 'input_image'], msg: expect.stringContaining('data:'), type: 'value_error' }]);
		const url = await submit('flux-pro-1.0-fill', { image: 'https://example.com/a.png' });
		expect(url.json.detail[0]).toMatchObject({ loc: ['body', 'image'], msg: expect.stringContaining('URL') });
		const garbage = await submit('flux-3-image', { prompt: 'x', images: [await imageBase64(256, 256), Buffer.from('not an image').toString('base64')] });
		expect(garbage.json.detail).toEqual([{ loc: ['body', 'images', 1], msg: 'Could not decode the image', type: 'value_error' }]);
		const mask = await submit('flux-tools/erase-v1', { image, mask: await imageBase64(32, 32) });
		expect(mask.json.detail[0]).toMatchObject({ loc: ['body', 'mask'], msg: expect.stringContaining('same size') });
	});
});

describe('tasks and results', () => {
	test('a task is Pending with rising progress, then Ready with a real image in the asked size and format', async () => {
		emulator.config.generationMs = 600;
		const submitted = await submit('flux-2-pro', { prompt: 'a fox', width: 320, height: 240, output_format: 'webp', seed: 7 });
		expect(submitted.json).toMatchObject({ id: expect.any(String), polling_url: expect.stringContaining('/v1/get_result?id='), cost: 3 });
		const first = await call(submitted.json.polling_url, { key: null });
		await new Promise((resolve) => setTimeout(resolve, 250));
		const second = await call(submitted.json.polling_url);
		expect(first.json.status).toBe('Pending');
		expect(second.json.progress).toBeGreaterThan(first.json.progress);
		const ready = await waitDone(submitted.json.polling_url);
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
			const submitted = await submit('flux-2-klein-4b', { prompt: 'same', width: 64, height: 64, seed, output_format: 'png' });
			const ready = await waitDone(submitted.json.polling_url);
			bytes.push((await call(ready.result.sample)).bytes);
		}
		expect(bytes[0].equals(bytes[1])).toBe(false);
	});

	test('a rebuilt /v1/get_result?id= URL answers Task not found', async () => {
		const submitted = await submit('flux-2-pro', { prompt: 'x' });
		const rebuilt = await call(`/v1/get_result?id=${submitted.json.id}`);
		expect(rebuilt.json.status).toBe('Task not found');
	});

	test('result URLs expire (403)', async () => {
		emulator.config.sampleTtlMs = 100;
		const submitted = await submit('flux-2-pro', { prompt: 'x', width: 64, height: 64 });
		const ready = await waitDone(submitted.json.polling_url);
		await new Promise((resolve) => setTimeout(resolve, 200));
		const late = await call(ready.result.sample, { key: null });
		expect(late.status).toBe(403);
	});

	test('FLUX 3 tasks go Pending, Reasoning, Generating, then Ready', async () => {
		emulator.config.generationMs = 1500;
		const submitted = await submit('flux-3-image', { prompt: 'a map of Berlin', resolution: '768sq' });
		const seen = [];
		for (let attempt = 0; attempt < 100 && seen.at(-1) !== 'Ready'; attempt++) {
			const { json } = await call(submitted.json.polling_url);
			if (seen.at(-1) !== json.status) seen.push(json.status);
			await new Promise((resolve) => setTimeout(resolve, 40));
		}
		expect(seen).toEqual(['Pending', 'Reasoning', 'Generating', 'Ready']);
	});

	test('FLUX 3 Image: the size follows resolution × aspect ratio, served as JPEG', async () => {
		const submitted = await submit('flux-3-image', { prompt: 'x', resolution: '1k', aspect_ratio: '16:9' });
		expect(submitted.json.output_mp).toBeCloseTo(1, 1);
		const ready = await waitDone(submitted.json.polling_url);
		expect(ready.result.sample).toMatch(/sample\.jpeg\?/);
		const image = await probeImage((await call(ready.result.sample)).bytes);
		expect(image?.format).toBe('jpeg');
		expect((image?.width ?? 0) / (image?.height ?? 1)).toBeCloseTo(16 / 9, 1);
	});

	test('erase returns a PNG the size of its input; try-on a JPEG the size of the person', async () => {
		const erase = await submit('flux-tools/erase-v1', { image: await imageBase64(96, 64), mask: await imageBase64(96, 64) });
		const erased = await call((await waitDone(erase.json.polling_url)).result.sample);
		expect(erased.headers['content-type']).toBe('image/png');
		expect(await probeImage(erased.bytes)).toEqual({ format: 'png', width: 96, height: 64 });
		const tryOn = await submit('flux-tools/vto-v2', { prompt: 'wearing it', person: await imageBase64(80, 120, 'jpeg'), garment: await imageBase64(64, 64) });
		const dressed = await call((await waitDone(tryOn.json.polling_url)).result.sample);
		expect(await probeImage(dressed.bytes)).toEqual({ format: 'jpeg', width: 80, height: 120 });
	});
});

describe('videos', () => {
	test('end to end: an estimate on submit, the settled cost on the final poll, a real MP4 of that length, credits charged = settled', async () => {
		const body = { mode: 't2v', prompt: 'waves at night', aspect_ratio: '16:9' };
		const model = /** @type {NonNullable<ReturnType<typeof MODELS_BY_ID.get>>} */ (MODELS_BY_ID.get('flux-3-video'));
		const estimate = model.price({ body, outputMp: 0, inputMp: 0 });
		const settled = model.price({ body, outputMp: 0, inputMp: 0, seconds: 5 });
		expect(settled).toBeLessThan(estimate);

		const submitted = await submit('flux-3-video', body);
		expect(submitted.json).toMatchObject({ polling_url: expect.any(String), cost: estimate });
		expect(lastEntry('/v1/flux-3-video').unknownFields).toEqual([]);
		const ready = await waitDone(submitted.json.polling_url);
		expect(ready).toMatchObject({ status: 'Ready', cost: settled });
		expect(new URL(ready.result.sample).pathname).toBe(`/results/${submitted.json.id}/sample.mp4`);
		const video = await call(ready.result.sample, { key: null });
		expect(video.headers['content-type']).toBe('video/mp4');
		expect(sniffMp4(video.bytes)).toEqual({ mimeType: 'video/mp4', extension: 'mp4', durationSeconds: 5, width: 160, height: 90 });
		expect((await call('/v1/credits')).json.credits).toBe(10000 - settled);
	});

	test('video inputs: an MP4 longer than the field allows is refused; video edit keeps the input length', async () => {
		const tooLong = await submit('flux-tools/video-edit-v1', { video: videoBase64(16), prompt: 'make it snow' });
		expect(tooLong.json.detail).toEqual([{ loc: ['body', 'video'], msg: expect.stringContaining('at most 15 s'), type: 'value_error' }]);
		const notMp4 = await submit('flux-tools/video-edit-v1', { video: await imageBase64(64, 64), prompt: 'make it snow' });
		expect(notMp4.json.detail[0].msg).toContain('MP4');
		const edit = await submit('flux-tools/video-edit-v1', { video: videoBase64(6), prompt: 'make it snow' });
		const ready = await waitDone(edit.json.polling_url);
		expect(ready.cost).toBe(/** @type {any} */ (MODELS_BY_ID.get('video-edit-v1')).price({ body: {}, outputMp: 0, inputMp: 0, seconds: 6 }));
		expect(sniffMp4((await call(ready.result.sample)).bytes)?.durationSeconds).toBe(6);
	});

	test('a draft carries a draft_cache bundle that draft_enhance accepts back, as base64 or URL', async () => {
		const draft = await submit('flux-3-video', { mode: 't2v', prompt: 'x', draft: true, duration: 7 });
		const ready = await waitDone(draft.json.polling_url);
		const bundle = await call(ready.result.draft_cache, { key: null });
		expect(bundle.headers['content-type']).toBe('application/octet-stream');
		for (const draftCache of [bundle.bytes.toString('base64'), ready.result.draft_cache]) {
			const enhance = await submit('flux-3-video', { mode: 'draft_enhance', draft_cache: draftCache });
			expect(enhance.status).toBe(200);
			const enhanced = await waitDone(enhance.json.polling_url);
			expect(sniffMp4((await call(enhanced.result.sample)).bytes)?.durationSeconds).toBe(7);
		}
	});

	test('videos have their own bucket of 5: the 6th active video gets 429 while a standard task still goes through', async () => {
		emulator.config.videoGenerationMs = 5000;
		for (let index = 0; index < 5; index++) expect((await submit('flux-3-video', { mode: 't2v', prompt: `v${index}` })).status).toBe(200);
		const sixth = await submit('flux-3-video', { mode: 't2v', prompt: 'v6' });
		expect(sixth).toMatchObject({ status: 429, json: { detail: expect.stringContaining('(5)') } });
		expect((await submit('flux-2-klein-4b', { prompt: 'still fine' })).status).toBe(200);
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
		await call('/_emulator/config', { method: 'POST', body: { credits: 50, prices: { 'flux-2-pro': 1.5 } } });
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
		for (let index = 0; index < 6; index++) expect((await submit('flux-kontext-max', { prompt: `k${index}` })).status).toBe(200);
		expect((await submit('flux-kontext-max', { prompt: 'k7' })).status).toBe(429);
		for (let index = 0; index < 18; index++) expect((await submit('flux-2-klein-4b', { prompt: `p${index}` })).status).toBe(200);
		expect((await submit('flux-2-klein-4b', { prompt: 'p25' })).status).toBe(429);
		expect((await call('/v1/flux-2-klein-4b', { method: 'POST', body: { prompt: 'other key' }, key: 'bfl_another_placeholder' })).status).toBe(200);
	});
});

describe('finetune hosts', () => {
	test('my_finetunes and finetune_details live on us1 and eu1; the main host answers 404', async () => {
		expect((await call('/v1/my_finetunes', { base: emulator.us1Base })).json).toEqual({ finetunes: ['ft-us-portrait-0001', 'ft-us-product-0002'] });
		expect((await call('/v1/my_finetunes', { base: emulator.eu1Base })).json).toEqual({ finetunes: ['ft-eu-watercolor-0001'] });
		const details = await call('/v1/finetune_details?finetune_id=ft-us-portrait-0001', { base: emulator.us1Base });
		expect(details.json.finetune_details).toMatchObject({ mode: 'character', trigger_word: expect.any(String), iterations: 300, finetune_type: 'lora', created_at: expect.any(String) });
		const elsewhere = await call('/v1/finetune_details?finetune_id=ft-us-portrait-0001', { base: emulator.eu1Base });
		expect(elsewhere).toMatchObject({ status: 404, json: { detail: 'Finetune not found' } });
		expect((await call('/v1/my_finetunes')).status).toBe(404);
		expect((await call('/v1/finetune_details?finetune_id=ft-us-portrait-0001')).status).toBe(404);
	});

	test('finetuned inference runs on the host of its finetune (polled and delivered there) and is refused elsewhere', async () => {
		const body = { finetune_id: 'ft-us-portrait-0001', prompt: 'ALXPRT smiling', aspect_ratio: '1:1' };
		const us1 = await submit('flux-pro-1.1-ultra-finetuned', body, emulator.us1Base);
		expect(us1.json.polling_url.startsWith(`${emulator.us1Base}/v1/get_result`)).toBe(true);
		const ready = await waitDone(us1.json.polling_url);
		expect(new URL(ready.result.sample).port).toBe(new URL(emulator.us1Base).port);
		expect((await call(ready.result.sample, { key: null })).status).toBe(200);
		for (const base of [emulator.eu1Base, emulator.apiBase]) {
			expect(await submit('flux-pro-1.1-ultra-finetuned', body, base)).toMatchObject({ status: 404, json: { detail: 'Finetune not found' } });
		}
	});

	test('klein LoRA endpoints live on the main host and take any non-empty finetune_id', async () => {
		expect((await submit('flux-2-klein-4b-finetuned', { prompt: 'x', finetune_id: 'my-org/my-lora' })).status).toBe(200);
		expect((await submit('flux-2-klein-4b-finetuned', { prompt: 'x', finetune_id: '' })).json.detail[0]).toMatchObject({ loc: ['body', 'finetune_id'], type: 'missing' });
	});
});

describe('blob route', () => {
	test('streams the asked bytes with a PNG header, Content-Length only with length=header', async () => {
		const sized = await call('/_emulator/blob?bytes=100000&kind=png&width=4000&height=3000', { key: null });
		expect(sized.headers['content-length']).toBe('100000');
		expect(sized.bytes.length).toBe(100000);
		expect(sized.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
		expect(sized.bytes.readUInt32BE(16)).toBe(4000);
		const chunked = await call('/_emulator/blob?bytes=70000&kind=mp4&length=chunked', { key: null });
		expect(chunked.headers['content-length']).toBeUndefined();
		expect(chunked.bytes.length).toBe(70000);
		expect(sniffMp4(chunked.bytes)).toMatchObject({ mimeType: 'video/mp4' });
		expect(lastEntry('/_emulator/blob')).toMatchObject({ bytesSent: 70000, hungUp: false });
	});

	test('stops writing when the client hangs up early', async () => {
		const total = 2 * 1024 * 1024 * 1024;
		// undici, not http.get: nock, loaded by other test files of the same jest worker, patches the
		// http module for the whole process.
		const response = await request(`${emulator.apiBase}/_emulator/blob?bytes=${total}&kind=mp4`);
		let received = 0;
		for await (const chunk of response.body) {
			received += chunk.length;
			if (received >= 256 * 1024) break; // leaving the loop destroys the body and its connection
		}
		expect(received).toBeLessThan(total);
		let entry;
		for (let attempt = 0; attempt < 100 && !(entry = lastEntry('/_emulator/blob'))?.status; attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
		expect(entry).toMatchObject({ status: 200, hungUp: true });
		expect(entry.bytesSent).toBeLessThan(total / 20);
	});
});

describe('webhooks and ledger', () => {
	/** Starts a receiver; returns its URL, what it got, and a stop function. */
	async function webhookReceiver() {
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
		const until = async () => {
			for (let attempt = 0; attempt < 60 && received.length === 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
			return received;
		};
		return { url: `http://127.0.0.1:${port}/done`, until, stop: () => new Promise((resolve) => receiver.close(() => resolve(undefined))) };
	}

	test('webhooks: the final poll answer is POSTed with X-Webhook-Secret', async () => {
		const receiver = await webhookReceiver();
		try {
			const submitted = await submit('flux-2-klein-4b', { prompt: 'hook', webhook_url: receiver.url, webhook_secret: 'placeholder-secret' });
			expect(submitted.json).toMatchObject({ id: expect.any(String), status: 'Pending', webhook_url: receiver.url });
			const received = await receiver.until();
			expect(received).toHaveLength(1);
			expect(received[0].headers['x-webhook-secret']).toBe('placeholder-secret');
			expect(received[0].body).toEqual({
				id: submitted.json.id,
				status: 'Ready',
				result: expect.objectContaining({ sample: expect.any(String), seed: expect.any(Number) }),
				progress: null,
				details: null,
				preview: null,
			});
			// The emulator records the delivery once the receiver has answered.
			for (let attempt = 0; attempt < 40 && emulator.webhookDeliveries.length === 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
			expect(emulator.webhookDeliveries).toEqual([expect.objectContaining({ taskId: submitted.json.id, status: 200 })]);
		} finally {
			await receiver.stop();
		}
	});

	test('webhooks: a moderated task is delivered too, with its status and reasons', async () => {
		const receiver = await webhookReceiver();
		try {
			const submitted = await submit('flux-2-pro', { prompt: 'x [[content-moderated]]', webhook_url: receiver.url });
			const [delivery] = await receiver.until();
			expect(delivery.body).toMatchObject({ id: submitted.json.id, status: 'Content Moderated', result: null, details: { 'Moderation Reasons': [expect.any(String)] } });
		} finally {
			await receiver.stop();
		}
	});

	test('the ledger records every request without the key value, media summarised (also in lists)', async () => {
		const image = await imageBase64(256, 256);
		await submit('flux-2-pro', { prompt: 'ledger', input_image: 'https://example.com/a.png' });
		await submit('flux-3-image', { prompt: 'list', images: [image, 'https://example.com/b.png'] });
		const [entry, list] = emulator.ledger;
		expect(entry).toMatchObject({ method: 'POST', path: '/v1/flux-2-pro', keyPresent: true, bodyKeys: ['prompt', 'input_image'], unknownFields: [] });
		expect(list.body.images).toEqual([`<base64 ${image.length} chars>`, 'https://example.com/b.png']);
		expect(JSON.stringify(emulator.ledger)).not.toContain(KEY);
		const viaHttp = await call('/_emulator/ledger');
		expect(viaHttp.json.ledger.length).toBeGreaterThanOrEqual(2);
	});
});
