// @ts-check
'use strict';
/**
 * The pictures themselves (images.js, caption.js, font.js): real JPEG, PNG and WebP of exactly the
 * asked size, with a receipt of what was asked drawn across the top.
 */
const sharp = /** @type {typeof import('sharp').default} */ (
	/** @type {unknown} */ (require('sharp'))
);
const { probeImage, renderImage } = require('../../emulator/images');
const { layoutCaption } = require('../../emulator/caption');
const { printable } = require('../../emulator/font');

const PROMPT =
	'A lighthouse on a cliff at dusk, waves crashing below, warm light in the windows, oil painting';

/** @param {number} width @param {number} height @param {number} seed @param {string} [prompt] */
function receipt(width, height, seed, prompt = PROMPT) {
	return { prompt, details: ['flux-2-pro', `${width}×${height}`, `seed ${seed}`] };
}

/** Raw RGB pixels of an encoded image. @param {Buffer} bytes */
async function rgb(bytes) {
	return await sharp(bytes).removeAlpha().raw().toBuffer();
}

/** Pixels (RGB triples) that differ between two raw images, counted in rows [from, to). */
function differing(a, b, width, from, to) {
	let count = 0;
	for (let offset = from * width * 3; offset < to * width * 3; offset += 3) {
		if (
			a[offset] !== b[offset] ||
			a[offset + 1] !== b[offset + 1] ||
			a[offset + 2] !== b[offset + 2]
		)
			count++;
	}
	return count;
}

/** White pixels (the prompt's ink) in rows [0, rows). */
function whitePixels(pixels, width, rows) {
	let count = 0;
	for (let offset = 0; offset < rows * width * 3; offset += 3)
		if (pixels[offset] === 255 && pixels[offset + 1] === 255 && pixels[offset + 2] === 255) count++;
	return count;
}

describe('receipts on images', () => {
	test.each([
		[64, 48],
		[128, 96],
		[1024, 768],
	])('a %i×%i image with its receipt keeps its size in every format', async (width, height) => {
		for (const format of /** @type {const} */ (['jpeg', 'png', 'webp'])) {
			const bytes = await renderImage({
				width,
				height,
				format,
				seed: 3,
				receipt: receipt(width, height, 3),
			});
			expect(await probeImage(bytes)).toEqual({ format, width, height });
		}
	});

	test('the receipt is drawn in a band across the top and nowhere else', async () => {
		const [width, height] = [320, 240];
		const plain = await rgb(await renderImage({ width, height, format: 'png', seed: 11 }));
		const shown = await rgb(
			await renderImage({
				width,
				height,
				format: 'png',
				seed: 11,
				receipt: receipt(width, height, 11),
			}),
		);
		const layout = /** @type {NonNullable<ReturnType<typeof layoutCaption>>} */ (
			layoutCaption(width, height, receipt(width, height, 11))
		);
		expect(layout.bandHeight).toBeGreaterThan(20);
		expect(layout.bandHeight).toBeLessThan(height / 2);
		// Every pixel of the band is darkened or inked; nothing below it changes.
		expect(differing(plain, shown, width, 0, layout.bandHeight)).toBeGreaterThan(
			0.95 * width * layout.bandHeight,
		);
		expect(differing(plain, shown, width, layout.bandHeight, height)).toBe(0);
	});

	test('the prompt is written: white ink in the band, where another prompt puts it elsewhere', async () => {
		const [width, height] = [320, 240];
		const one = await rgb(
			await renderImage({
				width,
				height,
				format: 'png',
				seed: 5,
				receipt: receipt(width, height, 5, 'a red fox'),
			}),
		);
		const other = await rgb(
			await renderImage({
				width,
				height,
				format: 'png',
				seed: 5,
				receipt: receipt(width, height, 5, 'a blue whale'),
			}),
		);
		const plain = await rgb(await renderImage({ width, height, format: 'png', seed: 5 }));
		expect(whitePixels(one, width, 12)).toBeGreaterThan(50);
		expect(whitePixels(plain, width, height)).toBe(0);
		expect(differing(one, other, width, 0, 12)).toBeGreaterThan(20);
	});

	test('the layout: the prompt wrapped to the width, cut with … when long; model, size and seed after it', () => {
		const long = Array(8).fill(PROMPT).join(', ');
		const layout = /** @type {NonNullable<ReturnType<typeof layoutCaption>>} */ (
			layoutCaption(1024, 1024, receipt(1024, 1024, 42, long))
		);
		const prompt = layout.lines.filter((line) => line.kind === 'prompt').map((line) => line.text);
		const details = layout.lines.filter((line) => line.kind === 'details').map((line) => line.text);
		expect(layout.scale).toBe(4);
		expect(prompt.length).toBeGreaterThan(2);
		expect(prompt.at(-1)).toMatch(/…$/);
		expect(prompt[0]).toBe('A lighthouse on a cliff at dusk, waves');
		expect(details).toEqual(['flux-2-pro · 1024×1024 · seed 42']);
		for (const line of layout.lines)
			expect(line.text.length * 6 * layout.scale).toBeLessThanOrEqual(1024);
	});

	test('tiny pictures get what fits (64×48: a line of prompt and one of details), 12 px none', () => {
		const small = layoutCaption(64, 48, receipt(64, 48, 1));
		expect(small?.lines.map((line) => line.kind)).toEqual(['prompt', 'details']);
		expect(layoutCaption(12, 12, receipt(12, 12, 1))).toBeUndefined();
	});

	test('text the font lacks is drawn as look-alikes: accents dropped, quotes straightened, ? for the rest', () => {
		expect(printable('Café “naïve” — 日本 2×3')).toBe('Cafe "naive" - ?? 2×3');
	});
});
