// @ts-check
'use strict';
/**
 * Videos over real HTTP: the settled cost, real MP4s of the right length and shape, drafts and
 * their cache bundles.
 */
const { sniffMp4 } = require('../../dist/nodes/Flux/media/mp4.js');
const { MODELS_BY_ID } = require('../../dist/nodes/Flux/models/index.js');
const { renderVideo } = require('../../emulator/video');
const { layoutCaption } = require('../../emulator/caption');
const { useEmulator, call, submit, waitDone, lastEntry } = require('../support/emulator');
const { firstKeyframe } = require('../support/keyframe');

const emulator = useEmulator();

describe('videos', () => {
	test('end to end: an estimate on submit, the settled cost on the final poll, a real MP4 of that length, credits charged = settled', async () => {
		const body = { mode: 't2v', prompt: 'waves at night', aspect_ratio: '16:9' };
		const model = /** @type {NonNullable<ReturnType<typeof MODELS_BY_ID.get>>} */ (
			MODELS_BY_ID.get('flux-3-video')
		);
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
		expect(sniffMp4(video.bytes)).toEqual({
			mimeType: 'video/mp4',
			extension: 'mp4',
			durationSeconds: 5,
			width: 160,
			height: 90,
		});
		expect((await call('/v1/credits')).json.credits).toBe(10000 - settled);
	});

	test('a draft carries a draft_cache bundle that draft_enhance accepts back, as base64 or URL', async () => {
		const draft = await submit('flux-3-video', {
			mode: 't2v',
			prompt: 'x',
			draft: true,
			duration: 7,
		});
		const ready = await waitDone(draft.json.polling_url);
		const bundle = await call(ready.result.draft_cache, { key: null });
		expect(bundle.headers['content-type']).toBe('application/octet-stream');
		for (const draftCache of [bundle.bytes.toString('base64'), ready.result.draft_cache]) {
			const enhance = await submit('flux-3-video', {
				mode: 'draft_enhance',
				draft_cache: draftCache,
			});
			expect(enhance.status).toBe(200);
			const enhanced = await waitDone(enhance.json.polling_url);
			expect(sniffMp4((await call(enhanced.result.sample)).bytes)?.durationSeconds).toBe(7);
		}
	});
});

describe('receipts on videos', () => {
	const receipt = {
		prompt: 'waves at night under a full moon',
		details: ['flux-3-video', '1280×720', '5 s'],
	};

	test("a clip's frames carry the receipt across the top, at no cost in bytes", () => {
		const plain = renderVideo({ width: 160, height: 90, seconds: 2, fps: 8, seed: 4 });
		const shown = renderVideo({ width: 160, height: 90, seconds: 2, fps: 8, seed: 4, receipt });
		expect(shown.length).toBe(plain.length);
		expect(sniffMp4(shown)).toMatchObject({ durationSeconds: 2, width: 160, height: 90 });
		const [a, b] = [firstKeyframe(plain), firstKeyframe(shown)];
		// The receipt keeps above the progress bar, whose top is at 74 px in a 90 px clip.
		const band = /** @type {NonNullable<ReturnType<typeof layoutCaption>>} */ (
			layoutCaption(160, 74, receipt)
		).bandHeight;
		let inBand = 0;
		let below = 0;
		for (let y = 0; y < 90; y++)
			for (let x = 0; x < 160; x++)
				if (a.luma[y * a.width + x] !== b.luma[y * b.width + x]) y < band ? inBand++ : below++;
		expect(inBand).toBeGreaterThan(0.9 * 160 * band);
		expect(below).toBe(0);
		expect(b.luma.subarray(0, 12 * b.width).filter((luma) => luma === 235).length).toBeGreaterThan(
			40,
		);
	});

	test('a delivered clip carries its receipt', async () => {
		const ready = await waitDone(
			(
				await submit('flux-3-video', {
					mode: 't2v',
					prompt: 'waves at night',
					aspect_ratio: '16:9',
				})
			).json.polling_url,
		);
		const frame = firstKeyframe((await call(ready.result.sample, { key: null })).bytes);
		expect(
			frame.luma.subarray(0, 12 * frame.width).filter((luma) => luma === 235).length,
		).toBeGreaterThan(40);
	});
});

describe('video results as lists (videoResultLists)', () => {
	test('off by default: sample and draft_cache only', async () => {
		const ready = await waitDone(
			(await submit('flux-3-video', { mode: 't2v', prompt: 'x', draft: true })).json.polling_url,
		);
		expect(ready.result).toHaveProperty('sample');
		expect(ready.result).toHaveProperty('draft_cache');
		expect(ready.result).not.toHaveProperty('samples');
		expect(ready.result).not.toHaveProperty('draft_caches');
	});

	test('true: samples and draft_caches are lists of one, sample and draft_cache their first entry', async () => {
		emulator.config.videoResultLists = true;
		const ready = await waitDone(
			(await submit('flux-3-video', { mode: 't2v', prompt: 'x', draft: true })).json.polling_url,
		);
		expect(ready.result.samples).toEqual([ready.result.sample]);
		expect(ready.result.draft_caches).toEqual([ready.result.draft_cache]);
		expect(
			sniffMp4((await call(ready.result.samples[0], { key: null })).bytes)?.durationSeconds,
		).toBe(5);
	});

	test('3: three real, different clips and three draft caches; each cache enhances back; images keep singular keys', async () => {
		emulator.config.videoResultLists = 3;
		const ready = await waitDone(
			(await submit('flux-3-video', { mode: 't2v', prompt: 'x', draft: true, duration: 6 })).json
				.polling_url,
		);
		expect(ready.result.samples).toHaveLength(3);
		expect(ready.result.draft_caches).toHaveLength(3);
		expect([ready.result.sample, ready.result.draft_cache]).toEqual([
			ready.result.samples[0],
			ready.result.draft_caches[0],
		]);
		expect(new URL(ready.result.samples[2]).pathname).toMatch(/\/sample-3\.mp4$/);
		const clips = await Promise.all(
			ready.result.samples.map((/** @type {string} */ url) => call(url, { key: null })),
		);
		expect(clips.map((clip) => sniffMp4(clip.bytes)?.durationSeconds)).toEqual([6, 6, 6]);
		expect(new Set(clips.map((clip) => clip.bytes.toString('base64'))).size).toBe(3);
		const enhance = await submit('flux-3-video', {
			mode: 'draft_enhance',
			draft_cache: ready.result.draft_caches[2],
		});
		expect(
			sniffMp4((await call((await waitDone(enhance.json.polling_url)).result.sample)).bytes)
				?.durationSeconds,
		).toBe(6);
		const image = await waitDone(
			(await submit('flux-2-klein-4b', { prompt: 'x', width: 64, height: 64 })).json.polling_url,
		);
		expect(image.result).not.toHaveProperty('samples');
		expect(
			(await call(`${ready.result.samples[0].split('/sample')[0]}/sample-4.mp4`, { key: null }))
				.status,
		).toBe(404);
	});
});
