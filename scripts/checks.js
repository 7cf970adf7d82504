#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * `npm run checks`: the quick checks of `npm test` after the build (lint, typecheck, docs:check,
 * verify), two at a time: each keeps one core busy. Each one's output is printed whole when it
 * ends, and the run fails when any of them fails.
 */
const { runPart } = require('./run-part');

/** Two lanes: the lint and the typecheck; the docs check, then verify (which reads dist/). */
const LANES = [
	['lint', 'typecheck'],
	['docs:check', 'verify'],
];

async function main() {
	const lanes = await Promise.all(
		LANES.map(async (scripts) => {
			for (const script of scripts) if (!(await runPart(`npm run ${script}`, ['npm', 'run', '--silent', script])).passed) return false;
			return true;
		}),
	);
	if (lanes.includes(false)) process.exitCode = 1;
}

void main();
