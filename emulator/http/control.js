// @ts-check
'use strict';
/**
 * The emulator's own routes, for tests and demos: GET /_emulator/ledger (requests and webhook
 * deliveries), GET /_emulator/tasks, GET|POST /_emulator/config, POST /_emulator/reset and
 * GET /_emulator/blob.
 */
const { statusOf } = require('../bfl/tasks');
const { blob } = require('./blob');
const { json, readBody } = require('./respond');

/** @typedef {import('../server').Emulator} Emulator */

/**
 * @param {Emulator} emulator @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
 * @param {URL} url @param {import('../types').LedgerEntry} entry
 */
async function control(emulator, req, res, url, entry) {
	if (url.pathname === '/_emulator/ledger') return json(res, 200, { ledger: emulator.ledger, webhooks: emulator.webhookDeliveries });
	if (url.pathname === '/_emulator/tasks') {
		const tasks = [...emulator.tasks.values()].map((task) => {
			const { files, key, ...shown } = task;
			return { ...shown, status: statusOf(task) };
		});
		return json(res, 200, { tasks });
	}
	if (url.pathname === '/_emulator/blob' && req.method === 'GET') return await blob(res, url, entry);
	if (url.pathname === '/_emulator/reset' && req.method === 'POST') {
		emulator.reset();
		return json(res, 200, { ok: true });
	}
	if (url.pathname === '/_emulator/config' && req.method === 'GET') return json(res, 200, { config: emulator.config });
	if (url.pathname === '/_emulator/config' && req.method === 'POST') {
		const patch = (await readBody(req)) ?? {};
		Object.assign(emulator.config, patch);
		// A new balance applies to every key at once.
		if ('credits' in patch) emulator.spent.clear();
		return json(res, 200, { config: emulator.config });
	}
	return json(res, 404, { detail: 'Not Found' });
}

module.exports = { control };
