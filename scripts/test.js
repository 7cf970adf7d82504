#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * `npm test`, as CI runs it. After the build, three lanes share the 2 cores, because most of the
 * end-to-end time is waiting (on a real n8n, a browser, timers: measured, the cores were half idle):
 *
 *   end-to-end setup (harness/setup.js) → the end-to-end suites, but queue mode
 *   checks (lint, typecheck, docs:check, verify) → unit tests → (setup done) → queue mode
 *
 * Queue mode (its own five processes, a minute of it waiting on n8n's 65 s Wait) runs beside the
 * editor suites; it waits for the setup, which may install what the suites need. The main
 * end-to-end run streams its output; every other part prints its output whole when it ends. Ends
 * with the time of each end-to-end suite and of each part; fails when any part fails.
 */
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { SuiteTimes } = require('../harness/suite-times');
const { runPart } = require('./run-part');

const BESIDE = ['e2e/queue.e2e.test.js'];

/** @typedef {import('./run-part').Part} Part */

/** A part that did not run because one it needs failed. @param {string} name @returns {Part} */
const skipped = (name) => ({ name: `${name} (not run)`, seconds: 0, passed: false });

async function main() {
	const started = Date.now();
	const npm = (/** @type {string} */ script) => ['npm', 'run', '--silent', script];
	const node = process.execPath;
	const build = await runPart('build', npm('build'), { streamed: true });
	/** @type {Part[]} */
	const parts = [build];
	const times = mkdtempSync(join(tmpdir(), 'n8n-nodes-bfl-test-'));
	try {
		if (build.passed) {
			// dist/ is fresh: verify need not build it again (it would pull it from under the unit tests
			// and the n8n servers); the end-to-end runs need not check the setup again.
			const env = { ...process.env, VERIFY_SKIP_BUILD: '1', E2E_PREPARED: '1' };
			const setup = runPart('end-to-end setup', [node, 'harness/setup.js'], { streamed: true });
			const main = setup.then((ready) =>
				ready.passed ? runPart('end-to-end', [node, 'harness/e2e.js', '--without', ...BESIDE], { streamed: true, env: { ...env, E2E_TIMES_FILE: join(times, 'main.json') } }) : skipped('end-to-end'),
			);
			const quick = (async () => [await runPart('checks', npm('checks'), { env }), await runPart('unit tests', npm('test:unit'), { env })])();
			const beside = Promise.all([setup, quick]).then(([ready]) =>
				ready.passed ? runPart('end-to-end, queue mode', [node, 'harness/e2e.js', ...BESIDE], { env: { ...env, E2E_TIMES_FILE: join(times, 'beside.json') } }) : skipped('end-to-end, queue mode'),
			);
			parts.push(await setup, ...(await quick), await main, await beside);
		}
		const suites = ['main.json', 'beside.json'].flatMap((file) => {
			try {
				return JSON.parse(readFileSync(join(times, file), 'utf8'));
			} catch {
				return [];
			}
		});
		if (suites.length) console.log(new SuiteTimes(suites).summary());
	} finally {
		rmSync(times, { recursive: true, force: true });
	}
	console.log('\n# npm test, by part (lanes: setup, then end-to-end; checks, unit tests, then queue mode)');
	for (const part of parts) console.log(`# ${part.seconds.toFixed(1).padStart(7)} s  ${part.passed ? 'ok  ' : 'FAIL'}  ${part.name}`);
	console.log(`# ${((Date.now() - started) / 1000).toFixed(1).padStart(7)} s  in all`);
	const failed = parts.filter((part) => !part.passed).map((part) => part.name);
	if (failed.length) console.log(`\nnpm test FAILED: ${failed.join(', ')}`);
	process.exitCode = failed.length ? 1 : 0;
}

void main();
