// @ts-check
'use strict';
/**
 * Accounts, one per API key: which keys are let in, each key's credits (spent at submit, settled
 * when the task ends: moderated tasks refunded, videos charged their real length) and its active
 * tasks in BFL's three buckets (429 above the limit).
 */
const { json } = require('./http/respond');

/** @typedef {import('./types').Task} Task */
/** @typedef {import('./types').ModelSpec} ModelSpec */
/**
 * What an account needs of the emulator.
 * @typedef {{ config: import('./config').Config, tasks: Map<string, Task>, spent: Map<string, number> }} Bank
 */

/**
 * Why a request's `x-key` is refused (401 without one, 403 for a refused key), if it is.
 * @param {import('./config').Config} config @param {string | string[] | undefined} key
 * @returns {{ status: number, detail: string } | undefined}
 */
function keyProblem(config, key) {
	if (!key) return { status: 401, detail: 'Not authenticated' };
	if (typeof key !== 'string' || key.startsWith('invalid') || (config.apiKeys.length && !config.apiKeys.includes(key))) {
		return { status: 403, detail: 'Invalid API key' };
	}
	return undefined;
}

/** @param {Bank} bank @param {string} key */
function creditsLeft(bank, key) {
	settleDue(bank);
	return Math.round((bank.config.credits - (bank.spent.get(key) ?? 0)) * 100) / 100;
}

/** @param {Bank} bank @param {string} key @param {number} credits */
function charge(bank, key, credits) {
	bank.spent.set(key, (bank.spent.get(key) ?? 0) + credits);
}

/** Settles every finished task's charge. @param {Bank} bank */
function settleDue(bank) {
	const now = Date.now();
	for (const task of bank.tasks.values()) if (!task.settled && now >= task.readyAt) settle(bank, task);
}

/** Once a task has ended: moderated tasks are refunded, videos charged their settled cost. @param {Bank} bank @param {Task} task */
function settle(bank, task) {
	if (task.settled || Date.now() < task.readyAt) return;
	task.settled = true;
	const moderated = task.faults['request-moderated'] || task.faults['content-moderated'];
	const final = moderated ? 0 : task.settledCost;
	charge(bank, task.key, final - task.charged);
	task.charged = final;
}

/**
 * The limit a new task of this model would exceed, if any: 24 standard tasks (flux-kontext-max
 * included), 6 flux-kontext-max, 5 videos (not counted in the 24).
 * @param {Bank} bank @param {string} key @param {ModelSpec} model
 */
function busyBucket(bank, key, model) {
	const active = [...bank.tasks.values()].filter((task) => task.key === key && Date.now() < task.readyAt);
	const { config } = bank;
	if (model.bucket === 'video') {
		const limit = config.videoTaskLimit;
		return active.filter((task) => task.bucket === 'video').length >= limit ? limit : undefined;
	}
	const standard = config.activeTaskLimit;
	if (active.filter((task) => task.bucket !== 'video').length >= standard) return standard;
	const kontextMax = config.kontextMaxLimit;
	if (model.bucket === 'kontext-max' && active.filter((task) => task.bucket === 'kontext-max').length >= kontextMax) return kontextMax;
	return undefined;
}

/** The 429 of a full bucket (Retry-After only when configured). @param {import('./config').Config} config @param {number} limit */
function tooManyTasks(config, res, limit) {
	/** @type {Record<string, string>} */
	const headers = config.retryAfterSeconds === null ? {} : { 'retry-after': String(config.retryAfterSeconds) };
	return json(res, 429, { detail: `You have reached the maximum number of active tasks (${limit})` }, headers);
}

module.exports = { keyProblem, creditsLeft, charge, settle, settleDue, busyBucket, tooManyTasks };
