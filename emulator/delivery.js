// @ts-check
'use strict';
/**
 * Delivery of results, as BFL's delivery hosts do it: a Ready task's files (the image or MP4
 * sample, a draft's cache bundle; lists of them with `videoResultLists`) at signed, expiring URLs on another host name than the API's
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
 * A task's files of one kind, in order: its sample (sample.<format>) or its draft cache
 * (draft_cache.bin), then, for a video task with result lists of n entries, sample-2 … sample-n.
 * @param {Task} task @param {'sample' | 'draft_cache'} kind @returns {string[]}
 */
function filesOf(task, kind) {
	if (kind === 'draft_cache' && !task.draft) return [];
	const extension = kind === 'sample' ? task.format : 'bin';
	return Array.from({ length: Math.max(1, task.listCount) }, (_, index) => `${kind}${index ? `-${index + 1}` : ''}.${extension}`);
}

/**
 * GET /results/{id}/<file> ?se=…&sig=… (the files of filesOf), on the host that took the task (or
 * the other host, when a redirect sent the download there).
 * @param {Emulator} emulator @param {Site} site @param {import('node:http').ServerResponse} res @param {URL} url @param {import('./types').LedgerEntry} entry
 */
async function deliver(emulator, site, res, url, entry) {
	const match = /^\/results\/([^/]+)\/([^/]+)$/.exec(url.pathname);
	const task = match && emulator.tasks.get(match[1]);
	entry.taskId = match?.[1];
	if (!task || !servesTask(site, task, url) || statusOf(task) !== 'Ready') return text(res, 404, 'BlobNotFound');
	const kind = /** @type {const} */ (['sample', 'draft_cache']).find((name) => filesOf(task, name).includes(match[2]));
	if (!kind) return text(res, 404, 'BlobNotFound');
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
	const index = filesOf(task, kind).indexOf(match[2]);
	if (!task.files.has(match[2])) task.files.set(match[2], render(emulator, task, kind, index));
	const bytes = await task.files.get(match[2]);
	const type = kind === 'draft_cache' ? 'application/octet-stream' : task.resource === 'video' ? 'video/mp4' : `image/${task.format}`;
	res.writeHead(200, { 'content-type': type, 'content-length': bytes.length });
	res.end(bytes);
	return 200;
}

/**
 * Renders one of a task's files (once: the caller keeps it in task.files). The n-th of a list
 * has its own seed, so each is a different clip.
 * @param {Emulator} emulator @param {Task} task @param {'sample' | 'draft_cache'} kind @param {number} index
 * @returns {Promise<Buffer>}
 */
async function render(emulator, task, kind, index) {
	if (kind === 'draft_cache') return draftBundle(task);
	const receipt = receiptOf(task, index);
	if (task.resource === 'video') {
		const seconds = Math.round(/** @type {number} */ (task.seconds) * 1000) / 1000;
		return renderVideo({ ...renderSize(emulator.config, task), seconds, fps: VIDEO_FPS, seed: task.seed + index, receipt });
	}
	const format = /** @type {'jpeg' | 'png' | 'webp'} */ (task.format);
	return await renderImage({ width: task.width, height: task.height, format, seed: task.seed, noise: Boolean(task.faults.noise), receipt });
}

/**
 * What a task's picture says: its prompt; its model, its size as BFL would make it (a video is
 * rendered smaller), a video's length, the seed, and which of a list it is.
 * @param {Task} task @param {number} index @returns {import('./caption').Receipt}
 */
function receiptOf(task, index) {
	const length = task.resource === 'video' ? [`${Math.round(Number(task.seconds) * 1000) / 1000} s`] : [];
	const place = task.listCount > 1 ? [`sample ${index + 1}/${task.listCount}`] : [];
	return { prompt: task.prompt, details: [task.endpoint, `${task.width}×${task.height}`, ...length, `seed ${task.seed}`, ...place] };
}

/** Videos are rendered small: videoRenderSize on the longer side, in the task's shape. @param {import('./config').Config} config @param {Task} task */
function renderSize(config, task) {
	const scale = config.videoRenderSize / Math.max(task.width, task.height);
	return { width: Math.max(16, roundTo(task.width * scale, 2)), height: Math.max(16, roundTo(task.height * scale, 2)) };
}

module.exports = { deliveryBaseOf, signedUrl, filesOf, deliver };
