// @ts-check
'use strict';
/**
 * Queue mode end to end (n8n 2.x only): an n8n main, two `n8n worker` processes, PostgreSQL and
 * Redis on loopback, binary data in the database. Four webhook executions of 24 items each start
 * at once and share one key's 24 active tasks on the emulator. Asserts that every execution
 * stores its 24 images and that no task is submitted twice; prints the timing figures without
 * asserting them (bench/queue.js has the targets). Around them, long jobs under a 20 s execution
 * limit, on a BFL of their own: 60 items freed while BFL works and examples/get-result-loop.json
 * with three videos looped through a Wait start first and wait, holding no worker, main restarts,
 * the four executions run meanwhile, and the long jobs end last, each with its results.
 *
 * Run alone: `npm run build && node harness/e2e.js e2e/queue.e2e.test.js`. About 3 minutes on 2
 * cores; installs redis-server and postgresql with apt when missing.
 */
const { after, before, describe, test } = require('node:test');
const assert = require('node:assert/strict');

const { randomUUID } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { request } = require('undici');

const { startEmulator } = require('../emulator/server');
const { probeImage } = require('../emulator/images');
const { sniffMp4 } = require('../dist/nodes/Flux/media/mp4');
const { nodeOutput } = require('../harness/n8n');
const { analyse, report, runScenario, startQueueCluster, SCENARIO } = require('../harness/queue');
const { connectN8n } = require('../harness/server');
const { CREDENTIAL, codeNode, fluxNode, node, workflow } = require('../harness/workflows');

const MAJORS = (process.env.E2E_N8N_MAJORS ?? '1,2').split(',').map(Number);
/** The long jobs' workflows' execution limit; the freed tasks take twice, the videos three times as long. */
const LIMIT_SECONDS = 20;
const DISPATCHED = 60;
const VIDEOS = 3;
const FREED_PATH = 'flux-freed';
const LOOP_PATH = 'flux-loop';

if (!MAJORS.includes(2)) {
	test('queue mode (main + 2 workers, PostgreSQL, Redis)', {
		skip: `queue mode is tested with n8n 2.x only, and E2E_N8N_MAJORS=${process.env.E2E_N8N_MAJORS} does not include 2`,
	}, () => {});
} else {
	describe('queue mode in n8n 2.x: main + 2 workers, PostgreSQL, Redis, binary data in the database', () => {
		/** @type {Awaited<ReturnType<typeof startEmulator>>} */
		let emulator;
		/** The long jobs' BFL: an account allowed every freed task at once, a ledger of its own. @type {Awaited<ReturnType<typeof startEmulator>>} */
		let longJobsBfl;
		/** @type {Awaited<ReturnType<typeof startQueueCluster>> | undefined} */
		let cluster;
		/** The long jobs, started before the four executions below and ended after them. */
		/** @type {{ freed: string, loop: string, startedAt: number, n8n?: Awaited<ReturnType<typeof connectN8n>> }} */
		const long = { freed: '', loop: '', startedAt: 0 };
		// node:test shows a test file's output lines as comments.
		const log = (/** @type {string} */ line) => console.log(line);
		const longSubmits = (/** @type {string} */ path) => longJobsBfl.ledger.filter((entry) => entry.method === 'POST' && entry.path === path && entry.status === 200);

		before(
			async () => {
				emulator = await startEmulator({ generationMs: SCENARIO.generationMs, activeTaskLimit: SCENARIO.activeTaskLimit });
				longJobsBfl = await startEmulator({ activeTaskLimit: 100 });
				cluster = await startQueueCluster({ apiBase: emulator.apiBase, log });
				log(`booted in ${cluster.bootSeconds.toFixed(1)} s`);
			},
			{ timeout: 240_000 },
		);

		after(async () => {
			await cluster?.stop();
			await emulator?.close();
			await longJobsBfl?.close();
		});

		test(
			`long jobs under a ${LIMIT_SECONDS} s execution limit wait holding no worker: ${DISPATCHED} freed items, and ${VIDEOS} videos looped through a Wait (examples/get-result-loop.json); main restarts`,
			{ timeout: 120_000 },
			async (t) => {
				assert.ok(cluster, 'the cluster did not start');
				const n8n = await connectN8n({ major: 2, version: cluster.version, baseUrl: cluster.baseUrl, userFolder: '', pid: 0 });
				await n8n.addCredential({ type: 'bflApi', data: { apiKey: 'bfl_placeholder_queue_long', region: 'custom', baseUrl: longJobsBfl.apiBase } });
				const loopId = await n8n.addWorkflow(loopExample());
				const freedId = await n8n.addWorkflow(freedWorkflow());
				await n8n.activate(loopId);
				await n8n.activate(freedId);
				long.startedAt = Date.now();
				for (const path of [LOOP_PATH, FREED_PATH]) await fire(`${cluster.baseUrl}/webhook/${path}`);

				long.n8n = n8n;
				long.loop = await latestExecution(n8n, loopId);
				long.freed = await latestExecution(n8n, freedId);
				await untilStatus(n8n, long.freed, ['waiting'], 60_000);
				await untilStatus(n8n, long.loop, ['waiting'], 60_000);
				assert.equal(await cluster.activeJobs(), 0, 'both executions wait, and no worker holds a job');
				assert.equal(longSubmits('/v1/flux-2-pro').length, DISPATCHED, 'every freed item submitted before the wait');

				const resumeUrl = /** @type {any} */ ([...longJobsBfl.tasks.values()].find((task) => task.webhookUrl)).webhookUrl;
				const forged = await request(resumeUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
				await forged.body.dump();
				assert.equal(forged.statusCode, 401, 'a call without the secret is refused');

				const restartedAt = Date.now();
				await cluster.restartMain();
				t.diagnostic(`main stopped and started again in ${((Date.now() - restartedAt) / 1000).toFixed(1)} s`);
			},
		);

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


		test(`the long jobs end with their results: ${DISPATCHED} images kept in the database, ${VIDEOS} MP4s, nothing paid twice`, { timeout: 200_000 }, async (t) => {
			assert.ok(long.n8n, 'the long jobs did not start');
			const { n8n } = long;
			const done = await n8n.execution(long.freed, { timeoutMs: 150_000 });
			assert.equal(done.run.status, 'success', JSON.stringify(done.run.data.resultData.error));
			const images = nodeOutput(done.run, 'Generate');
			assert.equal(images.length, DISPATCHED);
			assert.deepEqual(images.map((item) => item.pairedItem?.item ?? item.pairedItem), Array.from({ length: DISPATCHED }, (_, index) => index));
			for (const item of images) {
				assert.match(String(item.binary?.data?.id), /^database:/, 'kept in the database, as queue mode keeps binaries');
				assert.deepEqual(await probeImage(Buffer.from(item.binary.data.data, 'base64')), { format: 'jpeg', width: 256, height: 256 });
			}
			t.diagnostic(`${DISPATCHED} freed items done after ${((Date.now() - long.startedAt) / 1000).toFixed(1)} s`);

			const looped = await n8n.execution(long.loop, { timeoutMs: 200_000 });
			assert.equal(looped.run.status, 'success', JSON.stringify(looped.run.data.resultData.error));
			const getResult = looped.run.data.resultData.runData['Get Result'];
			const clips = getResult[getResult.length - 1].data.main[0];
			assert.equal(clips.length, VIDEOS, 'every video leaves on Done');
			for (const clip of clips) {
				assert.equal(clip.binary.data.mimeType, 'video/mp4');
				assert.equal(Math.round(sniffMp4(Buffer.from(clip.binary.data.data, 'base64'))?.durationSeconds ?? 0), 5);
			}
			t.diagnostic(`${VIDEOS} videos looped through the Wait done after ${((Date.now() - long.startedAt) / 1000).toFixed(1)} s (Get Result ran ${getResult.length} time(s))`);

			assert.equal(longSubmits('/v1/flux-2-pro').length, DISPATCHED, 'nothing submitted again');
			assert.equal(longSubmits('/v1/flux-3-video').length, VIDEOS);
		});
	});
}

/** A production webhook that answers at once, starting a workflow (run by a worker in queue mode). */
function webhookTrigger(path) {
	return node('Webhook', 'n8n-nodes-base.webhook', { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} }, { typeVersion: 2, webhookId: randomUUID() });
}

/** Webhook → 60 prompts → FLUX with Free the Execution, tasks twice the workflow's execution limit. */
function freedWorkflow() {
	const prompts = Array.from({ length: DISPATCHED }, (_, index) => ({ prompt: `postcard ${index} [[slow=${2 * LIMIT_SECONDS * 1000}]]` }));
	const flux = fluxNode('Generate', {
		resource: 'image',
		operation: 'generate',
		model: 'flux-2-pro',
		prompt: '={{ $json.prompt }}',
		width: 256,
		height: 256,
		options: { freeExecution: true, maxConcurrentTasks: DISPATCHED },
	});
	const flow = workflow('e2eQueueFreed01', [codeNode('Prompts', prompts), flux]);
	return withTrigger(flow, webhookTrigger(FREED_PATH));
}

/** examples/get-result-loop.json as users import it, started by a webhook, three prompts, videos three times the limit. */
function loopExample() {
	const example = JSON.parse(readFileSync(join(__dirname, '..', 'examples', 'get-result-loop.json'), 'utf8'));
	const submit = example.nodes.find((/** @type {any} */ candidate) => candidate.name === 'Submit Video');
	submit.parameters.prompt = '={{ $json.prompt }}';
	// The shortest Wait n8n saves (65 s) rather than keeps in memory.
	example.nodes.find((/** @type {any} */ candidate) => candidate.type === 'n8n-nodes-base.wait').parameters.amount = 65;
	for (const flux of example.nodes.filter((/** @type {any} */ candidate) => candidate.credentials?.bflApi)) flux.credentials = { bflApi: CREDENTIAL };
	const start = example.nodes.findIndex((/** @type {any} */ candidate) => candidate.type === 'n8n-nodes-base.manualTrigger');
	const startName = example.nodes[start].name;
	example.nodes.splice(start, 1, webhookTrigger(LOOP_PATH), codeNode('Prompts', Array.from({ length: VIDEOS }, (_, index) => ({ prompt: `waves at dawn ${index} [[slow=${3 * LIMIT_SECONDS * 1000}]]` }))));
	example.connections.Webhook = { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] };
	example.connections.Prompts = example.connections[startName];
	delete example.connections[startName];
	example.settings = { ...example.settings, executionTimeout: LIMIT_SECONDS };
	example.id = 'e2eQueueLoop001';
	return example;
}

/** The workflow with its manual trigger replaced by `trigger`, and the workflow's execution limit. */
function withTrigger(flow, trigger) {
	const [start, ...rest] = flow.nodes;
	const connections = { ...flow.connections, [trigger.name]: flow.connections[start.name] };
	delete connections[start.name];
	return { ...flow, nodes: [trigger, ...rest], connections, settings: { ...flow.settings, executionTimeout: LIMIT_SECONDS } };
}

/** Calls a production webhook; n8n 2.x registers it a moment after the workflow is published. @param {string} url */
async function fire(url) {
	let status = 0;
	for (const until = Date.now() + 15_000; ; await new Promise((resolve) => setTimeout(resolve, 250))) {
		const answer = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		await answer.body.dump();
		status = answer.statusCode;
		if (status !== 404 || Date.now() > until) break;
	}
	assert.equal(status, 200, `${url} answered ${status}`);
}

/** The newest execution of a workflow (it may take a moment to be listed). @param {any} n8n @param {string} workflowId */
async function latestExecution(n8n, workflowId) {
	for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 200))) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const listed = (await n8n.rest.get(`/rest/executions?filter=${filter}&limit=1`)).json?.data;
		const [execution] = Array.isArray(listed) ? listed : (listed?.results ?? []);
		if (execution) return String(execution.id);
	}
	throw new Error(`no execution of workflow ${workflowId}`);
}

/** @param {any} n8n @param {string} id @param {string[]} statuses @param {number} timeoutMs */
async function untilStatus(n8n, id, statuses, timeoutMs) {
	let status;
	for (const until = Date.now() + timeoutMs; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 250))) {
		status = await n8n.status(id);
		if (statuses.includes(status)) return status;
	}
	throw new Error(`execution ${id} is ${status}, not ${statuses.join(' or ')}, after ${timeoutMs / 1000} s`);
}
