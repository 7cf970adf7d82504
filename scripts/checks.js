#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * `npm run checks`: the quick checks of `npm test` after the build (lint, typecheck, docs:check,
 * verify), two at a time: each keeps one core busy. Each one's output is printed whole when it
 * ends, and the run fails when any of them fails.
 */
const { spawn } = require('node:child_process');

/** Two lanes: the lint and the typecheck; the docs check, then verify (which reads dist/). */
const LANES = [
	['lint', 'typecheck'],
	['docs:check', 'verify'],
];

/** @param {string} script @returns {Promise<boolean>} */
function run(script) {
	return new Promise((resolve) => {
		const started = Date.now();
		const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		child.on('close', (code) => {
			const seconds = ((Date.now() - started) / 1000).toFixed(1);
			process.stdout.write(`\n> npm run ${script} (${code === 0 ? 'passed' : `FAILED, exit ${code}`}, ${seconds} s)\n${output}`);
			resolve(code === 0);
		});
	});
}

async function main() {
	const lanes = await Promise.all(
		LANES.map(async (scripts) => {
			for (const script of scripts) if (!(await run(script))) return false;
			return true;
		}),
	);
	if (lanes.includes(false)) process.exitCode = 1;
}

void main();
