// @ts-check
'use strict';
/**
 * Injected failures, set for every task (config `faults`, e.g. POST /_emulator/config
 * {"faults": {"poll-500": 0.3}}) or per task by a prompt token `[[name]]` or `[[name=value]]`
 * (the prompt's tokens win). A task keeps the faults it was submitted with.
 *
 * Task outcome: request-moderated, content-moderated, error, slow=<ms>, noise (an incompressible
 * image, for memory benchmarks).
 * Submit: submit-500, submit-malformed (the task is created, its answer cut off).
 * Polls: poll-500=<rate 0..1>, poll-reset=<rate> (the connection is destroyed),
 * poll-malformed=<rate>, not-found-ms=<ms> (Task not found for that long after submit),
 * poll-429=<rate> and poll-429-first=<n> (429 Too Many Requests with Retry-After:
 * `retryAfterSeconds`, else 1: at random, or to the task's first n polls; the task is unharmed,
 * the client must poll the same URL again and never resubmit),
 * unknown-status[=<Status>] with unknown-status-polls=<n> (once done, the task answers n polls,
 * default 2, with a status BFL has not documented, default `Uploading`, then Ready).
 * Delivery: delivery-fail-once (503 on the first download), delivery-slow=<ms>.
 * Redirects: poll-redirect=same|other, delivery-redirect=same|other: every poll (every download)
 * is answered 307 to the same URL on the same host, or on the other host (`otherBase`, another
 * port that serves only what is redirected there), marked `redirected=<same|other>`. The ledger
 * records each hop with its host and whether `x-key` arrived there (`keyPresent`).
 */
const { json, text, truncatedJson } = require('./http/respond');

/** @typedef {import('./types').Task} Task */
/** @typedef {import('./types').Faults} Faults */
/** @typedef {import('node:http').ServerResponse} ServerResponse */

/** `[[name]]` / `[[name=value]]` tokens in a prompt. @returns {Record<string, string | boolean>} */
function promptFaults(prompt) {
	/** @type {Record<string, string | boolean>} */
	const faults = {};
	for (const match of String(prompt ?? '').matchAll(/\[\[([a-z0-9-]+)(?:=([^\]]+))?\]\]/g)) {
		faults[match[1]] = match[2] ?? true;
	}
	return faults;
}

/** The faults of a new task: the configured ones, then its prompt's. @returns {Faults} */
function taskFaults(config, prompt) {
	return { ...config.faults, ...promptFaults(prompt) };
}

/** A fault's rate 0..1 (`true` = always). @param {Faults} faults @param {string} name */
function rate(faults, name) {
	return Number(faults[name] === true ? 1 : faults[name]);
}

/** Whether a rate fault strikes this time. @param {Faults} faults @param {string} name */
function strikes(faults, name) {
	return Boolean(faults[name]) && Math.random() < rate(faults, name);
}

/** submit-500: answered before any task exists. @param {Faults} faults @param {ServerResponse} res */
function failedSubmit(faults, res) {
	return faults['submit-500'] ? json(res, 500, { detail: 'Internal Server Error' }) : undefined;
}

/** submit-malformed: the task exists, its submit answer is cut off. @param {Task} task @param {ServerResponse} res */
function malformedSubmit(task, res) {
	return task.faults['submit-malformed'] ? truncatedJson(res, '{"id": "' + task.id + '", "polling_url": ') : undefined;
}

/**
 * The fault that answers this poll instead of the task, if one strikes: Task not found while
 * young, a 429, a reset connection (status 0), a 500, or a cut-off answer. The ledger entry
 * names it (`fault`).
 * @param {{ config: import('./config').Config, task: Task, req: import('node:http').IncomingMessage, res: ServerResponse,
 *   entry: import('./types').LedgerEntry, notFound: object }} poll
 */
function pollFault({ config, task, req, res, entry, notFound }) {
	const faults = task.faults;
	const name = pollFaultName(faults, task);
	if (!name) return undefined;
	entry.fault = name;
	if (name === 'not-found-ms') return json(res, 200, notFound);
	if (name === 'poll-429' || name === 'poll-429-first') {
		const retryAfter = String(config.retryAfterSeconds ?? 1);
		return json(res, 429, { detail: `Too many requests: poll again in ${retryAfter} s` }, { 'retry-after': retryAfter });
	}
	if (name === 'poll-reset') {
		req.socket.destroy();
		return 0;
	}
	if (name === 'poll-500') return json(res, 500, { detail: 'Internal Server Error' });
	return truncatedJson(res, '{"id": "' + task.id + '", "status": "Pen');
}

/** Which poll fault strikes this poll (task.polls counts it already), if any. @param {Faults} faults @param {Task} task */
function pollFaultName(faults, task) {
	if (faults['not-found-ms'] && Date.now() - task.createdAt < Number(faults['not-found-ms'])) return 'not-found-ms';
	if (faults['poll-429-first'] && task.polls <= Number(faults['poll-429-first'] === true ? 1 : faults['poll-429-first'])) return 'poll-429-first';
	return ['poll-429', 'poll-reset', 'poll-500', 'poll-malformed'].find((name) => strikes(faults, name));
}

/**
 * unknown-status: the answer a done task gives instead of Ready while it has polls of an
 * undocumented status left; undefined otherwise.
 * @param {Task} task @param {{ status: string }} answer
 */
function unknownStatus(task, answer) {
	const status = task.faults['unknown-status'];
	const polls = Number(task.faults['unknown-status-polls'] ?? 2);
	if (!status || answer.status !== 'Ready' || task.unknownAnswers >= polls) return undefined;
	task.unknownAnswers++;
	return { id: task.id, status: status === true ? 'Uploading' : String(status), result: null, progress: null, details: null, preview: null };
}

/**
 * Where poll-redirect or delivery-redirect sends this request, if anywhere: 'same' or 'other'
 * (requests that were redirected already are served).
 * @param {Task} task @param {'poll-redirect' | 'delivery-redirect'} name @param {URL} url @returns {'same' | 'other' | undefined}
 */
function redirectOf(task, name, url) {
	const where = task.faults[name];
	if (url.searchParams.has('redirected') || (where !== 'same' && where !== 'other')) return undefined;
	return where;
}

/** The URL a redirect points to: this request's path and query on `base`, marked as redirected. @param {string} base @param {URL} url @param {'same' | 'other'} where */
function redirectLocation(base, url, where) {
	const target = new URL(url.pathname + url.search, base);
	target.searchParams.set('redirected', where);
	return target.href;
}

/** delivery-fail-once (503 on the first download), then delivery-slow. @param {Task} task @param {ServerResponse} res */
async function deliveryFault(task, res) {
	if (task.faults['delivery-fail-once'] && task.downloads === 1) return text(res, 503, 'ServerBusy');
	if (task.faults['delivery-slow']) await new Promise((resolve) => setTimeout(resolve, Number(task.faults['delivery-slow'])));
	return undefined;
}

module.exports = { promptFaults, taskFaults, failedSubmit, malformedSubmit, pollFault, unknownStatus, redirectOf, redirectLocation, deliveryFault };
