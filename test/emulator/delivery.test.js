// @ts-check
'use strict';
/**
 * Results over real HTTP: real images in the size and format BFL would make, from the delivery
 * host, expiring.
 */
const sharp = /** @type {typeof import('sharp').default} */ (
	/** @type {unknown} */ (require('sharp'))
);
const { probeImage, renderImage } = require('../../emulator/images');
const { layoutCaption } = require('../../emulator/caption');
const { DEFAULT_CONFIG } = require('../../emulator/server');
const { useEmulator, sleep, call, submit, waitDone, imageBase64 } = require('../support/emulator');

const emulator = useEmulator();

describe('images', () => {
	test('different seeds give different images', async () => {
		const bytes = [];
		for (const seed of [1, 2]) {
			const submitted = await submit('flux-2-klein-4b', {
				prompt: 'same',
				width: 64,
				height: 64,
				seed,
				output_format: 'png',
			});
			const ready = await waitDone(submitted.json.polling_url);
			bytes.push((await call(ready.result.sample)).bytes);
		}
		expect(bytes[0].equals(bytes[1])).toBe(false);
	});

	test('result URLs expire (403)', async () => {
		emulator.config.sampleTtlMs = 100;
		const submitted = await submit('flux-2-pro', { prompt: 'x', width: 64, height: 64 });
		const ready = await waitDone(submitted.json.polling_url);
		await new Promise((resolve) => setTimeout(resolve, 200));
		const late = await call(ready.result.sample, { key: null });
		expect(late.status).toBe(403);
	});

	test('FLUX 3 Image: the size follows resolution × aspect ratio, served as JPEG', async () => {
		const submitted = await submit('flux-3-image', {
			prompt: 'x',
			resolution: '1k',
			aspect_ratio: '16:9',
		});
		expect(submitted.json.output_mp).toBeCloseTo(1, 1);
		const ready = await waitDone(submitted.json.polling_url);
		expect(ready.result.sample).toMatch(/sample\.jpeg\?/);
		const image = await probeImage((await call(ready.result.sample)).bytes);
		expect(image?.format).toBe('jpeg');
		expect((image?.width ?? 0) / (image?.height ?? 1)).toBeCloseTo(16 / 9, 1);
	});

	test('erase returns a PNG the size of its input; try-on a JPEG the size of the person', async () => {
		const erase = await submit('flux-tools/erase-v1', {
			image: await imageBase64(96, 64),
			mask: await imageBase64(96, 64),
		});
		const erased = await call((await waitDone(erase.json.polling_url)).result.sample);
		expect(erased.headers['content-type']).toBe('image/png');
		expect(await probeImage(erased.bytes)).toEqual({ format: 'png', width: 96, height: 64 });
		const tryOn = await submit('flux-tools/vto-v2', {
			prompt: 'wearing it',
			person: await imageBase64(80, 120, 'jpeg'),
			garment: await imageBase64(64, 64),
		});
		const dressed = await call((await waitDone(tryOn.json.polling_url)).result.sample);
		expect(await probeImage(dressed.bytes)).toEqual({ format: 'jpeg', width: 80, height: 120 });
	});
});

describe('receipts', () => {
	test('a delivered image shows what was asked: its pixels differ from the bare pattern only in the receipt band', async () => {
		const body = {
			prompt: 'a fox in the snow',
			width: 320,
			height: 240,
			seed: 9,
			output_format: 'png',
		};
		const ready = await waitDone((await submit('flux-2-pro', body)).json.polling_url);
		const delivered = (await call(ready.result.sample, { key: null })).bytes;
		expect(await probeImage(delivered)).toEqual({ format: 'png', width: 320, height: 240 });
		const bare = await renderImage({ width: 320, height: 240, format: 'png', seed: 9 });
		const [a, b] = await Promise.all(
			[delivered, bare].map((bytes) => sharp(bytes).raw().toBuffer()),
		);
		const band = /** @type {NonNullable<ReturnType<typeof layoutCaption>>} */ (
			layoutCaption(320, 240, { prompt: body.prompt, details: ['flux-2-pro', '320×240', 'seed 9'] })
		).bandHeight;
		expect(a.subarray(band * 320 * 3).equals(b.subarray(band * 320 * 3))).toBe(true);
		expect(a.subarray(0, band * 320 * 3).equals(b.subarray(0, band * 320 * 3))).toBe(false);
	});
});

describe('expiry', () => {
	/** Milliseconds from Ready to the expiry a signed URL states in its se=. @param {string} url @param {{ end_time: number }} result */
	const lifetime = (url, result) =>
		Date.parse(String(new URL(url).searchParams.get('se'))) - Math.round(result.end_time * 1000);

	test('se= states the configured lifetimes: images 10 minutes, videos and draft caches 1 hour by default', async () => {
		Object.assign(emulator.config, {
			sampleTtlMs: DEFAULT_CONFIG.sampleTtlMs,
			videoSampleTtlMs: DEFAULT_CONFIG.videoSampleTtlMs,
		});
		expect([DEFAULT_CONFIG.sampleTtlMs, DEFAULT_CONFIG.videoSampleTtlMs]).toEqual([
			10 * 60 * 1000,
			60 * 60 * 1000,
		]);
		const image = await waitDone(
			(await submit('flux-2-klein-4b', { prompt: 'x', width: 64, height: 64 })).json.polling_url,
		);
		expect(lifetime(image.result.sample, image.result)).toBe(10 * 60 * 1000);
		const video = await waitDone(
			(await submit('flux-3-video', { mode: 't2v', prompt: 'x', draft: true })).json.polling_url,
		);
		expect(lifetime(video.result.sample, video.result)).toBe(60 * 60 * 1000);
		expect(lifetime(video.result.draft_cache, video.result)).toBe(60 * 60 * 1000);
	});

	test('a video URL past its se= answers 403; a fresh poll states the new lifetime', async () => {
		emulator.config.videoSampleTtlMs = 100;
		const submitted = await submit('flux-3-video', { mode: 't2v', prompt: 'x' });
		const ready = await waitDone(submitted.json.polling_url);
		expect(lifetime(ready.result.sample, ready.result)).toBe(100);
		await sleep(200);
		expect((await call(ready.result.sample, { key: null })).status).toBe(403);
		emulator.config.videoSampleTtlMs = 60000;
		const fresh = (await call(submitted.json.polling_url, { key: null })).json;
		expect(lifetime(fresh.result.sample, fresh.result)).toBe(60000);
		expect((await call(fresh.result.sample, { key: null })).status).toBe(200);
	});
});
