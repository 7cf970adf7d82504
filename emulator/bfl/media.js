// @ts-check
'use strict';
/**
 * Media inputs as BFL checks them: base64 of a decodable image (probed) or an http(s) URL where
 * the field takes one; MP4s within their length and size; masks the size of their image; draft
 * caches made by this emulator (their length and shape travel inside them).
 */
const crypto = require('node:crypto');
const { fieldsFor, limitsOf, MEGAPIXEL } = require('../../dist/nodes/Flux/models/index.js');
const { sniffMp4 } = require('../../dist/nodes/Flux/media/mp4.js');
const { probeImage } = require('../images');
const { problem } = require('../http/respond');

/** @typedef {import('../types').ModelSpec} ModelSpec */
/** @typedef {import('../types').MediaField} MediaField */
/** @typedef {import('../types').Media} Media */
/** @typedef {import('../types').DraftInfo} DraftInfo */
/** @typedef {Map<string, import('../types').Task>} Tasks */

const DRAFT_MAGIC = 'BFLEMUDRAFT1\n';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Checks every media input as BFL would and measures it. Problems are added to `detail`.
 * @param {Tasks} tasks @param {ModelSpec} model @param {Record<string, unknown>} body @param {Array<{ loc: unknown[] }>} detail
 * @returns {Promise<Media>}
 */
async function inspectMedia(tasks, model, body, detail) {
	const operation = model.operationOf?.(body);
	const fields = operation ? fieldsFor(model, operation) : model.fields;
	const flagged = new Set(detail.map((entry) => entry.loc[1]));
	/** @type {Media} */
	const media = { images: [], byField: {} };
	for (const field of fields) {
		if (field.kind !== 'media' || flagged.has(field.api)) continue;
		const value = body[field.api];
		if (value === undefined || value === null || value === '') continue;
		const entries = field.list ? (Array.isArray(value) ? value : [value]) : [value];
		for (const [index, entry] of entries.entries()) {
			const text = Array.isArray(entry) ? entry[1] : entry;
			if (typeof text !== 'string') continue; // the table's validation named it
			const message = await inspectOne(tasks, field, text, media);
			if (message) detail.push(problem(field.list ? ['body', field.api, index] : ['body', field.api], message));
		}
	}
	for (const field of fields) {
		if (field.kind !== 'media' || !field.sameSizeAs) continue;
		const [a, b] = [media.byField[field.api], media.byField[field.sameSizeAs]];
		if (a && b && (a.width !== b.width || a.height !== b.height)) {
			detail.push(problem(['body', field.api], `Must have the same size as ${field.sameSizeAs} (${b.width}×${b.height}); got ${a.width}×${a.height}`));
		}
	}
	return media;
}

/**
 * One media value; returns what is wrong with it, if anything.
 * @param {Tasks} tasks @param {MediaField} field @param {string} text @param {Media} media
 */
async function inspectOne(tasks, field, text, media) {
	if (/^https?:\/\//i.test(text)) {
		if (!field.acceptsUrl) return 'Expected base64 data, got a URL';
		if (field.media === 'bundle') media.draft ??= draftFromUrl(tasks, text);
		return undefined;
	}
	if (text.startsWith('data:')) return 'Send raw base64, without the data: prefix';
	if (!BASE64.test(text)) return 'Invalid base64 data';
	const bytes = Buffer.from(text, 'base64');
	const limits = limitsOf(field);
	if (bytes.length > limits.maxBytes) return `File is ${bytes.length} bytes; at most ${limits.maxBytes}`;
	if (field.media === 'bundle') {
		media.draft ??= draftFromBytes(bytes);
		return undefined;
	}
	if (field.media === 'video') return inspectVideo(bytes, limits, media);
	return await inspectImage(field, bytes, limits, media);
}

/** @param {Buffer} bytes @param {import('../../dist/nodes/Flux/models/index.js').MediaLimits} limits @param {Media} media */
function inspectVideo(bytes, limits, media) {
	const info = sniffMp4(bytes);
	if (!info) return 'Could not decode the video: expected an MP4';
	if (limits.maxSeconds !== undefined && info.durationSeconds !== undefined && info.durationSeconds > limits.maxSeconds + 0.001) {
		return `Video is ${info.durationSeconds} s long; at most ${limits.maxSeconds} s`;
	}
	if ((limits.maxWidth && (info.width ?? 0) > limits.maxWidth) || (limits.maxHeight && (info.height ?? 0) > limits.maxHeight)) {
		return `Video is ${info.width}×${info.height}; at most ${limits.maxWidth}×${limits.maxHeight}`;
	}
	media.video ??= info;
	return undefined;
}

/** @param {MediaField} field @param {Buffer} bytes @param {import('../../dist/nodes/Flux/models/index.js').MediaLimits} limits @param {Media} media */
async function inspectImage(field, bytes, limits, media) {
	const probe = await probeImage(bytes);
	if (!probe) return 'Could not decode the image';
	const size = { width: probe.width, height: probe.height };
	if (limits.minSide && Math.min(size.width, size.height) < limits.minSide) return `Image is ${size.width}×${size.height}; each side must be at least ${limits.minSide}`;
	if (limits.maxMegapixels && (size.width * size.height) / MEGAPIXEL > limits.maxMegapixels) return `Image is ${size.width}×${size.height}; at most ${limits.maxMegapixels} MP`;
	media.images.push(size);
	media.byField[field.api] ??= size;
	return undefined;
}

/** What a draft_cache bundle made by this emulator says about its draft. @returns {DraftInfo | undefined} */
function draftFromBytes(bytes) {
	const text = bytes.subarray(0, 512).toString('latin1');
	if (!text.startsWith(DRAFT_MAGIC)) return undefined;
	try {
		const info = JSON.parse(text.slice(DRAFT_MAGIC.length, text.indexOf('\n', DRAFT_MAGIC.length)));
		return { seconds: Number(info.seconds), width: Number(info.width), height: Number(info.height) };
	} catch {
		return undefined;
	}
}

/** @param {Tasks} tasks @param {string} text @returns {DraftInfo | undefined} */
function draftFromUrl(tasks, text) {
	const match = /\/results\/([^/]+)\/draft_cache(?:-\d+)?\.bin/.exec(text);
	const task = match && tasks.get(match[1]);
	return task ? { seconds: /** @type {number} */ (task.seconds), width: task.width, height: task.height } : undefined;
}

/** A draft's cache bundle: what draftFromBytes reads back, then filler. @param {import('../types').Task} task */
function draftBundle(task) {
	const header = `${DRAFT_MAGIC}${JSON.stringify({ seconds: task.seconds, width: task.width, height: task.height })}\n`;
	return Buffer.concat([Buffer.from(header, 'latin1'), crypto.randomBytes(2048)]);
}

module.exports = { inspectMedia, draftBundle };
