#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * Before the end-to-end tests: everything they need, installed once and checked every time (the
 * cached n8n of each line runs and loads sqlite3; Chromium, Redis and PostgreSQL run), repaired or
 * installed where missing. `E2E_N8N_MAJORS` picks the n8n lines (default 1,2); queue mode needs 2.
 * Run alone (`node harness/setup.js`) or from harness/e2e.js.
 */
const { ensureN8n } = require('./install-n8n');
const { ensureSystemPackages } = require('./system-packages');

/** The n8n lines to test: `E2E_N8N_MAJORS`, 1,2 by default. */
function selectedMajors() {
	return /** @type {Array<1 | 2>} */ ((process.env.E2E_N8N_MAJORS ?? '1,2').split(',').map(Number));
}

/** Checks, repairs or installs what the e2e suites need; returns the n8n lines to test. */
function prepare() {
	const started = Date.now();
	const majors = selectedMajors();
	for (const major of majors) {
		const { version } = ensureN8n(major);
		console.log(`n8n ${version}: ready`);
	}
	const versions = ensureSystemPackages(majors.includes(2) ? ['chromium', 'redis', 'postgres'] : ['chromium']);
	for (const [name, version] of Object.entries(versions)) console.log(`${name}: ${version}`);
	console.log(`End-to-end prerequisites checked in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	return majors;
}

if (require.main === module) prepare();

module.exports = { prepare, selectedMajors };
