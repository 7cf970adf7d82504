// @ts-check
'use strict';
/**
 * Routing: every request is first written to the ledger, then matched as FastAPI matches BFL's
 * routes (404 for an unknown path, 405 for the wrong method, both before any auth), then
 * authenticated where BFL asks for a key (polls and downloads need none), then handed to the
 * module that knows its meaning. Each ledger entry names the host (`site`) it arrived at.
 */
const { creditsLeft, keyProblem, settleDue } = require('../accounts');
const { modelAt } = require('../bfl/endpoints');
const { poll } = require('../bfl/poll');
const { submit } = require('../bfl/submit');
const { deliver } = require('../delivery');
const { finetuneDetailsOf, myFinetunes } = require('../finetunes');
const { control } = require('./control');
const { record } = require('./ledger');
const { json } = require('./respond');

/** @typedef {import('../types').ModelSpec} ModelSpec */
/** @typedef {import('../types').Site} Site */
/** @typedef {import('../server').Emulator} Emulator */
/** @typedef {{ name: 'poll' | 'credits' | 'my_finetunes' | 'finetune_details' | 'submit', method: string, model?: ModelSpec }} Route */

/** @param {Emulator} emulator @param {Site} site @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
async function handle(emulator, site, req, res) {
	const url = new URL(req.url ?? '/', site.apiBase);
	const entry = record(emulator.ledger, req, url);
	settleDue(emulator);
	entry.site = site.name;
	const respond = async () => {
		if (site.name === 'other') return await elsewhere(emulator, site, req, res, url, entry);
		if (url.pathname.startsWith('/_emulator/')) return await control(emulator, req, res, url, entry);
		if (url.pathname.startsWith('/results/')) return await deliver(emulator, site, res, url, entry);
		const found = route(emulator, site, url.pathname);
		if (!found) return json(res, 404, { detail: 'Not Found' });
		if (req.method !== found.method) return json(res, 405, { detail: 'Method Not Allowed' });
		if (found.name === 'poll') return await poll(emulator, site, req, res, url, entry);
		const key = req.headers['x-key'];
		const refused = keyProblem(emulator.config, key);
		if (refused) return json(res, refused.status, { detail: refused.detail });
		const account = /** @type {string} */ (key);
		if (found.name === 'credits') return json(res, 200, { credits: creditsLeft(emulator, account) });
		if (found.name === 'my_finetunes') return myFinetunes(emulator.config, site, res);
		if (found.name === 'finetune_details') return finetuneDetailsOf(emulator.config, site, res, url);
		return await submit(emulator, site, req, res, account, /** @type {ModelSpec} */ (found.model), entry);
	};
	entry.status = await respond();
}

/**
 * The other host serves only polls and downloads a redirect sent there (faults.js); anything
 * else is 404.
 * @param {Emulator} emulator @param {Site} site @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
 * @param {URL} url @param {import('../types').LedgerEntry} entry
 */
async function elsewhere(emulator, site, req, res, url, entry) {
	if (req.method === 'GET' && url.pathname === '/v1/get_result') return await poll(emulator, site, req, res, url, entry);
	if (req.method === 'GET' && url.pathname.startsWith('/results/')) return await deliver(emulator, site, res, url, entry);
	return json(res, 404, { detail: 'Not Found' });
}

/**
 * The route a path names on a host, as FastAPI matches it (before any auth).
 * @param {Emulator} emulator @param {Site} site @param {string} pathname @returns {Route | undefined}
 */
function route(emulator, site, pathname) {
	if (pathname === '/v1/get_result') return { name: 'poll', method: 'GET' };
	if (pathname === '/v1/credits') return { name: 'credits', method: 'GET' };
	if (site.name !== 'main' && (pathname === '/v1/my_finetunes' || pathname === '/v1/finetune_details')) {
		return { name: /** @type {Route['name']} */ (pathname.slice(4)), method: 'GET' };
	}
	const model = modelAt(emulator.config, pathname);
	return model ? { name: 'submit', method: 'POST', model } : undefined;
}

module.exports = { handle };
