// @ts-check
'use strict';
/** HTTP plumbing: reading a JSON body, writing JSON and text answers, FastAPI's 422 shape. */

/** @typedef {import('node:http').ServerResponse} ServerResponse */

/**
 * Writes a JSON answer; returns the status (for the ledger).
 * @param {ServerResponse} res @param {number} status @param {unknown} body @param {Record<string, string>} [headers]
 */
function json(res, status, body, headers = {}) {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
	res.end(text);
	return status;
}

/** @param {ServerResponse} res @param {number} status @param {string} text */
function text(res, status, text) {
	res.writeHead(status, { 'content-type': 'text/plain' });
	res.end(text);
	return status;
}

/** A 307 to `location` (the method and body are to be kept). @param {ServerResponse} res @param {string} location */
function redirect(res, location) {
	res.writeHead(307, { location, 'content-length': 0 });
	res.end();
	return 307;
}

/** An answer cut off in the middle of its JSON (for the malformed-answer faults). @param {ServerResponse} res @param {string} partial */
function truncatedJson(res, partial) {
	res.writeHead(200, { 'content-type': 'application/json' });
	res.end(partial);
	return 200;
}

/** A 500 for an error of the emulator itself, or a cut connection once the answer has begun. @param {ServerResponse} res */
function fail(res, error) {
	if (!res.headersSent) json(res, 500, { detail: `emulator error: ${error?.message ?? error}` });
	else res.destroy();
}

/** Reads a JSON body; {} when empty, undefined when it is not JSON. @param {import('node:http').IncomingMessage} req */
async function readBody(req) {
	const chunks = [];
	for await (const chunk of req) chunks.push(chunk);
	const body = Buffer.concat(chunks).toString('utf8');
	if (!body) return {};
	try {
		return JSON.parse(body);
	} catch {
		return undefined;
	}
}

/** 422 detail entry in FastAPI's shape. @returns {import('../types').ProblemDetail} */
function problem(loc, msg, type = 'value_error') {
	return { loc, msg, type };
}

module.exports = { json, text, redirect, truncatedJson, fail, readBody, problem };
