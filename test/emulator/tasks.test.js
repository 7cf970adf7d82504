// @ts-check
'use strict';
/**
 * The life of a task over real HTTP: Pending with rising progress, FLUX 3's stages, Ready; a
 * polling URL rebuilt without its cluster token finds nothing.
 */
const { probeImage } = require('../../emulator/images');
const { useEmulator, call, submit, waitDone } = require('../support/emulator');

const emulator = useEmulator();

describe('tasks', () => {
	test('a task is Pending with rising progress, then Ready with a real image in the asked size and format', async () => {
		emulator.config.generationMs = 600;
		const submitted = await submit('flux-2-pro', {
			prompt: 'a fox',
			width: 320,
			height: 240,
			output_format: 'webp',
			seed: 7,
		});
		expect(submitted.json).toMatchObject({
			id: expect.any(String),
			polling_url: expect.stringContaining('/v1/get_result?id='),
			cost: 3,
		});
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

	test('FLUX 3 tasks go Pending, Reasoning, Generating, then Ready', async () => {
		emulator.config.generationMs = 1500;
		const submitted = await submit('flux-3-image', {
			prompt: 'a map of Berlin',
			resolution: '768sq',
		});
		const seen = [];
		for (let attempt = 0; attempt < 100 && seen.at(-1) !== 'Ready'; attempt++) {
			const { json } = await call(submitted.json.polling_url);
			if (seen.at(-1) !== json.status) seen.push(json.status);
			await new Promise((resolve) => setTimeout(resolve, 40));
		}
		expect(seen).toEqual(['Pending', 'Reasoning', 'Generating', 'Ready']);
	});

	test('a rebuilt /v1/get_result?id= URL answers Task not found', async () => {
		const submitted = await submit('flux-2-pro', { prompt: 'x' });
		const rebuilt = await call(`/v1/get_result?id=${submitted.json.id}`);
		expect(rebuilt.json.status).toBe('Task not found');
	});
});
