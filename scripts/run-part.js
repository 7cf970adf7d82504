// @ts-check
'use strict';
/**
 * One part of `npm test` or `npm run checks` as a child process: its output either streamed as it
 * comes or, when parts run side by side, printed whole when it ends under a line that names it,
 * says whether it passed and how long it took.
 */
const { spawn } = require('node:child_process');
const { resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');

/** @typedef {{ name: string, seconds: number, passed: boolean }} Part */

/**
 * @param {string} name @param {string[]} command
 * @param {{ streamed?: boolean, env?: NodeJS.ProcessEnv }} [options]
 * @returns {Promise<Part>}
 */
function runPart(name, command, { streamed = false, env = process.env } = {}) {
	return new Promise((done) => {
		const started = Date.now();
		const output = streamed ? 'inherit' : 'pipe';
		const child = spawn(command[0], command.slice(1), { cwd: ROOT, env, stdio: ['ignore', output, output] });
		let text = '';
		child.stdout?.on('data', (chunk) => (text += chunk));
		child.stderr?.on('data', (chunk) => (text += chunk));
		child.on('close', (code) => {
			const part = { name, seconds: (Date.now() - started) / 1000, passed: code === 0 };
			if (!streamed) process.stdout.write(`\n> ${name} (${part.passed ? 'passed' : `FAILED, exit ${code}`}, ${part.seconds.toFixed(1)} s)\n${text}`);
			done(part);
		});
	});
}

module.exports = { runPart };
