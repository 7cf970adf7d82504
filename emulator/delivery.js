// @ts-check
'use strict';
/**
 * Delivery of results, as BFL's delivery hosts do it: a Ready task's files (the image or MP4
 * sample, a draft's cache bundle) at signed, expiring URLs on another host name than the API's
 * (`deliveryHostname`, same port), without CORS headers. Images are rendered at the task's size;
 * videos smaller (`videoRenderSize` on the longer side, in the task's shape). Both carry a receipt
 * of what was asked (prompt, model, size, seed; caption.js).
 */
const crypto = require('node:crypto');
const { renderImage } = require('./images');
const { renderVideo } = require('./video');
const { deliveryFault, redirectLocation, redirectOf } = require('./faults');
const { redirect, text } = require('./http/respond');
const { draftBundle } = require('./bfl/media');
const { roundTo } = require('./bfl/sizes');
const { servesTask, statusOf } = require('./bfl/tasks');

/** @typedef {import('./types').Task} Task */
/** @typedef {import('./types').Site} Site */
/** @typedef {import('./server').Emulator} Emulator */

const VIDEO_FPS = 24;

/** Where a host's results are served from. @param {Emulator} emulator @param {Site} site */
function deliveryBaseOf(emulator, site) {
	return `http://${emulator.config.deliveryHostname}:${site.port}`;
}

/** A signed, expiring URL of one of a task's files, on its host's delivery name. @param {Emulator} emulator @param {Task} task @param {string} file */
function signedUrl(emulator, task, file) {
	const ttl = task.resource === 'video' ? emulator.config.videoSampleTtlMs : emulator.config.sampleTtlMs;
	const expires = new Date(task.readyAt + ttl).toISOString();
	const path = `/results/${task.id}/${file}`;
	const signature = sign(emulator.signingKey, path, expires);
	return `${deliveryBaseOf(emulator, emulator.sites[task.site])}${path}?se=${encodeURIComponent(expires)}&sp=r&sig=${signature}`;
}

/** @param {Buffer} signingKey @param {string} path @param {string} expires */
function sign(signingKey, path, expires) {
	return crypto.createHmac('sha256', signingKey).update(`${path}|${expires}`).digest('hex').slice(0, 32);
}

/**
 * GET /results/{id}/sample.{ext} or /results/{id}/draft_cache.bin ?se=…&sig=…, on the host that
 * took the task (or the other host, when a redirect sent the download there).
 * @param {Emulator} emulator @param {Site} site @param {import('node:http').ServerResponse} res @param {URL} url @param {import('./types').LedgerEntry} entry
 */
async function deliver(emulator, site, res, url, entry) {
	const match = /^\/results\/([^/]+)\/(sample\.(jpeg|png|webp|mp4)|draft_cache\.bin)$/.exec(url.pathname);
	const task = match && emulator.tasks.get(match[1]);
	entry.taskId = match?.[1];
	if (!task || !servesTask(site, task, url) || statusOf(task) !== 'Ready') return text(res, 404, 'BlobNotFound');
	const bundle = match[2] === 'draft_cache.bin';
	if ((bundle && !task.draft) || (!bundle && match[3] !== task.format)) return text(res, 404, 'BlobNotFound');
	const where = redirectOf(task, 'delivery-redirect', url);
	if (where) {
		entry.fault = 'delivery-redirect';
		entry.redirectedTo = redirectLocation(deliveryBaseOf(emulator, where === 'same' ? site : emulator.sites.other), url, where);
		return redirect(res, entry.redirectedTo);
	}
	const expires = url.searchParams.get('se') ?? '';
	if (sign(emulator.signingKey, url.pathname, expires) !== url.searchParams.get('sig')) return text(res, 403, 'AuthenticationFailed: signature mismatch');
	if (Date.now() > Date.parse(expires)) return text(res, 403, 'AuthenticationFailed: Signed expiry time has passed');
	task.downloads++;
	const faulted = await deliveryFault(task, res);
	if (faulted !== undefined) return faulted;
	const [bytes, type] = bundle ? [(task.bundle ??= draftBundle(task)), 'application/octet-stream'] : await sample(emulator, task);
	res.writeHead(200, { 'content-type': type, 'content-length': bytes.length });
	res.end(bytes);
	return 200;
}

/** A task's sample, rendered once: its bytes and media type. @param {Emulator} emulator @param {Task} task @returns {Promise<[Buffer, string]>} */
async function sample(emulator, task) {
	if (task.resource === 'video') {
		const seconds = Math.round(/** @type {number} */ (task.seconds) * 1000) / 1000;
		task.output ??= renderVideo({ ...renderSize(emulator.config, task), seconds, fps: VIDEO_FPS, seed: task.seed, receipt: receiptOf(task) });
		return [await task.output, 'video/mp4'];
	}
	const format = /** @type {'jpeg' | 'png' | 'webp'} */ (task.format);
	const noise = Boolean(task.faults.noise);
	task.output ??= renderImage({ width: task.width, height: task.height, format, seed: task.seed, noise, receipt: receiptOf(task) });
	return [await task.output, `image/${task.format}`];
}

/**
 * What a task's picture says: its prompt; its model, its size as BFL would make it (a video is
 * rendered smaller), a video's length, the seed.
 * @param {Task} task @returns {import('./caption').Receipt}
 */
function receiptOf(task) {
	const length = task.resource === 'video' ? [`${Math.round(Number(task.seconds) * 1000) / 1000} s`] : [];
	return { prompt: task.prompt, details: [task.endpoint, `${task.width}×${task.height}`, ...length, `seed ${task.seed}`] };
}

/** Videos are rendered small: videoRenderSize on the longer side, in the task's shape. @param {import('./config').Config} config @param {Task} task */
function renderSize(config, task) {
	const scale = config.videoRenderSize / Math.max(task.width, task.height);
	return { width: Math.max(16, roundTo(task.width * scale, 2)), height: Math.max(16, roundTo(task.height * scale, 2)) };
}

module.exports = { deliveryBaseOf, signedUrl, deliver };
