// @ts-check
'use strict';
/**
 * POST /v1/<path>: a submit, checked as BFL checks it (the body with the node's own model table,
 * 422 in FastAPI's shape; unknown fields refused where BFL refuses them; media inputs decoded),
 * then admitted (the finetune's host, the active-task limits, the credits) and answered with a
 * polling URL, or the webhook's acknowledgement.
 *
 * Note on output_format: BFL's 2026 OpenAPI has one shared enum jpeg | png | webp on every
 * endpoint. The table decides what is accepted here: webp wherever a model's output_format lists
 * it (every endpoint BFL serves; Canny and Depth, removed before the shared enum, take jpeg and
 * png). Delivery serves whichever format was accepted.
 */
const { validateRequest, unknownFields } = require('../../dist/nodes/Flux/models/validation.js');
const { busyBucket, charge, creditsLeft, tooManyTasks } = require('../accounts');
const { failedSubmit, malformedSubmit, taskFaults } = require('../faults');
const { finetunesOf } = require('../finetunes');
const { summariseBody } = require('../http/ledger');
const { json, problem, readBody } = require('../http/respond');
const { scheduleWebhook } = require('../webhooks');
const { inspectMedia } = require('./media');
const { quote } = require('./pricing');
const { createTask, pollingUrl } = require('./tasks');

/** @typedef {import('../types').ModelSpec} ModelSpec */
/** @typedef {import('../types').Site} Site */
/** @typedef {import('../server').Emulator} Emulator */
/** @typedef {import('node:http').ServerResponse} ServerResponse */

/**
 * @param {Emulator} emulator @param {Site} site @param {import('node:http').IncomingMessage} req @param {ServerResponse} res
 * @param {string} key @param {ModelSpec} model @param {import('../types').LedgerEntry} entry
 */
async function submit(emulator, site, req, res, key, model, entry) {
	const { config } = emulator;
	const body = await readBody(req);
	const isObject = Boolean(body) && typeof body === 'object' && !Array.isArray(body);
	entry.bodyKeys = isObject ? Object.keys(body) : [];
	entry.body = summariseBody(model, body);
	if (!isObject) return json(res, 422, { detail: [problem(['body'], 'JSON decode error', 'json_invalid')] });
	const detail = bodyProblems(config, model, body, entry);
	const media = await inspectMedia(emulator.tasks, model, body, detail);
	if (detail.length) return json(res, 422, { detail });

	if (model.finetuneHost && !(String(body.finetune_id) in finetunesOf(config, site))) {
		return json(res, 404, { detail: 'Finetune not found' });
	}
	const faults = taskFaults(config, body.prompt);
	const failed = failedSubmit(faults, res);
	if (failed !== undefined) return failed;
	const busy = busyBucket(emulator, key, model);
	if (busy) return tooManyTasks(config, res, busy);

	const priced = quote(config, model, body, media);
	if (creditsLeft(emulator, key) < priced.cost) return json(res, 402, { detail: 'Insufficient credits. Top up at https://dashboard.bfl.ai' });
	charge(emulator, key, priced.cost);
	const task = createTask({ config, site, key, model, body, faults, quote: priced });
	emulator.tasks.set(task.id, task);
	entry.taskId = task.id;
	const malformed = malformedSubmit(task, res);
	if (malformed !== undefined) return malformed;
	const sizes = { cost: priced.cost, input_mp: priced.inputMp, output_mp: priced.outputMp };
	if (task.webhookUrl) {
		scheduleWebhook(emulator, task);
		const polling = config.webhookAnswer === 'skills' ? { polling_url: pollingUrl(site, task.id) } : {};
		return json(res, 200, { id: task.id, status: 'Pending', webhook_url: task.webhookUrl, ...polling, ...sizes });
	}
	return json(res, 200, { id: task.id, polling_url: pollingUrl(site, task.id), ...sizes });
}

/**
 * What the table's validation finds wrong with a body, in FastAPI's shape; unknown fields are
 * recorded, and refused where BFL refuses them (or everywhere with `strict`).
 * @param {import('../config').Config} config @param {ModelSpec} model @param {Record<string, any>} body @param {import('../types').LedgerEntry} entry
 */
function bodyProblems(config, model, body, entry) {
	const unknown = unknownFields(model, 'api', body);
	entry.unknownFields = unknown;
	// BFL takes "auto" as a video duration; the table models it as "not sent".
	const checked = body.duration === 'auto' && model.resource === 'video' ? { ...body, duration: undefined } : body;
	const detail = validateRequest(model, 'api', checked).map((found) => problem(['body', found.field], `Value ${found.message}`, found.type));
	if (config.strict || model.rejectsUnknownFields) {
		for (const field of unknown) detail.push(problem(['body', field], 'Extra inputs are not permitted', 'extra_forbidden'));
	}
	return detail;
}

module.exports = { submit };
