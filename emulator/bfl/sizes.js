// @ts-check
'use strict';
/**
 * The size and length of an output as BFL would choose them for a model and a request body: the
 * pixels of an image, the shape and seconds of a video.
 */
const { limitsOf, MEGAPIXEL } = require('../../dist/nodes/Flux/models/index.js');

/** @typedef {import('../types').ModelSpec} ModelSpec */
/** @typedef {import('../types').Media} Media */
/** @typedef {import('../types').Size} Size */

const FLUX3_IMAGE_PIXELS = /** @type {Record<string, number>} */ ({
	'768sq': 768 * 768,
	'1k': MEGAPIXEL,
	'1.5k': 1536 * 1536,
	'2k': 4 * MEGAPIXEL,
	'4k': 16 * MEGAPIXEL,
});
/** Video resolution tiers: the short side in pixels. */
const VIDEO_SHORT_SIDE = /** @type {Record<string, number>} */ ({ hd: 720, fhd: 1080, qhd: 1440, uhd: 2160 });
/** Duration of a video whose length BFL picks ("auto"), in seconds. */
const AUTO_VIDEO_SECONDS = 5;
const DEFAULT_SIZE = { width: 1024, height: 1024 };

function roundTo(value, step) {
	return Math.max(step, Math.round(value / step) * step);
}

/** @returns {Size} */
function sizeForRatio(ratio, pixels, step) {
	const [w, h] = String(ratio).split(':').map(Number);
	const width = Math.sqrt((pixels * w) / h);
	return { width: roundTo(width, step), height: roundTo((width * h) / w, step) };
}

/** "16:9" → 16/9; undefined for "auto" or anything else. */
function ratioOf(value) {
	const match = typeof value === 'string' ? /^(\d+):(\d+)$/.exec(value) : null;
	return match ? Number(match[1]) / Number(match[2]) : undefined;
}

/** @param {number} shortSide @param {number} ratio width / height @returns {Size} */
function sizeForShortSide(shortSide, ratio) {
	return ratio >= 1
		? { width: roundTo(shortSide * ratio, 2), height: shortSide }
		: { width: shortSide, height: roundTo(shortSide / ratio, 2) };
}

/**
 * Output size as BFL would choose it for this image model and body.
 * @param {ModelSpec} model @param {Record<string, any>} body @param {Media} media @returns {Size}
 */
function outputSize(model, body, media) {
	const first = media.images[0];
	const has = (api) => model.fields.some((field) => field.api === api);
	const ops = model.operations;
	if (ops.includes('erase') || ops.includes('deblur')) return media.byField.image ?? first ?? DEFAULT_SIZE;
	if (ops.includes('tryOn')) return media.byField.person ?? first ?? DEFAULT_SIZE;
	if (ops.includes('fill')) return media.byField.image ?? first ?? DEFAULT_SIZE;
	if (ops.includes('expand') && has('top')) {
		const base = media.byField.image ?? first ?? DEFAULT_SIZE;
		return { width: base.width + (body.left ?? 0) + (body.right ?? 0), height: base.height + (body.top ?? 0) + (body.bottom ?? 0) };
	}
	if (ops.includes('expand')) return { width: body.width, height: body.height }; // outpainting: the canvas
	if (has('resolution')) {
		// FLUX 3 Image: an equal-area tier in the asked shape (auto: the first reference's, else square).
		const ratio = body.aspect_ratio && body.aspect_ratio !== 'auto' ? body.aspect_ratio : first ? `${first.width}:${first.height}` : '1:1';
		return sizeForRatio(ratio, FLUX3_IMAGE_PIXELS[body.resolution ?? '1k'] ?? MEGAPIXEL, 16);
	}
	if (has('width') && model.maxPixels) {
		// FLUX.2: 0 or absent = automatic (first input's size, else 1024×1024), multiples of 16, ≤ 4 MP.
		const base = first ?? DEFAULT_SIZE;
		let width = body.width || base.width;
		let height = body.height || base.height;
		const scale = Math.min(1, Math.sqrt(model.maxPixels / (width * height)));
		width = Math.max(64, Math.floor((width * scale) / 16) * 16);
		height = Math.max(64, Math.floor((height * scale) / 16) * 16);
		return { width, height };
	}
	if (has('width')) {
		const defaults = Object.fromEntries(model.fields.filter((field) => field.api === 'width' || field.api === 'height').map((field) => [field.api, field.default]));
		return { width: body.width ?? defaults.width, height: body.height ?? defaults.height };
	}
	if (has('aspect_ratio')) {
		const ultra = model.id.includes('ultra');
		const ratio = body.aspect_ratio || (first ? `${first.width}:${first.height}` : ultra ? '16:9' : '1:1');
		return sizeForRatio(ratio, ultra ? 4 * MEGAPIXEL : MEGAPIXEL, ultra ? 32 : 16);
	}
	return first ?? DEFAULT_SIZE;
}

/**
 * The size BFL would render a video at (the emulator renders it smaller, see delivery.js).
 * @param {ModelSpec} model @param {Record<string, any>} body @param {Media} media @returns {Size}
 */
function videoSize(model, body, media) {
	const source = media.video?.width && media.video.height ? { width: media.video.width, height: media.video.height } : { width: 1280, height: 720 };
	if (model.operations.includes('upscale')) {
		const factor = Number(body.upscale_factor ?? 2);
		return { width: roundTo(source.width * factor, 2), height: roundTo(source.height * factor, 2) };
	}
	if (!model.fields.some((field) => field.api === 'resolution')) return sizeForShortSide(720, source.width / source.height); // video edit: 720p
	const enhance = model.operationOf?.(body) === 'enhance';
	const tier = VIDEO_SHORT_SIDE[body.resolution ?? (enhance ? 'fhd' : 'hd')] ?? 720;
	const input = media.images[0] ?? (media.video?.width ? source : undefined) ?? media.draft;
	const ratio = ratioOf(body.aspect_ratio) ?? (input ? input.width / input.height : 16 / 9);
	return sizeForShortSide(tier, ratio);
}

/**
 * Seconds of output: the asked duration, else what BFL would pick (5 s; the last timed
 * keyframe; the draft's length), or the input video's length capped at the field's limit.
 * @param {ModelSpec} model @param {Record<string, any>} body @param {Media} media
 */
function videoSeconds(model, body, media) {
	if (!model.fields.some((field) => field.api === 'duration')) {
		// Upscale and edit keep the input's length (a URL's is unknown here: 5 s).
		const input = model.fields.find((field) => field.kind === 'media' && field.media === 'video');
		const max = input && input.kind === 'media' ? (limitsOf(input).maxSeconds ?? 20) : 20;
		return Math.min(media.video?.durationSeconds ?? AUTO_VIDEO_SECONDS, max);
	}
	if (typeof body.duration === 'number' && body.duration > 0) return body.duration;
	if (media.draft) return media.draft.seconds;
	const timed = Array.isArray(body.keyframes) ? body.keyframes.filter((entry) => Array.isArray(entry)) : [];
	if (timed.length) return Math.min(20, Math.max(AUTO_VIDEO_SECONDS, Math.ceil(Number(timed[timed.length - 1][0]))));
	return AUTO_VIDEO_SECONDS;
}

/** Megapixels as BFL reports them (2 decimals). */
function megapixels(width, height) {
	return Math.round(((width * height) / MEGAPIXEL) * 100) / 100;
}

module.exports = { roundTo, outputSize, videoSize, videoSeconds, megapixels };
