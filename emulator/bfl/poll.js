// @ts-check
'use strict';
/**
 * GET /v1/get_result?id=…&cluster=…: a task's answer, as polls and webhooks see it. A rebuilt URL
 * without the cluster token, or a poll on another host than the one that took the task (unless a
 * redirect sent it there), finds nothing.
 */
const { settle } = require('../accounts');
const { filesOf, signedUrl } = require('../delivery');
const { pollFault, redirectLocation, redirectOf, unknownStatus } = require('../faults');
const { json, problem, redirect } = require('../http/respond');
const { servesTask, statusOf } = require('./tasks');

/** @typedef {import('../types').Task} Task */
/** @typedef {import('../server').Emulator} Emulator */

const REASONS = { 'Request Moderated': 'Emulated request moderation', 'Content Moderated': 'Emulated content moderation' };

/** @param {string} id @param {string} status */
function blank(id, status) {
	return { id, status, result: null, progress: null, details: null, preview: null };
}

/** The get_result answer for a task right now (its charge settled first). @param {Emulator} emulator @param {Task} task */
function answer(emulator, task) {
	const now = Date.now();
	settle(emulator, task);
	const status = statusOf(task, now);
	const base = blank(task.id, status);
	if (!task.faults['request-moderated'] && now < task.readyAt) {
		const progress = Math.round(((now - task.createdAt) / Math.max(1, task.readyAt - task.createdAt)) * 100) / 100;
		return { ...base, progress };
	}
	// Videos carry the settled charge on their final answer (SettledCostResultResponse).
	const settledCost = task.resource === 'video' ? { cost: task.charged } : {};
	if (status === 'Request Moderated' || status === 'Content Moderated') {
		return { ...base, details: { 'Moderation Reasons': [REASONS[status]] }, ...settledCost };
	}
	if (status === 'Error') return { ...base, details: { message: 'Emulated generation failure' }, ...settledCost };
	return { ...base, result: result(emulator, task), ...settledCost };
}

/**
 * A Ready task's result: its signed URLs, prompt, seed and times. With result lists (a video task
 * under `videoResultLists`), `samples` and `draft_caches` list every file, and `sample` and
 * `draft_cache` hold the first, as BFL's newest skill describes.
 * @param {Emulator} emulator @param {Task} task
 */
function result(emulator, task) {
	const [samples, drafts] = [filesOf(task, 'sample'), filesOf(task, 'draft_cache')].map((files) => files.map((file) => signedUrl(emulator, task, file)));
	const lists = task.listCount ? { samples, ...(task.draft ? { draft_caches: drafts } : {}) } : {};
	return {
		sample: samples[0],
		...(task.draft ? { draft_cache: drafts[0] } : {}),
		...lists,
		prompt: task.prompt,
		seed: task.seed,
		start_time: task.createdAt / 1000,
		end_time: task.readyAt / 1000,
		duration: (task.readyAt - task.createdAt) / 1000,
	};
}

/**
 * @param {Emulator} emulator @param {import('../types').Site} site @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res @param {URL} url @param {import('../types').LedgerEntry} entry
 */
async function poll(emulator, site, req, res, url, entry) {
	const id = url.searchParams.get('id');
	if (!id) return json(res, 422, { detail: [problem(['query', 'id'], 'Field required', 'missing')] });
	entry.taskId = id;
	const task = emulator.tasks.get(id);
	const notFound = blank(id, 'Task not found');
	if (!task || !servesTask(site, task, url) || url.searchParams.get('cluster') !== emulator.sites[task.site].token) return json(res, 200, notFound);
	const where = redirectOf(task, 'poll-redirect', url);
	if (where) {
		entry.fault = 'poll-redirect';
		entry.redirectedTo = redirectLocation(where === 'same' ? site.apiBase : emulator.sites.other.apiBase, url, where);
		return redirect(res, entry.redirectedTo);
	}
	task.polls++;
	const faulted = pollFault({ config: emulator.config, task, req, res, entry, notFound });
	if (faulted !== undefined) return faulted;
	const final = answer(emulator, task);
	const body = unknownStatus(task, final) ?? final;
	entry.answer = body.status;
	return json(res, 200, body);
}

module.exports = { answer, poll };
