// @ts-check
'use strict';
/**
 * The size and length of an output as BFL would choose them for a model and a request body: the
 * pixels of an image, the shape and seconds of a video. What differs by model is the table's
 * (`outputSize`, the fields and their defaults); what differs by operation is here.
 */
const { fieldsFor, limitsOf, MAX_VIDEO_SECONDS, MEGAPIXEL } = require('../../dist/nodes/Flux/models/index.js');

/** @typedef {import('../types').ModelSpec} ModelSpec */
/** @typedef {import('../types').Media} Media */
/** @typedef {import('../types').Size} Size */

/** Duration of a video whose length BFL picks ("auto"), in seconds. */
const AUTO_VIDEO_SECONDS = 5;
const DEFAULT_SIZE = { width: 1024, height: 1024 };
/** Operations whose output keeps the size of their first input. @type {import('../../dist/nodes/Flux/models/index.js').Operation[]} */
const KEEP_INPUT_SIZE = ['erase', 'deblur', 'fill', 'tryOn'];

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
	// Tools that change one picture keep the size of their first input (erase, fill: the image;
	// try-on: the person).
	if (KEEP_INPUT_SIZE.some((operation) => ops.includes(operation))) return firstInputSize(model, media);
	if (ops.includes('expand') && has('top')) {
		const base = media.byField.image ?? first ?? DEFAULT_SIZE;
		return { width: base.width + (body.left ?? 0) + (body.right ?? 0), height: base.height + (body.top ?? 0) + (body.bottom ?? 0) };
	}
	if (ops.includes('expand')) return { width: body.width, height: body.height }; // outpainting: the canvas
	if (model.outputSize?.pixels !== undefined || has('aspect_ratio')) return sizeByArea(model, body, first);
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
	if (has('width')) return { width: body.width ?? defaultOf(model, 'width'), height: body.height ?? defaultOf(model, 'height') };
	return first ?? DEFAULT_SIZE;
}

/** @param {ModelSpec} model @param {Media} media @returns {Size} */
function firstInputSize(model, media) {
	const input = model.fields.find((field) => field.kind === 'media');
	return (input && media.byField[input.api]) ?? media.images[0] ?? DEFAULT_SIZE;
}

/**
 * An image sized by aspect ratio: the table's area (per resolution tier where it has them; about
 * 1 MP otherwise) in the asked shape, else the first input's, else the field's default, else square.
 * @param {ModelSpec} model @param {Record<string, any>} body @param {Size | undefined} first @returns {Size}
 */
function sizeByArea(model, body, first) {
	const asked = body.aspect_ratio && body.aspect_ratio !== 'auto' ? body.aspect_ratio : undefined;
	const fallback = defaultOf(model, 'aspect_ratio');
	const ratio = asked ?? (first ? `${first.width}:${first.height}` : fallback && fallback !== 'auto' ? fallback : '1:1');
	return sizeForRatio(ratio, byResolution(model, body, model.outputSize?.pixels) ?? MEGAPIXEL, model.outputSize?.multipleOf ?? 16);
}

/**
 * The size BFL would render a video at (the emulator renders it smaller, see delivery.js): an
 * upscale multiplies its input; the others have the table's short side in the asked shape, else
 * the input's, else 16:9.
 * @param {ModelSpec} model @param {Record<string, any>} body @param {Media} media @returns {Size}
 */
function videoSize(model, body, media) {
	const source = media.video?.width && media.video.height ? { width: media.video.width, height: media.video.height } : { width: 1280, height: 720 };
	if (model.operations.includes('upscale')) {
		const factor = Number(body.upscale_factor ?? 2);
		return { width: roundTo(source.width * factor, 2), height: roundTo(source.height * factor, 2) };
	}
	const shortSide = byResolution(model, body, model.outputSize?.shortSide) ?? 720;
	const input = media.images[0] ?? (media.video?.width ? source : undefined) ?? media.draft;
	const ratio = ratioOf(body.aspect_ratio) ?? (input ? input.width / input.height : 16 / 9);
	return sizeForShortSide(shortSide, ratio);
}

/**
 * A figure of the table: itself, or the one for the body's `resolution` (else that field's
 * default in the body's operation).
 * @param {ModelSpec} model @param {Record<string, any>} body @param {number | Record<string, number> | undefined} figure
 */
function byResolution(model, body, figure) {
	if (figure === undefined || typeof figure === 'number') return figure;
	const operation = model.operationOf?.(body);
	const fields = operation ? fieldsFor(model, operation) : model.fields;
	return figure[body.resolution ?? fields.find((field) => field.api === 'resolution')?.default];
}

/** @param {ModelSpec} model @param {string} api */
function defaultOf(model, api) {
	return /** @type {any} */ (model.fields.find((field) => field.api === api))?.default;
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
		const max = input && input.kind === 'media' ? (limitsOf(input).maxSeconds ?? MAX_VIDEO_SECONDS) : MAX_VIDEO_SECONDS;
		return Math.min(media.video?.durationSeconds ?? AUTO_VIDEO_SECONDS, max);
	}
	if (typeof body.duration === 'number' && body.duration > 0) return body.duration;
	if (media.draft) return media.draft.seconds;
	const timed = Array.isArray(body.keyframes) ? body.keyframes.filter((entry) => Array.isArray(entry)) : [];
	if (timed.length) return Math.min(MAX_VIDEO_SECONDS, Math.max(AUTO_VIDEO_SECONDS, Math.ceil(Number(timed[timed.length - 1][0]))));
	return AUTO_VIDEO_SECONDS;
}

/** Megapixels as BFL reports them (2 decimals). */
function megapixels(width, height) {
	return Math.round(((width * height) / MEGAPIXEL) * 100) / 100;
}

module.exports = { roundTo, outputSize, videoSize, videoSeconds, megapixels };
