// @ts-check
'use strict';
/**
 * n8n's queue mode on loopback, the way users scale out: one `n8n start` (main: editor, REST,
 * webhooks, the queue's producer), two `n8n worker` processes running the executions, PostgreSQL
 * and Redis (harness/services.js), binary data in the database (what n8n uses in queue mode). Each
 * process has its own user folder with the packed pack under .n8n/nodes, its own free ports
 * (N8N_PORT, N8N_RUNNERS_BROKER_PORT, QUEUE_HEALTH_CHECK_PORT) and its own process group.
 *
 * The scenario (used by e2e/queue.e2e.test.js and bench/queue.js): a webhook workflow
 * (Webhook → Code making N items → FLUX generate) fired several times at once, each execution
 * competing with the others for one key's active-task limit on the emulator. It returns what the
 * executions stored and what the emulator's ledger saw; `analyse` turns that into the figures.
 */
const { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { dirname, join } = require('node:path');
const { createHash, randomUUID } = require('node:crypto');

const { createInstance, restClient } = require('./n8n');
const { ensureN8n } = require('./install-n8n');
const { freePort, redisCommand, removeFolder, removeOnExit, spawnGroup, startServices, waitFor } = require('./services');
const { fluxNode, node } = require('./workflows');

/** The scenario of the issue: 4 executions × 24 items, 3 s tasks, one key limited to 24 active tasks. */
const SCENARIO = { executions: 4, items: 24, generationMs: 3000, activeTaskLimit: 24, model: 'flux-2-klein-4b' };
const WEBHOOK_PATH = 'flux-batch';
const API_KEY = 'bfl_placeholder_queue_test';

/**
 * Short hashes of the packed files that decide the node's concurrency, so a figure can be tied to
 * the build it measured. @param {string} packageDir
 */
function packFingerprint(packageDir) {
	return ['limiter', 'tasks', 'transport']
		.map((name) => {
			const file = join(packageDir, 'dist', 'nodes', 'Flux', `${name}.js`);
			return `${name}.js ${existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 10) : 'missing'}`;
		})
		.join(', ');
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {string} text @param {number} [lines] */
function tail(text, lines = 60) {
	return text.trim().split('\n').slice(-lines).join('\n');
}

/**
 * The workflow: Webhook (POST, answers when the last node finishes, with all its items) → Code
 * making `items` items → FLUX generate, one image per item.
 * @param {{ items: number, model: string, credential: { id: string, name: string } }} options
 */
function queueWorkflow({ items, model, credential }) {
	const webhook = node(
		'Webhook',
		'n8n-nodes-base.webhook',
		{ httpMethod: 'POST', path: WEBHOOK_PATH, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
		{ typeVersion: 2, webhookId: randomUUID() },
	);
	const code = node('Items', 'n8n-nodes-base.code', { jsCode: `return Array.from({ length: ${items} }, (_, i) => ({ json: { i } }));` });
	const flux = fluxNode(
		'FLUX',
		{
			resource: 'image',
			operation: 'generate',
			model,
			prompt: '={{ "queue " + $json.i + " " + $execution.id }}',
			width: 256,
			height: 256,
		},
		{ credentials: { bflApi: credential } },
	);
	const nodes = [webhook, code, flux];
	const connections = Object.fromEntries(
		nodes.slice(0, -1).map((current, index) => [current.name, { main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]] }]),
	);
	return { name: 'FLUX queue batch', nodes, connections, settings: { executionOrder: 'v1' } };
}

/**
 * Starts PostgreSQL, Redis, an n8n 2.x main and `workers` workers; sets up the owner, the BFL
 * credential (pointing at `apiBase`) and the webhook workflow, and activates it.
 * @param {{ apiBase: string, workers?: number, items?: number, model?: string, log?: (line: string) => void }} options
 */
async function startQueueCluster(options) {
	const log = options.log ?? (() => {});
	const workerCount = options.workers ?? 2;
	const begun = Date.now();
	const since = () => `${((Date.now() - begun) / 1000).toFixed(1)} s`;
	const install = ensureN8n(2);
	const services = await startServices({ log });

	/** @type {Array<ReturnType<typeof spawnGroup> & { role: string, userFolder: string }>} */
	const processes = [];
	/** @type {string[]} */
	const folders = [];
	let stopped = false;

	async function stop() {
		if (stopped) return;
		stopped = true;
		// Workers first (they finish or hand back their jobs), then main, then the services.
		const stopN8n = (/** @type {typeof processes[number]} */ proc) => proc.stop(() => proc.signalGroup('SIGTERM'), 20_000);
		await Promise.all(processes.filter((proc) => proc.role !== 'main').map(stopN8n));
		await Promise.all(processes.filter((proc) => proc.role === 'main').map(stopN8n));
		await services.stop();
		for (const folder of folders) removeFolder(folder);
	}

	const logs = () =>
		processes.map((proc) => `----- ${proc.role} (pid ${proc.pid}, exited: ${!proc.running}) -----\n${tail(proc.output())}`).join('\n');

	try {
		// One user folder per process, each with the packed pack installed (packed once).
		const main = createInstance({ major: 2 });
		folders.push(removeOnExit(main.userFolder));
		const pack = packFingerprint(join(main.userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-bfl'));
		log(`pack installed: ${pack}`);
		const nodesOf = (/** @type {string} */ folder) => join(folder, '.n8n', 'nodes');
		const workerFolders = Array.from({ length: workerCount }, (_, index) => {
			const folder = removeOnExit(mkdtempSync(join(tmpdir(), `n8n-bfl-worker${index + 1}-`)));
			folders.push(folder);
			mkdirSync(join(folder, '.n8n'), { recursive: true });
			cpSync(nodesOf(main.userFolder), nodesOf(folder), { recursive: true });
			return folder;
		});

		const mainPort = await freePort();
		const baseUrl = `http://127.0.0.1:${mainPort}`;
		/** @type {NodeJS.ProcessEnv} */
		const queueEnv = {
			...main.env,
			...services.n8nEnv,
			// Resume URLs and lasting links name main, wherever the execution runs.
			WEBHOOK_URL: `${baseUrl}/`,
			EXECUTIONS_MODE: 'queue',
			// n8n-core's default in queue mode; set explicitly (workers and main share the store).
			N8N_DEFAULT_BINARY_DATA_MODE: 'database',
			N8N_LOG_LEVEL: 'info',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		};

		/** @param {string} role @param {string} userFolder @param {string[]} args @param {NodeJS.ProcessEnv} env */
		const launch = (role, userFolder, args, env) => {
			const proc = Object.assign(
				spawnGroup(role, install.nodeBinary, [install.n8nBin, ...args], { env: { ...queueEnv, N8N_USER_FOLDER: userFolder, ...env }, cwd: userFolder }),
				{ role, userFolder },
			);
			processes.push(proc);
			return proc;
		};

		// Main, then the workers at once: whichever takes PostgreSQL's migration lock first migrates.
		const mainEnv = {
			N8N_PORT: String(mainPort),
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			QUEUE_HEALTH_CHECK_PORT: String(await freePort()),
		};
		const mainReady = (/** @type {ReturnType<typeof launch>} */ proc) =>
			waitFor('n8n main', () => proc.output().includes('Editor is now accessible'), {
				timeoutMs: 180_000,
				alive: () => proc.running,
				describe: logs,
				intervalMs: 250,
			});
		const startMain = async () => {
			const proc = launch('main', main.userFolder, ['start'], mainEnv);
			await mainReady(proc);
			return proc;
		};
		let mainProc = launch('main', main.userFolder, ['start'], mainEnv);

		// The workers load while main starts; PostgreSQL's lock lets one process migrate at a time.
		const workers = [];
		for (const [index, folder] of workerFolders.entries()) {
			const healthPort = await freePort();
			const proc = launch(`worker${index + 1}`, folder, ['worker', '--concurrency=10'], {
				N8N_PORT: String(await freePort()),
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			});
			workers.push({ proc, healthPort });
		}
		await mainReady(mainProc);
		log(`n8n ${install.version} main ready on ${baseUrl} (${since()})`);

		// While the workers boot: owner, credential, workflow, activation over REST.
		const rest = await restClient(baseUrl);
		const credentialData = { apiKey: API_KEY, region: 'custom', baseUrl: options.apiBase };
		const credential = await rest.post('/rest/credentials', { name: 'BFL (emulator)', type: 'bflApi', data: credentialData });
		if (credential.status !== 200) throw new Error(`creating the credential failed: ${credential.status} ${JSON.stringify(credential.json)}`);
		const credentialRef = { id: String(credential.json.data.id), name: String(credential.json.data.name) };
		const definition = queueWorkflow({ items: options.items ?? SCENARIO.items, model: options.model ?? SCENARIO.model, credential: credentialRef });
		const created = await rest.post('/rest/workflows', definition);
		if (created.status !== 200) throw new Error(`creating the workflow failed: ${created.status} ${JSON.stringify(created.json).slice(0, 800)}`);
		const workflowId = String(created.json.data.id);
		await rest.activate(workflowId);
		log(`owner, credential and workflow ${workflowId} set up, workflow active (${since()})`);

		const { request } = require('undici');
		for (const { proc, healthPort } of workers) {
			await waitFor(
				`n8n ${proc.role}`,
				async () => {
					if (!proc.output().includes('n8n worker is now ready')) return false;
					try {
						const answer = await request(`http://127.0.0.1:${healthPort}/healthz/readiness`);
						await answer.body.dump();
						return answer.statusCode === 200;
					} catch {
						return false;
					}
				},
				{ timeoutMs: 180_000, alive: () => proc.running, describe: logs, intervalMs: 250 },
			);
			log(`n8n ${proc.role} ready, health on 127.0.0.1:${healthPort} (${since()})`);
		}

		return {
			version: install.version,
			baseUrl,
			webhookUrl: `${baseUrl}/webhook/${WEBHOOK_PATH}`,
			workflowId,
			rest,
			services,
			processes,
			/** n8n's own parser of the execution data the REST API sends (flatted). */
			flatted: require(require.resolve('flatted', { paths: [dirname(install.n8nBin)] })),
			bootSeconds: (Date.now() - begun) / 1000,
			/** Which build of the node runs (the files that decide concurrency), as hashes. */
			pack,
			logs,
			stop,
			/** Stops main and starts it again (the workers keep running), as an n8n restart does. */
			async restartMain() {
				await mainProc.stop(() => mainProc.signalGroup('SIGTERM'), 20_000);
				processes.splice(processes.indexOf(mainProc), 1);
				mainProc = await startMain();
			},
			/** Jobs a worker holds right now (Bull's active list in Redis). */
			async activeJobs() {
				return Number((await redisCommand(services.redis.port, 'LLEN bull:jobs:active')).replace(':', ''));
			},
		};
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		const diagnostics = message.includes('-----') ? '' : `\n${logs()}`;
		await stop();
		throw new Error(`${message}${diagnostics}`);
	}
}

/**
 * Fires the production webhook `executions` times at once, waits for every answer, then reads the
 * executions over REST and takes the emulator's ledger.
 * @param {Awaited<ReturnType<typeof startQueueCluster>>} cluster
 * @param {{ ledger: any[], tasks: Map<string, any>, reset: () => void }} emulator
 * @param {{ executions?: number }} [options]
 */
async function runScenario(cluster, emulator, options = {}) {
	const { request } = require('undici');
	const executions = options.executions ?? SCENARIO.executions;
	emulator.reset();
	const firedAt = Date.now();
	const answers = await Promise.all(
		Array.from({ length: executions }, async (_, index) => {
			const response = await request(cluster.webhookUrl, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ batch: index }),
				headersTimeout: 300_000,
				bodyTimeout: 300_000,
			});
			const text = await response.body.text();
			let json;
			try {
				json = JSON.parse(text);
			} catch {
				json = text;
			}
			return { index, status: response.statusCode, json, answeredAt: Date.now() };
		}),
	);

	// The executions of this run (the workflow's newest ones, started after firing).
	/** @type {any[]} */
	let summaries = [];
	for (let attempt = 0; attempt < 20; attempt++) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId: cluster.workflowId }));
		const listed = await cluster.rest.get(`/rest/executions?filter=${filter}&limit=100`);
		summaries = (listed.json?.data?.results ?? []).filter((/** @type {any} */ execution) => Date.parse(execution.startedAt ?? execution.createdAt) >= firedAt - 1000);
		if (summaries.length >= executions && summaries.every((execution) => execution.stoppedAt)) break;
		await sleep(500);
	}
	const runs = [];
	for (const summary of summaries) {
		const full = await cluster.rest.get(`/rest/executions/${summary.id}`);
		const execution = full.json?.data ?? {};
		const data = typeof execution.data === 'string' ? cluster.flatted.parse(execution.data) : execution.data;
		/** @type {Array<{ json: any, binary?: any }>} */
		const output = data?.resultData?.runData?.FLUX?.[0]?.data?.main?.[0] ?? [];
		runs.push({
			id: String(summary.id),
			status: execution.status ?? summary.status,
			mode: execution.mode ?? summary.mode,
			startedAt: Date.parse(execution.startedAt ?? summary.startedAt),
			stoppedAt: Date.parse(execution.stoppedAt ?? summary.stoppedAt),
			error: data?.resultData?.error?.message,
			worker: workerOf(cluster, String(summary.id)),
			items: output.map((item) => ({ json: item.json, binary: item.binary?.data })),
		});
	}
	runs.sort((a, b) => a.startedAt - b.startedAt);
	return {
		firedAt,
		answers,
		executions: runs,
		ledger: emulator.ledger.map((entry) => ({ ...entry })),
		tasks: [...emulator.tasks.values()].map((task) => ({ id: task.id, prompt: task.prompt, createdAt: task.createdAt, readyAt: task.readyAt, polls: task.polls, downloads: task.downloads })),
	};
}

/** Which worker's log says it ran this execution. @param {Awaited<ReturnType<typeof startQueueCluster>>} cluster @param {string} id */
function workerOf(cluster, id) {
	const proc = cluster.processes.find((candidate) => candidate.output().includes(`Worker started execution ${id} `));
	return proc?.role ?? '?';
}

/**
 * Everything the test asserts and the benchmark prints, from one run.
 * @param {Awaited<ReturnType<typeof runScenario>>} run
 * @param {{ items?: number, executions?: number, generationMs?: number, activeTaskLimit?: number, model?: string }} [scenario]
 */
function analyse(run, scenario = {}) {
	const { items, executions, generationMs, activeTaskLimit, model } = { ...SCENARIO, ...scenario };
	const total = items * executions;
	const boundSeconds = (Math.ceil(total / activeTaskLimit) * generationMs) / 1000;
	const submitPath = `/v1/${model}`;
	const submits = run.ledger.filter((entry) => entry.method === 'POST' && entry.path === submitPath);
	const accepted = submits.filter((entry) => entry.status === 200 && entry.taskId);
	const refused = submits.filter((entry) => entry.status === 429);
	const otherSubmits = submits.filter((entry) => entry.status !== 200 && entry.status !== 429);
	const polls = run.ledger.filter((entry) => entry.method === 'GET' && entry.path === '/v1/get_result');
	const downloads = run.ledger.filter((entry) => entry.path.startsWith('/results/'));

	/** @param {any} entry */
	const promptOf = (entry) => String(entry.body?.prompt ?? '');
	/** "queue <i> <execution id>" → execution id. @param {string} prompt */
	const executionOfPrompt = (prompt) => /^queue \d+ (\S+)$/.exec(prompt)?.[1] ?? '?';
	/** @type {Map<string, number>} */
	const acceptedPerPrompt = new Map();
	for (const entry of accepted) acceptedPerPrompt.set(promptOf(entry), (acceptedPerPrompt.get(promptOf(entry)) ?? 0) + 1);
	const promptsSubmittedTwice = [...acceptedPerPrompt].filter(([, count]) => count > 1).map(([prompt]) => prompt);
	const taskIds = new Set(accepted.map((entry) => entry.taskId));

	const firstWebhook = run.firedAt;
	const lastFinished = Math.max(...run.executions.map((execution) => execution.stoppedAt));
	const lastAnswered = Math.max(...run.answers.map((answer) => answer.answeredAt));
	const wallSeconds = (lastFinished - firstWebhook) / 1000;
	const at = (/** @type {number} */ time) => (time - firstWebhook) / 1000;

	// Slot use at BFL, from the tasks' lives (a task holds one of the key's slots from submit to Ready).
	const tasks = run.tasks.filter((task) => taskIds.has(task.id));
	const firstAttempt = Math.min(...submits.map((entry) => entry.time));
	const lastAccepted = Math.max(...accepted.map((entry) => entry.time));
	const lastReady = Math.max(...tasks.map((task) => task.readyAt));
	/** Integral of free slots over [from, to], in slot-seconds. @param {number} from @param {number} to */
	const freeSlotSeconds = (from, to) => {
		const events = [];
		for (const task of tasks) {
			events.push([Math.max(from, task.createdAt), +1], [Math.max(from, task.readyAt), -1]);
		}
		events.sort((a, b) => a[0] - b[0]);
		let active = 0;
		let previous = from;
		let free = 0;
		for (const [time, delta] of events) {
			const clipped = Math.min(time, to);
			if (clipped > previous) free += (activeTaskLimit - active) * (clipped - previous);
			previous = Math.max(previous, clipped);
			active += delta;
		}
		if (to > previous) free += (activeTaskLimit - active) * (to - previous);
		return free / 1000;
	};
	// Ready at BFL → first poll that saw it, per task.
	/** @type {Map<string, number>} */
	const noticed = new Map();
	for (const entry of polls) if (entry.answer === 'Ready' && !noticed.has(entry.taskId)) noticed.set(entry.taskId, entry.time);
	const noticeLags = tasks.filter((task) => noticed.has(task.id)).map((task) => ((noticed.get(task.id) ?? 0) - task.readyAt) / 1000);

	const perExecution = run.executions.map((execution) => {
		const mine = (/** @type {any} */ entry) => executionOfPrompt(promptOf(entry)) === execution.id;
		const myAccepted = accepted.filter(mine);
		const myRefused = refused.filter(mine);
		const mySubmits = submits.filter(mine);
		const myTasks = tasks.filter((task) => executionOfPrompt(task.prompt) === execution.id);
		return {
			id: execution.id,
			worker: execution.worker,
			status: execution.status,
			mode: execution.mode,
			items: execution.items.length,
			databaseBinaries: execution.items.filter((item) => String(item.binary?.id ?? '').startsWith('database:')).length,
			outputTaskIds: execution.items.map((item) => item.json?.taskId),
			error: execution.error,
			accepted: myAccepted.length,
			refused: myRefused.length,
			startedAt: at(execution.startedAt),
			firstSubmit: mySubmits.length ? at(Math.min(...mySubmits.map((entry) => entry.time))) : NaN,
			lastSubmit: myAccepted.length ? at(Math.max(...myAccepted.map((entry) => entry.time))) : NaN,
			lastReady: myTasks.length ? at(Math.max(...myTasks.map((task) => task.readyAt))) : NaN,
			finishedAt: at(execution.stoppedAt),
		};
	});

	// Accepted submits per second-wide bucket, per execution: when each got its slots.
	const timeline = [];
	const executionIds = perExecution.map((execution) => execution.id);
	const lastSecond = Math.ceil(at(lastAccepted));
	for (let second = Math.floor(at(firstAttempt)); second < lastSecond; second++) {
		const inSecond = (/** @type {any} */ entry) => at(entry.time) >= second && at(entry.time) < second + 1;
		const row = executionIds.map((id) => {
			const ok = accepted.filter((entry) => inSecond(entry) && executionOfPrompt(promptOf(entry)) === id).length;
			const no = refused.filter((entry) => inSecond(entry) && executionOfPrompt(promptOf(entry)) === id).length;
			return `${ok}/${no}`;
		});
		const activeAt = tasks.filter((task) => task.createdAt <= firstWebhook + (second + 1) * 1000 && task.readyAt > firstWebhook + (second + 1) * 1000).length;
		timeline.push({ second, perExecution: row, activeAtEnd: activeAt });
	}

	return {
		scenario: { items, executions, generationMs, activeTaskLimit, model, total },
		boundSeconds,
		wallSeconds,
		ratio: wallSeconds / boundSeconds,
		wallToLastAnswerSeconds: (lastAnswered - firstWebhook) / 1000,
		answers: run.answers.map((answer) => ({
			status: answer.status,
			entries: Array.isArray(answer.json) ? answer.json.length : 0,
			at: at(answer.answeredAt),
			sample: Array.isArray(answer.json) ? undefined : JSON.stringify(answer.json).slice(0, 300),
		})),
		executions: perExecution,
		acceptedSubmits: accepted.length,
		distinctTaskIds: taskIds.size,
		distinctPrompts: acceptedPerPrompt.size,
		promptsSubmittedTwice,
		otherSubmitStatuses: otherSubmits.map((entry) => entry.status),
		refused: refused.length,
		refusedPerItem: refused.length / total,
		polls: polls.length,
		pollsPerTask: polls.length / Math.max(1, accepted.length),
		downloads: downloads.length,
		noticeLagMedian: median(noticeLags),
		noticeLagP90: percentile(noticeLags, 90),
		firstSubmitAt: at(firstAttempt),
		lastAcceptedAt: at(lastAccepted),
		lastReadyAt: at(lastReady),
		/** Free slots × time while items were still waiting to be submitted (first attempt → last accepted submit). */
		idleSlotSecondsWhileWaiting: freeSlotSeconds(firstAttempt, lastAccepted),
		/** The same over the whole busy period (first attempt → last Ready): includes the unavoidable tail. */
		idleSlotSecondsTotal: freeSlotSeconds(firstAttempt, lastReady),
		timeline,
	};
}

/** @param {number[]} values */
function median(values) {
	return percentile(values, 50);
}

/** @param {number[]} values @param {number} p */
function percentile(values, p) {
	if (!values.length) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * The figures as lines, for the test's output and the benchmark.
 * @param {ReturnType<typeof analyse>} figures
 * @param {{ targets?: boolean, timeline?: boolean }} [options]
 */
function report(figures, options = {}) {
	const f = (/** @type {number} */ value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
	const { scenario } = figures;
	const lines = [];
	const target = (/** @type {string} */ text) => (options.targets ? ` (target ${text})` : '');
	lines.push(
		`${scenario.executions} executions × ${scenario.items} items, ${scenario.generationMs / 1000} s tasks, one key limited to ${scenario.activeTaskLimit} active tasks`,
		`wall time, first webhook fired → last execution finished: ${f(figures.wallSeconds)} s = ${f(figures.ratio)} × the bound ${scenario.total} / ${scenario.activeTaskLimit} × ${scenario.generationMs / 1000} s = ${f(figures.boundSeconds, 0)} s${target('≤ 1.5 ×')}` +
			`${options.targets ? (figures.ratio <= 1.5 ? ': met' : ': NOT met') : ''}`,
		`  (→ last webhook answer: ${f(figures.wallToLastAnswerSeconds)} s; first submit at ${f(figures.firstSubmitAt)} s, last accepted submit at ${f(figures.lastAcceptedAt)} s, last task Ready at ${f(figures.lastReadyAt)} s)`,
		`429 answers: ${figures.refused} = ${f(figures.refusedPerItem)} per item${target('≤ 1 per item')}${options.targets ? (figures.refusedPerItem <= 1 ? ': met' : ': NOT met') : ''}`,
		`accepted submits: ${figures.acceptedSubmits} (${figures.distinctTaskIds} task ids, ${figures.distinctPrompts} distinct prompts, ${figures.promptsSubmittedTwice.length} submitted twice)`,
		`polls per task: ${f(figures.pollsPerTask, 1)} (${figures.polls} polls); Ready → noticed median ${f(figures.noticeLagMedian)} s, p90 ${f(figures.noticeLagP90)} s; downloads ${figures.downloads}`,
		`idle slot time while items waited: ${f(figures.idleSlotSecondsWhileWaiting, 1)} slot-s of ${f(scenario.activeTaskLimit * (figures.lastAcceptedAt - figures.firstSubmitAt), 1)}; over first submit → last Ready: ${f(figures.idleSlotSecondsTotal, 1)} slot-s`,
	);
	for (const execution of figures.executions) {
		lines.push(
			`  execution ${execution.id} on ${execution.worker}: ${execution.status}, ${execution.items} items (${execution.databaseBinaries} binaries database:…), ` +
				`started ${f(execution.startedAt)} s, first submit ${f(execution.firstSubmit)} s, last accepted submit ${f(execution.lastSubmit)} s, last Ready ${f(execution.lastReady)} s, finished ${f(execution.finishedAt)} s; ` +
				`${execution.accepted} accepted, ${execution.refused} × 429`,
		);
	}
	if (options.timeline) {
		lines.push(`  submits per second, accepted/429 per execution (${figures.executions.map((execution) => execution.id).join(', ')}), active tasks at BFL at the second's end:`);
		for (const row of figures.timeline) lines.push(`    ${String(row.second).padStart(3)}–${String(row.second + 1).padEnd(3)} s  ${row.perExecution.map((cell) => cell.padStart(6)).join(' ')}   active ${row.activeAtEnd}`);
	}
	return lines;
}

module.exports = { SCENARIO, WEBHOOK_PATH, API_KEY, queueWorkflow, startQueueCluster, runScenario, analyse, report };
