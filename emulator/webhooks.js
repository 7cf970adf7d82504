// @ts-check
'use strict';
/**
 * Webhooks: when a task with a `webhook_url` ends, its final poll answer (moderated and failed
 * tasks included) is POSTed there, with the submitted `webhook_secret` echoed in
 * `X-Webhook-Secret` as BFL's SDK expects. Each delivery is recorded in `webhookDeliveries`.
 */
const { request: undiciRequest } = require('undici');
const { answer } = require('./bfl/poll');

/** @typedef {import('./types').Task} Task */
/** @typedef {import('./server').Emulator} Emulator */

/** Calls the task's webhook once it has ended. @param {Emulator} emulator @param {Task} task */
function scheduleWebhook(emulator, task) {
	emulator.later(Math.max(0, task.readyAt - Date.now()), () => callWebhook(emulator, task));
}

/** @param {Emulator} emulator @param {Task} task */
async function callWebhook(emulator, task) {
	// A timer may fire a millisecond before Date.now() reaches readyAt: the answer must be final.
	if (Date.now() < task.readyAt) return emulator.later(task.readyAt - Date.now() + 1, () => callWebhook(emulator, task));
	const body = JSON.stringify(answer(emulator, task));
	const headers = { 'content-type': 'application/json', ...(task.webhookSecret ? { 'x-webhook-secret': task.webhookSecret } : {}) };
	const delivery = { taskId: task.id, url: task.webhookUrl, status: 0, error: /** @type {string | undefined} */ (undefined) };
	try {
		const response = await undiciRequest(/** @type {string} */ (task.webhookUrl), { method: 'POST', headers, body });
		delivery.status = response.statusCode;
		await response.body.dump();
	} catch (error) {
		delivery.error = String(/** @type {Error} */ (error).message);
	}
	emulator.webhookDeliveries.push(delivery);
}

module.exports = { scheduleWebhook };
