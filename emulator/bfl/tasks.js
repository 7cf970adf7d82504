// @ts-check
'use strict';
/**
 * A task's life: created on submit, Pending (then the model's stages, FLUX 3: Reasoning and
 * Generating) until its generation time has passed, then Ready, or how its faults end it
 * (Request Moderated at once, Content Moderated, Error).
 */
const crypto = require('node:crypto');
const { pathOf } = require('../../dist/nodes/Flux/models/index.js');

/** @typedef {import('../types').Task} Task */
/** @typedef {import('../types').ModelSpec} ModelSpec */

/**
 * A new task for an accepted, paid request.
 * @param {{ config: import('../config').Config, site: import('../types').Site, key: string, model: ModelSpec,
 *   body: Record<string, any>, faults: import('../types').Faults, quote: import('./pricing').Quote }} request
 * @returns {Task}
 */
function createTask({ config, site, key, model, body, faults, quote }) {
	const id = crypto.randomUUID();
	const now = Date.now();
	const video = model.resource === 'video';
	const generationMs = Number(faults.slow ?? (video ? config.videoGenerationMs : config.generationMs));
	const formatField = model.fields.find((field) => field.api === 'output_format');
	return {
		id,
		key,
		site: site.name,
		endpoint: model.id,
		path: pathOf(model),
		resource: model.resource,
		bucket: model.bucket,
		stages: model.stages ?? [],
		createdAt: now,
		readyAt: faults['request-moderated'] ? now : now + generationMs,
		seed: Number.isInteger(body.seed) ? body.seed : crypto.randomInt(0, 2 ** 31),
		prompt: String(body.prompt ?? ''),
		format: video ? 'mp4' : (body.output_format ?? /** @type {any} */ (formatField)?.default ?? 'jpeg'),
		width: quote.width,
		height: quote.height,
		seconds: quote.seconds,
		draft: video && body.draft === true,
		listCount: video ? listCount(config.videoResultLists) : 0,
		faults,
		cost: quote.cost,
		settledCost: quote.settledCost,
		/** Credits charged so far: the submit cost, then the settled charge (0 when moderated). */
		charged: quote.cost,
		settled: false,
		polls: 0,
		/** Polls answered with the unknown-status fault's status so far. */
		unknownAnswers: 0,
		downloads: 0,
		webhookUrl: body.webhook_url,
		webhookSecret: body.webhook_secret,
		files: new Map(),
	};
}

/** How many entries a video's result lists have: none (false), 1 (true), or 1 to 4. @param {boolean | number} setting */
function listCount(setting) {
	if (setting === true) return 1;
	return Math.min(4, Math.max(0, Math.floor(Number(setting) || 0)));
}

/**
 * The status of a task still running: Pending, then the model's stages (FLUX 3: Reasoning, then
 * Generating), each an equal share of its time.
 * @param {Task} task @param {number} now
 */
function phase(task, now) {
	const share = (now - task.createdAt) / Math.max(1, task.readyAt - task.createdAt);
	const statuses = ['Pending', ...task.stages];
	return statuses[Math.min(statuses.length - 1, Math.floor(share * statuses.length))];
}

/** A task's status right now. @param {Task} task */
function statusOf(task, now = Date.now()) {
	if (task.faults['request-moderated']) return 'Request Moderated';
	if (now < task.readyAt) return phase(task, now);
	if (task.faults['content-moderated']) return 'Content Moderated';
	if (task.faults.error) return 'Error';
	return 'Ready';
}

/**
 * Whether a host serves a task's polls and files: the host that took it does, and the other host
 * does what a redirect sent there.
 * @param {import('../types').Site} site @param {Task} task @param {URL} url
 */
function servesTask(site, task, url) {
	return task.site === site.name || (site.name === 'other' && url.searchParams.has('redirected'));
}

/** @param {import('../types').Site} site @param {string} id */
function pollingUrl(site, id) {
	return `${site.apiBase}/v1/get_result?id=${id}&cluster=${site.token}`;
}

module.exports = { createTask, statusOf, servesTask, pollingUrl };
