// @ts-check
'use strict';
/**
 * Submits over real HTTP: bodies validated with the node's model table (FastAPI-shaped 422s),
 * unknown fields recorded or refused as BFL does, removed endpoints, media inputs.
 */
const { probeImage } = require('../../emulator/images');
const { sniffMp4 } = require('../../dist/nodes/Flux/media/mp4.js');
const { MODELS, MODELS_BY_ID } = require('../../dist/nodes/Flux/models/index.js');
const {
	useEmulator,
	call,
	submit,
	waitDone,
	imageBase64,
	videoBase64,
	lastEntry,
} = require('../support/emulator');

const emulator = useEmulator();

/** @typedef {import('../../emulator/types').ModelSpec} ModelSpec */

describe('validation', () => {
	test('validates with the model table and answers FastAPI-shaped 422s', async () => {
		const { status, json } = await submit('flux-pro-1.1', { prompt: 'x', width: 1000 });
		expect(status).toBe(422);
		expect(json.detail).toEqual([
			{
				loc: ['body', 'width'],
				msg: expect.stringContaining('multiple of 32'),
				type: 'multiple_of',
			},
		]);
		const missing = await submit('flux-2-pro', {});
		expect(missing.json.detail[0]).toMatchObject({ loc: ['body', 'prompt'], type: 'missing' });
	});

	test('a classic route accepts an unknown field and records it: flux-2-pro with aspect_ratio', async () => {
		const { status } = await submit('flux-2-pro', { prompt: 'x', aspect_ratio: '16:9' });
		expect(status).toBe(200);
		expect(lastEntry('/v1/flux-2-pro')).toMatchObject({
			unknownFields: ['aspect_ratio'],
			status: 200,
		});
	});

	test('a strict route answers 422 extra_forbidden: outpainting-v1 with seed', async () => {
		const { status, json } = await submit('flux-tools/outpainting-v1', {
			input_image: 'https://example.com/a.png',
			width: 640,
			height: 480,
			seed: 1,
		});
		expect(status).toBe(422);
		expect(json.detail).toEqual([
			{ loc: ['body', 'seed'], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' },
		]);
		expect(lastEntry('/v1/flux-tools/outpainting-v1').unknownFields).toEqual(['seed']);
	});

	test('strict: true makes every route refuse unknown fields', async () => {
		emulator.config.strict = true;
		const { status, json } = await submit('flux-2-pro', { prompt: 'x', aspect_ratio: '16:9' });
		expect(status).toBe(422);
		expect(json.detail[0]).toMatchObject({
			loc: ['body', 'aspect_ratio'],
			type: 'extra_forbidden',
		});
	});

	test('endpoints BFL removed answer 404 Not Found, unless removedEndpoints is serve', async () => {
		const refused = await submit('flux-pro-1.0-canny', {
			prompt: 'x',
			control_image: await imageBase64(64, 64),
		});
		expect(refused).toMatchObject({ status: 404, json: { detail: 'Not Found' } });
		emulator.config.removedEndpoints = 'serve';
		expect(
			(
				await submit('flux-pro-1.0-canny', {
					prompt: 'x',
					control_image: await imageBase64(64, 64),
				})
			).status,
		).toBe(200);
	});

	test('media inputs: a data: prefix, a URL where only base64 is taken, bytes that are no image, a mask of another size: 422', async () => {
		const image = await imageBase64(64, 64);
		const dataUrl = await submit('flux-2-pro', {
			prompt: 'x',
			input_image: `data:image/png;base64,${image}`,
		});
		expect(dataUrl.json.detail).toEqual([
			{ loc: ['body', 'input_image'], msg: expect.stringContaining('data:'), type: 'value_error' },
		]);
		const url = await submit('flux-pro-1.0-fill', { image: 'https://example.com/a.png' });
		expect(url.json.detail[0]).toMatchObject({
			loc: ['body', 'image'],
			msg: expect.stringContaining('URL'),
		});
		const garbage = await submit('flux-3-image', {
			prompt: 'x',
			images: [await imageBase64(256, 256), Buffer.from('not an image').toString('base64')],
		});
		expect(garbage.json.detail).toEqual([
			{ loc: ['body', 'images', 1], msg: 'Could not decode the image', type: 'value_error' },
		]);
		const mask = await submit('flux-tools/erase-v1', { image, mask: await imageBase64(32, 32) });
		expect(mask.json.detail[0]).toMatchObject({
			loc: ['body', 'mask'],
			msg: expect.stringContaining('same size'),
		});
	});

	test('video inputs: an MP4 longer than the field allows is refused; video edit keeps the input length', async () => {
		const tooLong = await submit('flux-tools/video-edit-v1', {
			video: videoBase64(16),
			prompt: 'make it snow',
		});
		expect(tooLong.json.detail).toEqual([
			{ loc: ['body', 'video'], msg: expect.stringContaining('at most 15 s'), type: 'value_error' },
		]);
		const notMp4 = await submit('flux-tools/video-edit-v1', {
			video: await imageBase64(64, 64),
			prompt: 'make it snow',
		});
		expect(notMp4.json.detail[0].msg).toContain('MP4');
		const edit = await submit('flux-tools/video-edit-v1', {
			video: videoBase64(6),
			prompt: 'make it snow',
		});
		const ready = await waitDone(edit.json.polling_url);
		expect(ready.cost).toBe(
			/** @type {any} */ (MODELS_BY_ID.get('video-edit-v1')).price({
				body: {},
				outputMp: 0,
				inputMp: 0,
				seconds: 6,
			}),
		);
		expect(sniffMp4((await call(ready.result.sample)).bytes)?.durationSeconds).toBe(6);
	});
});

/**
 * output_format: BFL's 2026 OpenAPI has one shared enum jpeg | png | webp on every endpoint. The
 * emulator validates with the node's table, so it takes webp exactly where the table lists it;
 * this test follows the table.
 */
describe('output_format webp', () => {
	const served = MODELS.filter(
		(model) =>
			model.resource === 'image' &&
			model.versions.includes(2) &&
			model.fields.some((field) => field.api === 'output_format'),
	);

	/** The smallest valid body of a model: its required fields (or the first of requireOneOf). @param {ModelSpec} model */
	async function minimalBody(model) {
		const image = await imageBase64(256, 256);
		/** @type {Record<string, unknown>} */
		const body = {};
		for (const field of model.fields) {
			if (!field.required && model.requireOneOf?.[0] !== field.api) continue;
			if (field.kind === 'media') body[field.api] = field.list ? [image] : image;
			else if (field.api === 'finetune_id')
				body[field.api] = model.finetuneHost ? 'ft-us-portrait-0001' : 'my-org/my-lora';
			else body[field.api] = field.kind === 'string' ? 'x' : field.default;
		}
		return body;
	}

	test.each(served.map((model) => [model.id, model]))(
		'%s: webp where the table lists it, else 422',
		async (_, model) => {
			emulator.config.generationMs = 20;
			const formats = /** @type {any} */ (
				model.fields.find((field) => field.api === 'output_format')
			).values;
			const base = model.finetuneHost ? emulator.us1Base : emulator.apiBase;
			const submitted = await submit(
				model.path ?? model.id,
				{ ...(await minimalBody(model)), output_format: 'webp' },
				base,
			);
			if (!formats.includes('webp')) {
				expect(submitted.status).toBe(422);
				expect(submitted.json.detail[0].loc).toEqual(['body', 'output_format']);
				return;
			}
			expect(submitted.status).toBe(200);
			const ready = await waitDone(submitted.json.polling_url);
			expect(new URL(ready.result.sample).pathname).toMatch(/\/sample\.webp$/);
			const image = await call(ready.result.sample, { key: null });
			expect(image.headers['content-type']).toBe('image/webp');
			expect((await probeImage(image.bytes))?.format).toBe('webp');
		},
	);

	test('the table lists webp at least for FLUX.2 and the tools', () => {
		const webp = served.filter((model) =>
			/** @type {any} */ (
				model.fields.find((field) => field.api === 'output_format')
			).values.includes('webp'),
		);
		expect(webp.length).toBeGreaterThan(10);
		expect(webp.map((model) => model.id)).toEqual(
			expect.arrayContaining(['flux-2-pro', 'erase-v1', 'vto-v2']),
		);
	});
});
