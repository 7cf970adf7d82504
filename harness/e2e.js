#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * `npm run test:e2e`: checks (and installs or repairs) what the end-to-end tests need
 * (harness/setup.js), starts one n8n server per n8n line, runs the suites in e2e/ against them
 * (node:test, one file at a time, TAP and the per-suite times), then stops the servers. Suites
 * that need their own settings start their own server (harness/server.js).
 *
 * Arguments are test files to run instead of all of e2e/; `E2E_N8N_MAJORS` picks the lines.
 */
const { spawn } = require('node:child_process');
const { readdirSync } = require('node:fs');
const { join, resolve } = require('node:path');

const { prepare } = require('./setup');
const { startN8n, SHARED_ENV } = require('./server');

const ROOT = resolve(__dirname, '..');

async function main() {
	const majors = prepare();
	const files = process.argv.slice(2);
	const suites = files.length
		? files
		: readdirSync(join(ROOT, 'e2e'))
				.filter((file) => file.endsWith('.e2e.test.js'))
				.sort()
				.map((file) => join('e2e', file));

	/** @type {Array<Awaited<ReturnType<typeof startN8n>>>} */
	const servers = [];
	let code = 1;
	try {
		// Both at once: starting n8n is mostly waiting on its database and its node types.
		const started = Date.now();
		const starting = majors.map((major) => startN8n({ major }));
		for (const result of await Promise.allSettled(starting)) if (result.status === 'fulfilled') servers.push(result.value);
		for (const result of await Promise.allSettled(starting)) if (result.status === 'rejected') throw result.reason;
		for (const server of servers) console.log(`n8n ${server.version}: shared server at ${server.baseUrl}`);
		console.log(`shared servers started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		const shared = servers.map((server) => server.info);
		code = await runSuites(suites, { ...process.env, [SHARED_ENV]: JSON.stringify(shared) });
		if (code !== 0) {
			for (const server of servers) console.log(`\n# last lines of the shared n8n ${server.version} server's log:\n${server.log().trim().split('\n').slice(-40).join('\n')}`);
		}
	} finally {
		for (const server of servers) await server.close();
	}
	process.exitCode = code;
}

/**
 * `node --test` on the suites, one file at a time (one real n8n test at a time on 2 cores).
 * @param {string[]} suites @param {NodeJS.ProcessEnv} env
 * @returns {Promise<number>}
 */
function runSuites(suites, env) {
	const args = [
		'--test',
		'--test-concurrency=1',
		'--test-reporter=tap',
		'--test-reporter-destination=stdout',
		`--test-reporter=${join(__dirname, 'timing-reporter.js')}`,
		'--test-reporter-destination=stdout',
		...suites,
	];
	return new Promise((resolveRun) => {
		const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' });
		child.on('close', (status) => resolveRun(status ?? 1));
	});
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
