// @ts-check
'use strict';
/**
 * The ledger: one entry per request, in arrival order, for tests and demos to read. It keeps the
 * method, host, path, query and headers (the key's value replaced by `<redacted>`, its presence
 * kept as `keyPresent`), and what the handlers add: a summary of the body, its unknown fields,
 * the task id, the answer's status.
 */

/** @typedef {import('../types').LedgerEntry} LedgerEntry */

/**
 * Adds a request's entry to the ledger; handlers fill in the rest of it.
 * @param {LedgerEntry[]} ledger @param {import('node:http').IncomingMessage} req @param {URL} url
 * @returns {LedgerEntry}
 */
function record(ledger, req, url) {
	const headers = { ...req.headers };
	const keyPresent = 'x-key' in headers;
	if (keyPresent) headers['x-key'] = '<redacted>';
	const entry = {
		time: Date.now(),
		method: req.method,
		host: req.headers.host,
		path: url.pathname,
		query: Object.fromEntries(url.searchParams),
		keyPresent,
		headers,
	};
	ledger.push(entry);
	return entry;
}

/**
 * What the ledger keeps of a body: scalars as sent, media (also in lists and timed pairs) as a short description.
 * @param {import('../types').ModelSpec} model @param {unknown} body
 */
function summariseBody(model, body) {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
	const media = new Set(model.fields.filter((field) => field.kind === 'media').map((field) => field.api));
	/** @param {unknown} value @returns {unknown} */
	const summariseMedia = (value) => {
		if (Array.isArray(value)) return value.map((entry) => (Array.isArray(entry) ? [entry[0], summariseMedia(entry[1])] : summariseMedia(entry)));
		if (typeof value !== 'string' || /^https?:/i.test(value)) return value;
		return `<base64 ${value.length} chars>`;
	};
	/** @type {Record<string, unknown>} */
	const summary = {};
	for (const [key, value] of Object.entries(body)) {
		if (media.has(key)) summary[key] = summariseMedia(value);
		else summary[key] = typeof value === 'string' && value.length > 500 ? `${value.slice(0, 500)}…` : value;
	}
	return summary;
}

module.exports = { record, summariseBody };
