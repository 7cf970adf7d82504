// @ts-check
'use strict';
/**
 * A running n8n (`n8n start`) driven as the editor drives it: credentials and workflows saved over
 * its REST API, workflows run with the editor's "Execute workflow" request, results read from the
 * saved execution and binary data downloaded from n8n's binary store, as the editor shows them.
 *
 * The end-to-end suites share one server per n8n line (`sharedN8n`): `harness/e2e.js` starts them
 * once and names them in E2E_SHARED_N8N; a suite run on its own starts its own. A suite that needs
 * other settings (queue mode, SSRF protection, an execution timeout) starts its own (`startN8n`).
 *
 * Every server runs as users run n8n: binary data on disk (filesystem mode; n8n 3.0 drops the
 * in-memory mode) and WEBHOOK_URL set to its own address, so resume URLs and lasting links work.
 */
const { spawnSync } = require('node:child_process');
const { dirname, join } = require('node:path');
const { parse } = require('flatted');

const { createInstance, restClient } = require('./n8n');
const { CREDENTIAL } = require('./workflows');

const SHARED_ENV = 'E2E_SHARED_N8N';
const MANUAL_TRIGGER = 'n8n-nodes-base.manualTrigger';
const ENDED = ['success', 'error', 'canceled', 'crashed'];

/** @typedef {{ major: 1 | 2, version: string, baseUrl: string, userFolder: string, pid: number }} ServerInfo */

/** @param {number} ms */
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `n8n start` for one line with the pack installed; resolves with a logged-in client.
 * `restart()` stops it and starts it again on the same port and user folder (a restart of n8n).
 * @param {{ major: 1 | 2, env?: NodeJS.ProcessEnv }} options
 */
async function startN8n({ major, env = {} }) {
	const instance = createInstance({ major, env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem', ...env } });
	const webhookUrl = (/** @type {string} */ baseUrl) => ({ WEBHOOK_URL: env.WEBHOOK_URL ?? `${baseUrl}/` });
	let server;
	try {
		server = await instance.startServer(webhookUrl);
	} catch (error) {
		instance.cleanup();
		throw error;
	}
	const info = { major, version: instance.version, baseUrl: server.baseUrl, userFolder: instance.userFolder, pid: server.pid };
	const client = await connect(info);
	let current = server;
	client.log = () => current.log();
	client.close = async () => {
		await current.stop();
		instance.cleanup();
	};
	client.stopServer = () => current.stop();
	client.expireWait = (/** @type {string} */ executionId) => expireWait(instance, executionId);
	client.startServer = async () => {
		current = await instance.startServer(webhookUrl, { port: current.port });
		client.info.pid = current.pid;
		await client.login();
	};
	return client;
}

/**
 * Moves a waiting execution's waitTill into the past in n8n's SQLite database, as if its wait had
 * run out: the next start of n8n resumes it at once, the way n8n ends an expired wait. Only while
 * the server is stopped.
 * @param {{ userFolder: string, n8nBin: string, nodeBinary: string }} instance @param {string} executionId
 */
async function expireWait(instance, executionId) {
	// In a child process on n8n's own Node: its sqlite3 binding, and no second one in this process.
	const script = `
		const sqlite3 = require(process.argv[1]);
		const db = new sqlite3.Database(process.argv[2]);
		db.run("UPDATE execution_entity SET waitTill = '2000-01-01 00:00:00.000' WHERE id = ? AND status = 'waiting'", [process.argv[3]], function (error) {
			if (error) { console.error(error.message); process.exitCode = 1; } else if (this.changes !== 1) { console.error('not waiting'); process.exitCode = 1; }
			db.close();
		});`;
	const sqlite3 = require.resolve('sqlite3', { paths: [dirname(instance.n8nBin)] });
	const database = join(instance.userFolder, '.n8n', 'database.sqlite');
	const done = spawnSync(instance.nodeBinary, ['-e', script, sqlite3, database, executionId], { encoding: 'utf8' });
	if (done.status !== 0) throw new Error(`ending the wait of execution ${executionId} failed (${done.status ?? done.signal}): ${done.stderr}`);
}

/**
 * The shared server of this n8n line when `harness/e2e.js` started one, else a new one. `close()`
 * stops only a server this call started.
 * @param {1 | 2} major
 */
async function sharedN8n(major) {
	/** @type {ServerInfo[]} */
	const shared = JSON.parse(process.env[SHARED_ENV] ?? '[]');
	const info = shared.find((candidate) => candidate.major === major);
	return info ? await connect(info) : await startN8n({ major });
}

/** @param {ServerInfo} info */
async function connect(info) {
	const client = new N8nClient(info, await restClient(info.baseUrl));
	return client;
}

class N8nClient {
	/** @param {ServerInfo} info @param {Awaited<ReturnType<typeof restClient>>} rest */
	constructor(info, rest) {
		this.info = info;
		this.major = info.major;
		this.version = info.version;
		this.baseUrl = info.baseUrl;
		this.rest = rest;
		/** Workflow ids as the suite names them → as n8n saved them. @type {Map<string, string>} */
		this.ids = new Map();
		/** Credential placeholders (harness/workflows.js CREDENTIAL) → the credential saved for this suite. @type {Map<string, { id: string, name: string }>} */
		this.credentials = new Map();
		/** @type {() => string} */
		this.log = () => '';
		/** The credentials and workflows this client saved, removed again by `close()`. */
		this.saved = { credentials: /** @type {string[]} */ ([]), workflows: /** @type {string[]} */ ([]) };
		/** A shared server is left as this suite found it; one this client started is stopped. @type {() => Promise<void>} */
		this.close = () => this.removeSaved();
		/** Stops the server (only one this suite started). @type {() => Promise<void>} */
		this.stopServer = async () => {
			throw new Error('only a server this suite started can be stopped');
		};
		/** Starts it again on the same port and user folder, logged in again. @type {() => Promise<void>} */
		this.startServer = this.stopServer;
		/** Ends a waiting execution's wait in the database, while the server is stopped. @type {(executionId: string) => Promise<void>} */
		this.expireWait = this.stopServer;
	}

	/** Logs in again (after a restart). */
	async login() {
		this.rest = await restClient(this.baseUrl);
	}

	/**
	 * Saves a credential the way the editor does; workflows that name `placeholder` get it.
	 * @param {{ type: string, data: Record<string, unknown>, name?: string }} credential
	 * @param {{ id: string, name: string }} [placeholder]
	 */
	async addCredential(credential, placeholder = CREDENTIAL) {
		const name = credential.name ?? placeholder.name;
		const answer = await this.rest.post('/rest/credentials', { name, type: credential.type, data: credential.data });
		if (answer.status !== 200) throw new Error(`saving credential "${name}" failed: ${answer.status} ${JSON.stringify(answer.json).slice(0, 500)}`);
		const saved = { id: String(answer.json.data.id), name };
		this.credentials.set(placeholder.id, saved);
		this.saved.credentials.push(saved.id);
		return saved;
	}

	/**
	 * Saves a workflow over REST (inactive), its credential placeholders replaced by this suite's
	 * credentials; returns n8n's id, which `run` also accepts under the workflow's own `id`.
	 * @param {{ id?: string, name?: string, active?: boolean, nodes: any[], connections?: Record<string, unknown>, settings?: Record<string, unknown> }} workflow
	 */
	async addWorkflow(workflow) {
		const nodes = workflow.nodes.map((node) => {
			if (!node.credentials) return node;
			const credentials = Object.fromEntries(
				Object.entries(node.credentials).map(([type, ref]) => [type, this.credentials.get(/** @type {any} */ (ref)?.id) ?? ref]),
			);
			return { ...node, credentials };
		});
		const name = workflow.name ?? workflow.id ?? 'workflow';
		const answer = await this.rest.post('/rest/workflows', {
			name,
			nodes,
			connections: workflow.connections ?? {},
			settings: workflow.settings ?? { executionOrder: 'v1' },
			active: false,
		});
		if (answer.status !== 200) throw new Error(`saving workflow "${name}" failed: ${answer.status} ${JSON.stringify(answer.json).slice(0, 500)}`);
		const id = String(answer.json.data.id);
		if (workflow.id) this.ids.set(workflow.id, id);
		this.saved.workflows.push(id);
		return id;
	}

	/**
	 * Removes what this client saved: its workflows (deactivated and archived first, as n8n 2.x
	 * requires) and its credentials, so the next suite finds the server as this one did.
	 */
	async removeSaved() {
		for (const id of this.saved.workflows.splice(0)) {
			await this.rest.post(`/rest/workflows/${id}/archive`, {}); // 2.x; 1.x answers 404 and deletes at once
			await this.rest.call('DELETE', `/rest/workflows/${id}`);
		}
		for (const id of this.saved.credentials.splice(0)) await this.rest.call('DELETE', `/rest/credentials/${id}`);
	}

	/** @param {string} id a suite's workflow id or n8n's */
	idOf(id) {
		return this.ids.get(id) ?? id;
	}

	/** Activates (publishes) a saved workflow so its triggers listen. @param {string} id */
	async activate(id) {
		return await this.rest.activate(this.idOf(id));
	}

	/**
	 * Runs a saved workflow from its manual trigger, as the editor's "Execute workflow" does, and
	 * waits until the execution ends (or, with `until: 'waiting'`, until it waits).
	 * @param {string} id
	 * @param {{ until?: 'ended' | 'waiting', timeoutMs?: number }} [options]
	 */
	async run(id, options = {}) {
		const executionId = await this.startRun(id);
		return await this.execution(executionId, options);
	}

	/**
	 * Starts a saved workflow from its manual trigger; resolves with the execution's id.
	 * @param {string} id
	 */
	async startRun(id) {
		const workflowId = this.idOf(id);
		const workflow = (await this.rest.get(`/rest/workflows/${workflowId}`)).json?.data;
		if (!workflow) throw new Error(`workflow ${id} is not saved in n8n ${this.version}`);
		const trigger = workflow.nodes.find((/** @type {any} */ node) => node.type === MANUAL_TRIGGER);
		if (!trigger) throw new Error(`workflow ${id} has no manual trigger to run it from`);
		// n8n 1.x reads the workflow from the body, 2.x from its database; both start from the trigger named.
		const answer = await this.rest.post(`/rest/workflows/${workflowId}/run`, { workflowData: workflow, triggerToStartFrom: { name: trigger.name } });
		const executionId = answer.json?.data?.executionId;
		if (!executionId) throw new Error(`running ${id} failed: ${answer.status} ${JSON.stringify(answer.json).slice(0, 500)}`);
		return String(executionId);
	}

	/**
	 * The execution as n8n saved it once it ended (or waits): `{ run, code, executionId }`, `run`
	 * shaped like `n8n execute`'s output (status, data.resultData.runData, …) with every binary's
	 * bytes in `data` (base64), downloaded from n8n's binary store as the editor does.
	 * @param {string} executionId
	 * @param {{ until?: 'ended' | 'waiting', timeoutMs?: number }} [options]
	 */
	async execution(executionId, { until = 'ended', timeoutMs = 180_000 } = {}) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const answer = await this.rest.get(`/rest/executions/${executionId}`);
			const saved = answer.json?.data;
			const status = saved?.status;
			// The status can be saved a moment before the run's data (seen on n8n 1.123: no data, or "[]").
			const data = typeof saved?.data === 'string' && saved.data.length > 0 ? parse(saved.data) : undefined;
			if (data?.resultData && (ENDED.includes(status) || (until === 'waiting' && status === 'waiting'))) {
				const run = { id: executionId, status, mode: saved.mode, finished: saved.finished, startedAt: saved.startedAt, stoppedAt: saved.stoppedAt, data };
				await this.downloadBinaries(run);
				return { run, code: status === 'success' ? 0 : 1, executionId };
			}
			if (Date.now() > deadline) throw new Error(`execution ${executionId} is still ${status ?? JSON.stringify(answer.json).slice(0, 300)} after ${timeoutMs / 1000} s`);
			await pause(150);
		}
	}

	/** The status n8n shows for an execution. @param {string} executionId */
	async status(executionId) {
		return (await this.rest.get(`/rest/executions/${executionId}`)).json?.data?.status;
	}

	/** Fills in the bytes of every binary kept in n8n's store (filesystem or database mode). @param {any} run */
	async downloadBinaries(run) {
		for (const taskRuns of Object.values(run.data?.resultData?.runData ?? {})) {
			for (const taskRun of /** @type {any[]} */ (taskRuns)) {
				for (const output of Object.values(taskRun.data ?? {}).flat()) {
					for (const item of /** @type {any[]} */ (output ?? [])) {
						for (const binary of Object.values(item?.binary ?? {})) {
							if (!binary.id) continue;
							binary.data = (await this.binary(binary.id)).toString('base64');
						}
					}
				}
			}
		}
	}

	/** The bytes of one binary in n8n's store, as the editor downloads them. @param {string} id */
	async binary(id) {
		const answer = await this.rest.bytes(`/rest/binary-data?id=${encodeURIComponent(id)}&action=download`);
		if (answer.status !== 200) throw new Error(`downloading binary ${id} failed: ${answer.status}`);
		return answer.body;
	}
}

module.exports = { startN8n, sharedN8n, connectN8n: connect, SHARED_ENV };
