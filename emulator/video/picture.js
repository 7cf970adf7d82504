// @ts-check
'use strict';
/**
 * The pictures of a clip, in YUV 4:2:0: the seed's striped background of each scene, the
 * progress bar along the bottom, and the receipt across the top.
 */
const { drawCaption } = require('../caption');

/** @typedef {import('./h264').StreamSpec} StreamSpec */
/** @typedef {import('./h264').Picture} Picture */

/** @param {number} h 0..1 @param {number} s @param {number} v @returns {[number, number, number]} RGB 0..255 */
function hsv(h, s, v) {
	const i = Math.floor(h * 6);
	const f = h * 6 - i;
	const [p, q, t] = [v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)];
	const rgb = [
		[v, t, p],
		[q, v, p],
		[p, v, t],
		[p, q, v],
		[t, p, v],
		[v, p, q],
	][((i % 6) + 6) % 6];
	return [rgb[0] * 255, rgb[1] * 255, rgb[2] * 255];
}

/** BT.601 limited range. @param {number} r @param {number} g @param {number} b */
function yuv(r, g, b) {
	return [
		16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255,
		128 + (-37.797 * r - 74.203 * g + 112 * b) / 255,
		128 + (112 * r - 93.786 * g - 18.214 * b) / 255,
	];
}

/** @param {number} value */
const sample = (value) => Math.min(235, Math.max(16, Math.round(value)));

const BAR_TRACK = [40, 128, 128];
const BAR_FILL = [225, 128, 128];
const BAR_HEIGHT = 4;

/**
 * The background of scene `scene` (the stretch between two keyframes): stripes at a seed-given
 * angle in two seed-given colours whose hue turns from scene to scene, with the empty bar track.
 * @param {StreamSpec} spec @param {number[]} look seed-given hues, stripe count, angle and drift
 * @param {number} scene @param {number} barTop
 * @returns {Picture}
 */
function background(spec, look, scene, barTop) {
	const [hue0, hue1, stripeCount, angle, drift] = look;
	const lumaWidth = spec.mbWidth * 16;
	const lumaHeight = spec.mbHeight * 16;
	const chromaWidth = lumaWidth / 2;
	const pic = {
		y: new Uint8Array(lumaWidth * lumaHeight),
		cb: new Uint8Array((lumaWidth * lumaHeight) / 4),
		cr: new Uint8Array((lumaWidth * lumaHeight) / 4),
		lumaWidth,
		chromaWidth,
	};
	const [cx, cy] = [Math.cos(angle), Math.sin(angle)];
	const size = Math.max(spec.width, spec.height);
	const phase = scene * drift;
	const colour0 = (/** @type {number} */ t) => yuv(...hsv((hue0 + scene * 0.17) % 1, 0.75, 0.5 + 0.45 * t));
	const colour1 = (/** @type {number} */ t) => yuv(...hsv((hue1 + scene * 0.29) % 1, 0.55, 0.95 - 0.45 * t));
	// Each 2×2 block shares one colour, so chroma needs no averaging.
	for (let cyIdx = 0; cyIdx < lumaHeight / 2; cyIdx++) {
		for (let cxIdx = 0; cxIdx < chromaWidth; cxIdx++) {
			const x = cxIdx * 2;
			const y = cyIdx * 2;
			const position = ((x * cx + y * cy) / size) * stripeCount + phase;
			const band = ((Math.floor(position) % 2) + 2) % 2;
			const t = Math.min(1, x / spec.width);
			let [Y, U, V] = band ? colour0(t) : colour1(t);
			if (y >= barTop && y < barTop + BAR_HEIGHT && x < spec.width) [Y, U, V] = BAR_TRACK;
			const luma = sample(Y);
			pic.y[y * lumaWidth + x] = luma;
			pic.y[y * lumaWidth + x + 1] = luma;
			pic.y[(y + 1) * lumaWidth + x] = luma;
			pic.y[(y + 1) * lumaWidth + x + 1] = luma;
			pic.cb[cyIdx * chromaWidth + cxIdx] = Math.min(240, Math.max(16, Math.round(U)));
			pic.cr[cyIdx * chromaWidth + cxIdx] = Math.min(240, Math.max(16, Math.round(V)));
		}
	}
	return pic;
}

/** Luma of the text: the prompt white, the details line lighter grey. */
const TEXT_LUMA = { prompt: 235, details: 190 };

/**
 * Draws a receipt's layout into a picture: the band darkened towards black (chroma towards grey),
 * the text in luma only (chroma is shared by 2×2 pixels).
 * @param {Picture} pic @param {import('../caption').Layout} layout @param {number} width shown width
 */
function drawReceipt(pic, layout, width) {
	drawCaption(layout, {
		shade: (factor) => {
			for (let y = 0; y < layout.bandHeight; y++) {
				for (let x = 0; x < width; x++) pic.y[y * pic.lumaWidth + x] = 16 + (pic.y[y * pic.lumaWidth + x] - 16) * factor;
			}
			for (let y = 0; y < Math.ceil(layout.bandHeight / 2); y++) {
				for (let x = 0; x < width / 2; x++) {
					const at = y * pic.chromaWidth + x;
					pic.cb[at] = 128 + (pic.cb[at] - 128) * factor;
					pic.cr[at] = 128 + (pic.cr[at] - 128) * factor;
				}
			}
		},
		ink: (x, y, kind) => {
			if (x < width && y < layout.bandHeight) pic.y[y * pic.lumaWidth + x] = TEXT_LUMA[kind];
		},
	});
}

/**
 * Fills the progress bar from x = `from` to `to` (even), flagging the macroblocks it changes.
 * @param {Picture} pic @param {number} barTop @param {number} from @param {number} to @param {Uint8Array} changed @param {number} mbWidth
 */
function fillBar(pic, barTop, from, to, changed, mbWidth) {
	for (let x = from; x < to; x += 2) {
		const mb = (barTop >> 4) * mbWidth + (x >> 4);
		changed[mb] = 1;
		for (let y = barTop; y < barTop + BAR_HEIGHT; y++) {
			pic.y[y * pic.lumaWidth + x] = BAR_FILL[0];
			pic.y[y * pic.lumaWidth + x + 1] = BAR_FILL[0];
		}
		for (let y = barTop / 2; y < (barTop + BAR_HEIGHT) / 2; y++) {
			pic.cb[y * pic.chromaWidth + x / 2] = BAR_FILL[1];
			pic.cr[y * pic.chromaWidth + x / 2] = BAR_FILL[2];
		}
	}
}

module.exports = { background, drawReceipt, fillBar };
