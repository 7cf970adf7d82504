#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * Queue-mode benchmark: n8n 2.x main + 2 workers, PostgreSQL, Redis, binary data in the database
 * (harness/queue.js), against the emulator with one key limited to 24 active tasks and 3 s tasks.
 * Four webhook executions of 24 items each start at once; each round prints
 *
 * - wall time, first webhook fired → last execution finished, against the bound
 *   96 tasks / 24 slots × 3 s = 12 s (target ≤ 1.5 ×),
 * - 429 answers (target ≤ 1 per item on average), polls per task,
 * - per execution: worker, first and last submit, finish time; and a per-second timeline of
 *   accepted/refused submits.
 *
 * The cluster boots once (about a minute on 2 cores); BENCH_QUEUE_ROUNDS rounds (default 3) run
 * on it, the emulator reset between them. Exits 1 when a round fails to deliver every image or
 * submits a task twice (the targets are reported, not enforced).
 *
 * `node bench/queue.js` (builds first; BENCH_SKIP_BUILD=1 skips that). On a shared machine:
 * `flock /tmp/n8n-heavy.lock node bench/queue.js`. BENCH_QUEUE_JSON=<file> writes the raw rounds.
 */
const { spawnSync } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const { resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const TARGETS = { ratio: 1.5, refusedPerItem: 1 };

/** The commit the build came from, and whether the node's code had uncommitted changes. */
function gitHead() {
	const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
	const dirty = spawnSync('git', ['diff', '--quiet', 'HEAD', '--', 'nodes/'], { cwd: ROOT }).status !== 0;
	return `${head || 'unknown'}${dirty ? ', nodes/ modified' : ''}`;
}

/**
 * Runs the queue scenario `rounds` times on one cluster; prints the figures; returns them.
 * @param {{ rounds?: number, log?: (line: string) => void }} [options]
 */
async function queueBench(options = {}) {
	const log = options.log ?? ((line) => console.log(line));
	const rounds = options.rounds ?? Number(process.env.BENCH_QUEUE_ROUNDS ?? 3);
	const { startEmulator } = require('../emulator/server');
	const { analyse, report, runScenario, startQueueCluster, SCENARIO } = require('../harness/queue');

	const emulator = await startEmulator({ generationMs: SCENARIO.generationMs, activeTaskLimit: SCENARIO.activeTaskLimit });
	/** @type {Awaited<ReturnType<typeof startQueueCluster>> | undefined} */
	let cluster;
	const results = [];
	/** @type {any[]} */
	const raw = [];
	try {
		cluster = await startQueueCluster({ apiBase: emulator.apiBase, log: (line) => log(`  ${line}`) });
		log(`queue mode: n8n ${cluster.version} main + 2 workers, PostgreSQL, Redis, binary data in the database; booted in ${cluster.bootSeconds.toFixed(1)} s`);
		log(`node build: ${cluster.pack} (commit ${gitHead()})\n`);
		for (let round = 1; round <= rounds; round++) {
			const run = await runScenario(cluster, emulator);
			const figures = analyse(run);
			raw.push({ round, run, figures });
			const total = figures.scenario.total;
			const problems = [];
			if (figures.executions.length !== figures.scenario.executions) problems.push(`${figures.executions.length} executions found`);
			for (const execution of figures.executions) {
				if (execution.status !== 'success') problems.push(`execution ${execution.id} ${execution.status}: ${execution.error ?? ''}`);
				if (execution.databaseBinaries !== figures.scenario.items) problems.push(`execution ${execution.id}: ${execution.databaseBinaries} images stored`);
			}
			if (figures.acceptedSubmits !== total || figures.distinctPrompts !== total) problems.push(`${figures.acceptedSubmits} accepted submits for ${figures.distinctPrompts} prompts`);
			if (figures.promptsSubmittedTwice.length) problems.push(`submitted twice: ${figures.promptsSubmittedTwice.join(', ')}`);
			log(`round ${round} of ${rounds}${problems.length ? ` FAILED: ${problems.join('; ')}` : ''}`);
			for (const line of report(figures, { targets: true, timeline: true })) log(`  ${line}`);
			log('');
			results.push({ figures, problems });
		}
	} finally {
		await cluster?.stop();
		await emulator.close();
		if (process.env.BENCH_QUEUE_JSON) writeFileSync(process.env.BENCH_QUEUE_JSON, JSON.stringify(raw, null, 1));
	}

	if (results.length > 1) {
		const ratios = results.map((result) => result.figures.ratio);
		const refused = results.map((result) => result.figures.refusedPerItem);
		const list = (/** @type {number[]} */ values) => values.map((value) => value.toFixed(2)).join(', ');
		log(`summary of ${results.length} rounds:`);
		log(`  wall / bound: ${list(ratios)} (worst ${Math.max(...ratios).toFixed(2)}, target ≤ ${TARGETS.ratio}: ${ratios.every((ratio) => ratio <= TARGETS.ratio) ? 'met' : 'NOT met'})`);
		log(`  429s per item: ${list(refused)} (worst ${Math.max(...refused).toFixed(2)}, target ≤ ${TARGETS.refusedPerItem}: ${refused.every((value) => value <= TARGETS.refusedPerItem) ? 'met' : 'NOT met'})`);
		log(`  polls per task: ${list(results.map((result) => result.figures.pollsPerTask))}`);
	}
	return results;
}

module.exports = { queueBench, TARGETS };

if (require.main === module) {
	if (!process.env.BENCH_SKIP_BUILD) {
		const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
		if (build.status !== 0) {
			console.error('npm run build failed');
			process.exit(1);
		}
	}
	queueBench()
		.then((results) => process.exit(results.every((result) => result.problems.length === 0) ? 0 : 1))
		.catch((error) => {
			console.error(error);
			process.exit(1);
		});
}
