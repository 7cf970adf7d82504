// @ts-check
'use strict';
// Real images for the emulator: a seed-dependent pattern with a receipt on top (what was asked:
// caption.js), encoded by sharp in the asked format.
// sharp's typings describe its ESM default export; require() returns that same function.
const sharp = /** @type {typeof import('sharp').default} */ (/** @type {unknown} */ (require('sharp')));

const { random } = require('./random');
const { drawCaption, layoutCaption } = require('./caption');

/** Text colours: the prompt white, the details line pale blue. */
const INK = { prompt: [255, 255, 255], details: [170, 215, 255] };

/**
 * An image of exactly `width` × `height` in `format`; the same spec always gives the same pixels.
 * With a `receipt`, what was asked is drawn across the top (not on `noise` images, which must stay
 * incompressible).
 * @param {{ width: number, height: number, format: 'jpeg' | 'png' | 'webp', seed: number, noise?: boolean, receipt?: import('./caption').Receipt }} spec
 * @returns {Promise<Buffer>}
 */
async function renderImage({ width, height, format, seed, noise = false, receipt }) {
	const next = random(seed);
	const pixels = Buffer.alloc(width * height * 3);
	if (noise) {
		// Incompressible pixels: the file is about as large as the raw image (for memory benchmarks).
		for (let i = 0; i < pixels.length; i += 4) pixels.writeUInt32LE((next() * 4294967296) >>> 0, Math.min(i, pixels.length - 4));
	} else {
		const [r0, g0, b0, r1, g1, b1] = Array.from({ length: 6 }, () => Math.floor(next() * 256));
		const stripes = 4 + Math.floor(next() * 12);
		const angle = next() * Math.PI;
		const [cx, cy] = [Math.cos(angle), Math.sin(angle)];
		for (let y = 0; y < height; y++) {
			for (let x = 0; x < width; x++) {
				const t = x / width;
				const band = Math.floor(((x * cx + y * cy) / Math.max(width, height)) * stripes) % 2;
				const offset = (y * width + x) * 3;
				pixels[offset] = band ? r0 + (r1 - r0) * t : 255 - r0;
				pixels[offset + 1] = band ? g0 + (g1 - g0) * t : 255 - g0;
				pixels[offset + 2] = band ? b0 + (b1 - b0) * t : (b1 + y) % 256;
			}
		}
	}
	if (receipt && !noise) drawReceipt(pixels, width, height, receipt);
	const image = sharp(pixels, { raw: { width, height, channels: 3 } });
	if (format === 'png') return await image.png({ compressionLevel: noise ? 0 : 6 }).toBuffer();
	if (format === 'webp') return await image.webp({ quality: 80 }).toBuffer();
	return await image.jpeg({ quality: 85 }).toBuffer();
}

/**
 * Draws a receipt into raw RGB pixels: the band darkened, the text in its colours.
 * @param {Buffer} pixels @param {number} width @param {number} height @param {import('./caption').Receipt} receipt
 */
function drawReceipt(pixels, width, height, receipt) {
	const layout = layoutCaption(width, height, receipt);
	if (!layout) return;
	drawCaption(layout, {
		shade: (factor) => {
			const end = layout.bandHeight * width * 3;
			for (let offset = 0; offset < end; offset++) pixels[offset] = pixels[offset] * factor;
		},
		ink: (x, y, kind) => {
			if (x >= width || y >= height) return;
			pixels.set(INK[kind], (y * width + x) * 3);
		},
	});
}

/**
 * Reads an image's format and size; undefined when the bytes are not an image.
 * @param {Buffer} bytes
 */
async function probeImage(bytes) {
	try {
		const { format, width, height } = await sharp(bytes).metadata();
		return format && width && height ? { format, width, height } : undefined;
	} catch {
		return undefined;
	}
}

module.exports = { renderImage, probeImage };
