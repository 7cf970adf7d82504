#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * `npm run test:e2e`: checks (and installs or repairs) what the end-to-end tests need
 * (harness/setup.js), starts one n8n server per n8n line, runs the suites in e2e/ against them
 * (node:test, one file at a time, TAP and the per-suite times), then stops the servers. Suites
 * that need their own settings start their own server (harness/server.js).
 *
 * Arguments are test files to run instead of all of e2e/, and after `--without` files to leave out;
 * `E2E_N8N_MAJORS` picks the lines.
 */
const { finished } = require('node:stream/promises');
const { run } = require('node:test');
const { tap } = require('node:test/reporters');
const { readdirSync, writeFileSync } = require('node:fs');
const { basename, join, resolve } = require('node:path');

const { prepare, selectedMajors } = require('./setup');
const { startN8n, SHARED_ENV } = require('./server');
const { SuiteTimes } = require('./suite-times');

const ROOT = resolve(__dirname, '..');

/**
 * The order of a whole run. `npm test` runs its checks and unit tests beside the start of it
 * (scripts/test.js), and queue mode in a lane of its own beside the middle: suites that mostly wait
 * (on the emulator's tasks, a browser) come first, so that the cores they leave idle are used; the
 * one that keeps them busy itself (free the execution: two n8n restarts) comes last. The rest keep
 * their alphabetical order. Measured on 2 cores, 2026-12-06.
 */
const FIRST = ['features.e2e.test.js', 'editor.e2e.test.js'];
const LAST = ['dispatch.e2e.test.js'];
/** Suites that start every n8n they use themselves: a run of only these starts no shared server. */
const OWN_SERVERS = ['queue.e2e.test.js'];

/**
 * The suites to run: the files named, or all of e2e/ in the order above, less those after
 * `--without`. @param {string[]} args
 */
function selectSuites(args) {
	const split = args.indexOf('--without');
	const named = split === -1 ? args : args.slice(0, split);
	const without = new Set((split === -1 ? [] : args.slice(split + 1)).map((file) => basename(file)));
	const files = readdirSync(join(ROOT, 'e2e')).filter((file) => file.endsWith('.e2e.test.js'));
	const middle = files.filter((file) => !FIRST.includes(file) && !LAST.includes(file)).sort();
	const all = [...FIRST, ...middle, ...LAST].filter((file) => files.includes(file)).map((file) => join('e2e', file));
	return (named.length ? named : all).filter((file) => !without.has(basename(file)));
}

async function main() {
	// E2E_PREPARED: the caller (scripts/test.js) has run harness/setup.js already.
	const majors = process.env.E2E_PREPARED ? selectedMajors() : prepare();
	const suites = selectSuites(process.argv.slice(2));
	const sharedMajors = suites.every((file) => OWN_SERVERS.includes(basename(file))) ? [] : majors;

	/** @type {Array<Awaited<ReturnType<typeof startN8n>>>} */
	const servers = [];
	let code = 1;
	try {
		// Both at once: starting n8n is mostly waiting on its database and its node types.
		const started = Date.now();
		const starting = sharedMajors.map((major) => startN8n({ major }));
		for (const result of await Promise.allSettled(starting)) if (result.status === 'fulfilled') servers.push(result.value);
		for (const result of await Promise.allSettled(starting)) if (result.status === 'rejected') throw result.reason;
		for (const server of servers) console.log(`n8n ${server.version}: shared server at ${server.baseUrl}`);
		if (servers.length) console.log(`shared servers started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		// The suites' processes inherit this process's environment.
		process.env[SHARED_ENV] = JSON.stringify(servers.map((server) => server.info));
		code = await runSuites(suites);
		if (code !== 0) {
			for (const server of servers) console.log(`\n# last lines of the shared n8n ${server.version} server's log:\n${server.log().trim().split('\n').slice(-40).join('\n')}`);
		}
	} finally {
		for (const server of servers) await server.close();
	}
	process.exitCode = code;
}

/**
 * The suites in the given order, one file at a time (one real n8n test at a time on 2 cores), with
 * TAP and the per-suite times. node:test's `run()` rather than `node --test`, which sorts the files.
 * @param {string[]} suites
 * @returns {Promise<number>}
 */
async function runSuites(suites) {
	const times = new SuiteTimes();
	const stream = run({ files: suites.map((file) => resolve(ROOT, file)), concurrency: 1 });
	stream.on('test:pass', (data) => times.record(data, true));
	stream.on('test:fail', (data) => times.record(data, false));
	const output = stream.compose(tap);
	output.pipe(process.stdout, { end: false });
	await finished(output);
	// E2E_TIMES_FILE: scripts/test.js prints the times of all its end-to-end runs together at the end.
	if (process.env.E2E_TIMES_FILE) writeFileSync(process.env.E2E_TIMES_FILE, JSON.stringify(times.suites));
	else console.log(times.summary());
	return times.failed || times.suites.length === 0 ? 1 : 0;
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
