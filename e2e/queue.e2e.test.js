// @ts-check
'use strict';
/**
 * Queue mode end to end (n8n 2.x only): an n8n main, two `n8n worker` processes, PostgreSQL and
 * Redis on loopback, binary data in the database. Four webhook executions of 24 items each start
 * at once and share one key's 24 active tasks on the emulator. Asserts that every execution
 * stores its 24 images and that no task is submitted twice; prints the timing figures without
 * asserting them (bench/queue.js has the targets).
 *
 * Run alone: `npm run build && flock /tmp/n8n-heavy.lock node --test e2e/queue.e2e.test.js`.
 * About 2 minutes on 2 cores (boot ~1 minute); installs redis-server and postgresql with apt
 * when missing.
 */
const { after, before, describe, test } = require('node:test');
const assert = require('node:assert/strict');

const { startEmulator } = require('../emulator/server');
const { analyse, report, runScenario, startQueueCluster, SCENARIO } = require('../harness/queue');

const MAJORS = (process.env.E2E_N8N_MAJORS ?? '1,2').split(',').map(Number);

if (!MAJORS.includes(2)) {
	test('queue mode (main + 2 workers, PostgreSQL, Redis)', {
		skip: `queue mode is tested with n8n 2.x only, and E2E_N8N_MAJORS=${process.env.E2E_N8N_MAJORS} does not include 2`,
	}, () => {});
} else {
	describe('queue mode in n8n 2.x: main + 2 workers, PostgreSQL, Redis, binary data in the database', () => {
		/** @type {Awaited<ReturnType<typeof startEmulator>>} */
		let emulator;
		/** @type {Awaited<ReturnType<typeof startQueueCluster>> | undefined} */
		let cluster;
		// node:test shows a test file's output lines as comments.
		const log = (/** @type {string} */ line) => console.log(line);

		before(
			async () => {
				emulator = await startEmulator({ generationMs: SCENARIO.generationMs, activeTaskLimit: SCENARIO.activeTaskLimit });
				cluster = await startQueueCluster({ apiBase: emulator.apiBase, log });
				log(`booted in ${cluster.bootSeconds.toFixed(1)} s`);
			},
			{ timeout: 240_000 },
		);

		after(async () => {
			await cluster?.stop();
			await emulator?.close();
		});

		test(
			`${SCENARIO.executions} webhook executions × ${SCENARIO.items} items at once: every image stored, nothing submitted twice`,
			{ timeout: 150_000 },
			async () => {
				assert.ok(cluster, 'the cluster did not start');
				const run = await runScenario(cluster, emulator);
				const figures = analyse(run);
				for (const line of report(figures, { timeline: true })) log(line);
				const total = SCENARIO.executions * SCENARIO.items;
				const context = () => `\n${report(figures).join('\n')}\n${cluster?.logs() ?? ''}`;

				// Every webhook answered with the last node's 24 items.
				for (const answer of figures.answers) {
					assert.equal(answer.status, 200, `a webhook answered ${answer.status}: ${answer.sample}${context()}`);
					assert.equal(answer.entries, SCENARIO.items, `a webhook answered ${answer.entries} items${context()}`);
				}
				// Four executions, in webhook mode, run by the workers, each with 24 images in the database.
				assert.equal(figures.executions.length, SCENARIO.executions, `executions found: ${figures.executions.length}${context()}`);
				const workers = new Set();
				for (const execution of figures.executions) {
					assert.equal(execution.status, 'success', `execution ${execution.id}: ${execution.status} ${execution.error ?? ''}${context()}`);
					assert.equal(execution.mode, 'webhook');
					assert.match(execution.worker, /^worker\d$/, `execution ${execution.id} was not run by a worker${context()}`);
					workers.add(execution.worker);
					assert.equal(execution.items, SCENARIO.items, `execution ${execution.id} has ${execution.items} items`);
					assert.equal(execution.databaseBinaries, SCENARIO.items, `execution ${execution.id}: ${execution.databaseBinaries} binaries stored as database:…`);
					assert.equal(execution.accepted, SCENARIO.items, `execution ${execution.id}: ${execution.accepted} accepted submits`);
				}
				log(`workers used: ${[...workers].sort().join(', ')}`);

				// The ledger: 96 accepted submits, one per prompt, each task in exactly one output item.
				assert.equal(figures.acceptedSubmits, total);
				assert.equal(figures.distinctTaskIds, total);
				assert.equal(figures.distinctPrompts, total, 'every prompt (item × execution) accepted once');
				assert.deepEqual(figures.promptsSubmittedTwice, [], 'no task submitted twice');
				assert.deepEqual(figures.otherSubmitStatuses, [], 'submits are answered 200 or 429 only');
				const outputIds = figures.executions.flatMap((execution) => execution.outputTaskIds);
				assert.equal(new Set(outputIds).size, total, 'each output item carries its own task');
				const acceptedIds = new Set(run.ledger.filter((entry) => entry.method === 'POST' && entry.status === 200).map((entry) => entry.taskId));
				for (const id of outputIds) assert.ok(acceptedIds.has(id), `output task ${id} is not in the ledger`);
				// Figures only (no timing assertions: those are the benchmark's).
				assert.ok(Number.isFinite(figures.wallSeconds) && figures.refused >= 0 && figures.pollsPerTask > 0);
			},
		);
	});
}
