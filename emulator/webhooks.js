// @ts-check
'use strict';
/**
 * Webhooks: when a task with a `webhook_url` ends, its final poll answer (moderated and failed
 * tasks included) is POSTed there, signed with the submitted `webhook_secret` as configured
 * (`webhookSignature`): echoed in `X-Webhook-Secret` as BFL's SDK expects (the default), as
 * `X-BFL-Signature: sha256=<HMAC of the raw body>` as BFL's skills describe, or both. A failed
 * delivery is retried (1 s, 5 s, 30 s by default). Each delivery is recorded in `webhookDeliveries`,
 * with its attempt and the names of the signature headers it had.
 */
const crypto = require('node:crypto');
const { request: undiciRequest } = require('undici');
const { answer } = require('./bfl/poll');

/** @typedef {import('./types').Task} Task */
/** @typedef {import('./server').Emulator} Emulator */

/** Calls the task's webhook once it has ended. @param {Emulator} emulator @param {Task} task */
function scheduleWebhook(emulator, task) {
	emulator.later(Math.max(0, task.readyAt - Date.now()), () => callWebhook(emulator, task));
}

/**
 * Delivers the task's final answer; a delivery that fails is sent again after the configured
 * delays (`webhookRetryDelaysMs`), each attempt recorded with its number.
 * @param {Emulator} emulator @param {Task} task @param {number} [attempt]
 */
async function callWebhook(emulator, task, attempt = 0) {
	// A timer may fire a millisecond before Date.now() reaches readyAt: the answer must be final.
	if (Date.now() < task.readyAt) return emulator.later(task.readyAt - Date.now() + 1, () => callWebhook(emulator, task, attempt));
	const body = JSON.stringify(answer(emulator, task));
	const signature = signatureHeaders(emulator.config.webhookSignature, task.webhookSecret, body);
	const headers = { 'content-type': 'application/json', ...signature };
	const delivery = { taskId: task.id, url: task.webhookUrl, attempt, status: 0, signedWith: Object.keys(signature), error: /** @type {string | undefined} */ (undefined) };
	try {
		const response = await undiciRequest(/** @type {string} */ (task.webhookUrl), { method: 'POST', headers, body });
		delivery.status = response.statusCode;
		await response.body.dump();
	} catch (error) {
		delivery.error = String(/** @type {Error} */ (error).message);
	}
	// A delivery that ends after reset() belongs to a forgotten task: recording it would hand it to the next test.
	if (emulator.tasks.get(task.id) === task) emulator.webhookDeliveries.push(delivery);
	const again = emulator.config.webhookRetryDelaysMs[attempt];
	const delivered = delivery.status >= 200 && delivery.status < 300;
	if (!delivered && again !== undefined) emulator.later(again, () => callWebhook(emulator, task, attempt + 1));
}

/**
 * The headers that sign a webhook's body with its secret, as `mode` says.
 * @param {'secret' | 'hmac' | 'both'} mode @param {string | undefined} secret @param {string} body the raw body, as sent
 * @returns {Record<string, string>}
 */
function signatureHeaders(mode, secret, body) {
	if (!secret) return {};
	/** @type {Record<string, string>} */
	const headers = {};
	if (mode !== 'hmac') headers['x-webhook-secret'] = secret;
	if (mode === 'hmac' || mode === 'both') headers['x-bfl-signature'] = `sha256=${crypto.createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
	return headers;
}

module.exports = { scheduleWebhook };
