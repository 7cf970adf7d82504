// @ts-check
'use strict';
/**
 * A real, headless n8n with this pack installed the way the community-nodes panel installs it
 * (an npm-packed copy in <user folder>/.n8n/nodes/node_modules), driven through its CLI:
 * import credentials and workflows, execute, read the run's JSON.
 */
const { spawn, spawnSync } = require('node:child_process');
const { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { ensureN8n } = require('./install-n8n');
const { freePort, spawnGroup, waitFor } = require('./services');
const { Agent, setGlobalDispatcher } = require('undici');

const ROOT = resolve(__dirname, '..');

// Every HTTP request of the harness and the suites (undici's global dispatcher) on a new connection:
// n8n closes an idle keep-alive socket after 5 s, and when the cores are busy a request can go out
// on one it is closing ("other side closed", seen once in npm test's lanes). On loopback a new
// connection costs next to nothing.
setGlobalDispatcher(new Agent({ pipelining: 0 }));

/** Packs the repository with `npm pack` (so `files` is honoured) into a fresh folder. */
function packPackage() {
	const out = mkdtempSync(join(tmpdir(), 'n8n-nodes-bfl-pack-'));
	const packed = spawnSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: ROOT, encoding: 'utf8' });
	if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
	const tarball = join(out, packed.stdout.trim().split('\n').pop() ?? '');
	const extracted = join(out, 'extracted');
	mkdirSync(extracted);
	const tar = spawnSync('tar', ['-xzf', tarball, '-C', extracted]);
	if (tar.status !== 0) throw new Error(`could not unpack ${tarball}`);
	return join(extracted, 'package');
}

/** The pack's node type as n8n names community packages: <package name>.<node name>. */
const FLUX_NODE_TYPE = 'n8n-nodes-bfl.flux';

/**
 * @param {{ major?: 1 | 2, userFolder?: string, env?: NodeJS.ProcessEnv }} [options]
 */
function createInstance(options = {}) {
	const major = options.major ?? 1;
	const install = ensureN8n(major);
	const userFolder = options.userFolder ?? mkdtempSync(join(tmpdir(), `n8n-bfl-${major}-`));
	const nodesDir = join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-bfl');
	rmSync(nodesDir, { recursive: true, force: true });
	mkdirSync(join(userFolder, '.n8n', 'nodes', 'node_modules'), { recursive: true });
	const packed = packPackage();
	cpSync(packed, nodesDir, { recursive: true });
	rmSync(join(packed, '..', '..'), { recursive: true, force: true }); // the pack folder: tarball and extraction

	/** @type {NodeJS.ProcessEnv} */
	const env = {
		...process.env,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'n8n-nodes-bfl-local-test-key-0123456789',
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_LOG_LEVEL: 'info',
		N8N_RESTRICT_FILE_ACCESS_TO: options.env?.N8N_RESTRICT_FILE_ACCESS_TO ?? tmpdir(),
		N8N_DEFAULT_BINARY_DATA_MODE: 'default',
		N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
		...(major === 1 ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {}),
		...(install.pathPrefix ? { PATH: `${install.pathPrefix}:${process.env.PATH}` } : {}),
		...options.env,
	};
	for (const name of Object.keys(env)) if (name.startsWith('npm_')) delete env[name];

	/**
	 * Runs one n8n CLI command.
	 * @param {string[]} args
	 * @param {{ quiet?: boolean, timeoutMs?: number }} [runOptions]
	 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
	 */
	async function cli(args, runOptions = {}) {
		// Each process its own task-broker port: one still exiting never blocks the next.
		const brokerPort = await freePort();
		return await new Promise((resolvePromise, reject) => {
			const child = spawn('node', [install.n8nBin, ...args], {
				env: { N8N_RUNNERS_BROKER_PORT: String(brokerPort), ...env, ...(runOptions.quiet ? { N8N_LOG_LEVEL: 'warn' } : {}) },
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (chunk) => (stdout += chunk));
			child.stderr.on('data', (chunk) => (stderr += chunk));
			const timer = setTimeout(() => {
				child.kill('SIGKILL');
				reject(new Error(`n8n ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
			}, runOptions.timeoutMs ?? 180_000);
			child.on('error', reject);
			child.on('close', (code) => {
				clearTimeout(timer);
				resolvePromise({ code, stdout, stderr });
			});
		});
	}

	/** @param {string} kind @param {unknown} data */
	async function importJson(kind, data) {
		const dir = mkdtempSync(join(tmpdir(), 'n8n-import-'));
		const file = join(dir, `${kind}.json`);
		writeFileSync(file, JSON.stringify(data));
		const result = await cli([`import:${kind}`, `--input=${file}`], { quiet: true });
		rmSync(dir, { recursive: true, force: true });
		if (result.code !== 0) throw new Error(`n8n import:${kind} failed:\n${result.stdout}\n${result.stderr}`);
	}

	return {
		major,
		version: install.version,
		n8nBin: install.n8nBin,
		/** The Node that runs this n8n (24 for 2.x). */
		nodeBinary: install.nodeBinary,
		userFolder,
		env,
		cli,
		/** @param {Array<Record<string, unknown>>} credentials */
		importCredentials: (credentials) => importJson('credentials', credentials),
		/** @param {Record<string, unknown>} workflow */
		importWorkflow: (workflow) => importJson('workflow', workflow),
		/**
		 * Executes an imported workflow; returns the run (JSON) and the exit code.
		 * @param {string} id
		 */
		async execute(id) {
			const result = await cli(['execute', `--id=${id}`, '--rawOutput']);
			const lines = result.stdout.split('\n');
			const start = lines.indexOf('{');
			const end = lines.indexOf('}', start);
			if (start < 0 || end < 0) {
				throw new Error(`n8n execute printed no run JSON (exit ${result.code}):\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
			}
			return { code: result.code, run: JSON.parse(lines.slice(start, end + 1).join('\n')), stdout: result.stdout, stderr: result.stderr };
		},
		/**
		 * `n8n start` on a free port (or `options.port`, to start again where it was); resolves once
		 * the editor (and REST API) is served. `extraEnv` may be computed from the server's base URL
		 * (e.g. WEBHOOK_URL).
		 * @param {NodeJS.ProcessEnv | ((baseUrl: string) => NodeJS.ProcessEnv)} [extraEnv]
		 * @param {{ port?: number }} [options]
		 * @returns {Promise<{ baseUrl: string, port: number, pid: number, log: () => string, stop: () => Promise<void> }>}
		 */
		async startServer(extraEnv = {}, options = {}) {
			const port = options.port ?? (await freePort());
			const brokerPort = await freePort();
			// Its own process group: stopping it stops its task runners too (harness/services.js).
			const server = spawnGroup(`n8n ${install.version}`, 'node', [install.n8nBin, 'start'], {
				env: {
					N8N_RUNNERS_BROKER_PORT: String(brokerPort),
					...env,
					N8N_PORT: String(port),
					N8N_LISTEN_ADDRESS: '127.0.0.1',
					...(typeof extraEnv === 'function' ? extraEnv(`http://127.0.0.1:${port}`) : extraEnv),
				},
			});
			const stop = () => server.stop(() => server.signalGroup('SIGTERM'), 10_000);
			// Not /healthz/readiness: it answers before n8n is done starting (../shared/n8n-local.md).
			await waitFor(`n8n ${install.version} start`, () => server.output().includes('Editor is now accessible'), {
				timeoutMs: 120_000,
				intervalMs: 250,
				alive: () => server.running,
				describe: () => server.output().slice(-3000),
			}).catch(async (error) => {
				await stop();
				throw error;
			});
			return { baseUrl: `http://127.0.0.1:${port}`, port, pid: server.pid, log: server.output, stop };
		},
		cleanup() {
			rmSync(userFolder, { recursive: true, force: true });
		},
	};
}

/** The owner every test instance is set up with. */
const OWNER = { email: 'owner@example.com', password: 'E2e-Passw0rd!', firstName: 'E2E', lastName: 'Owner' };

/**
 * A logged-in client of a running n8n's REST API (owner set up on first use), as the editor uses it.
 * @param {string} baseUrl
 */
async function restClient(baseUrl) {
	const { request } = require('undici');
	let cookie = '';
	/** @param {string} method @param {string} path @param {unknown} [body] */
	async function call(method, path, body) {
		const response = await request(`${baseUrl}${path}`, {
			method: /** @type {any} */ (method),
			headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.body.text();
		let json;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = text;
		}
		return { status: response.statusCode, headers: response.headers, json };
	}
	/** @param {string} path */
	async function bytes(path) {
		const response = await request(`${baseUrl}${path}`, { headers: cookie ? { cookie } : {} });
		return { status: response.statusCode, headers: response.headers, body: Buffer.from(await response.body.arrayBuffer()) };
	}
	await call('POST', '/rest/owner/setup', OWNER);
	const login = await call('POST', '/rest/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
	cookie = [login.headers['set-cookie'] ?? []].flat().map((value) => String(value).split(';')[0]).join('; ');
	return {
		cookie,
		/** @param {string} path */ get: (path) => call('GET', path),
		bytes,
		/** @param {string} path @param {unknown} body */ post: (path, body) => call('POST', path, body),
		/** @param {string} path @param {unknown} body */ patch: (path, body) => call('PATCH', path, body),
		/**
		 * Activates (publishes) an imported workflow so its triggers listen (both n8n lines).
		 * @param {string} id
		 */
		async activate(id) {
			const workflow = (await call('GET', `/rest/workflows/${id}`)).json?.data;
			if (!workflow) throw new Error(`workflow ${id} not found over REST`);
			let answer = await call('POST', `/rest/workflows/${id}/activate`, { versionId: workflow.versionId });
			if (answer.status === 404) answer = await call('PATCH', `/rest/workflows/${id}`, { ...workflow, active: true });
			if (answer.status >= 300) throw new Error(`activating ${id} failed: ${answer.status} ${JSON.stringify(answer.json).slice(0, 500)}`);
			return answer.json?.data;
		},
		call,
	};
}

/** Items a node output in a run, as n8n's execute prints them. */
function nodeOutput(run, nodeName) {
	const runs = run?.data?.resultData?.runData?.[nodeName];
	if (!runs) throw new Error(`node "${nodeName}" did not run; nodes that ran: ${Object.keys(run?.data?.resultData?.runData ?? {}).join(', ')}`);
	return runs[0].data?.main?.[0] ?? [];
}

/**
 * Peak resident memory (MB) while the returned function is not yet called: of a running n8n
 * server (`pid`: its resident set, sampled), or else of `n8n execute` processes (their VmHWM).
 * @param {number} [pid]
 */
function watchPeakMemory(pid) {
	let peakKb = 0;
	/** @param {string} id @param {'VmRSS' | 'VmHWM'} field */
	const read = (id, field) => {
		try {
			const status = readFileSync(`/proc/${id}/status`, 'utf8');
			peakKb = Math.max(peakKb, Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0));
		} catch {
			// ended between pgrep and the read
		}
	};
	const sample = () => {
		if (pid) return read(String(pid), 'VmRSS');
		const pids = spawnSync('pgrep', ['-f', 'n8n/bin/n8n execute'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
		for (const id of pids) read(id, 'VmHWM');
	};
	const timer = setInterval(sample, 50);
	timer.unref(); // a failed run must not keep the test process alive
	return () => {
		clearInterval(timer);
		sample();
		return Math.round(peakKb / 1024);
	};
}

/** The trigger's node type. */
const FLUX_TRIGGER_TYPE = 'n8n-nodes-bfl.fluxTrigger';

module.exports = { createInstance, nodeOutput, packPackage, restClient, watchPeakMemory, OWNER, FLUX_NODE_TYPE, FLUX_TRIGGER_TYPE };
