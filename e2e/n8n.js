// @ts-check
'use strict';
/**
 * A real, headless n8n with this pack installed the way the community-nodes panel installs it
 * (an npm-packed copy in <user folder>/.n8n/nodes/node_modules), driven through its CLI:
 * import credentials and workflows, execute, read the run's JSON.
 */
const { spawn, spawnSync } = require('node:child_process');
const { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { ensureN8n } = require('./install-n8n');

const ROOT = resolve(__dirname, '..');

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
	cpSync(packPackage(), nodesDir, { recursive: true });

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
		N8N_RUNNERS_BROKER_PORT: String(5700 + Math.floor(Math.random() * 200)),
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
	function cli(args, runOptions = {}) {
		return new Promise((resolvePromise, reject) => {
			const child = spawn('node', [install.n8nBin, ...args], {
				env: { ...env, ...(runOptions.quiet ? { N8N_LOG_LEVEL: 'warn' } : {}) },
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
		 * `n8n start` on a free port; resolves once the editor (and REST API) is served.
		 * @returns {Promise<{ baseUrl: string, stop: () => Promise<void> }>}
		 */
		async startServer() {
			const port = 5900 + Math.floor(Math.random() * 90);
			const child = spawn('node', [install.n8nBin, 'start'], {
				env: { ...env, N8N_PORT: String(port), N8N_LISTEN_ADDRESS: '127.0.0.1' },
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let log = '';
			child.stdout.on('data', (chunk) => (log += chunk));
			child.stderr.on('data', (chunk) => (log += chunk));
			const stop = () =>
				new Promise((resolveStop) => {
					if (child.exitCode !== null) return resolveStop(undefined);
					child.once('close', () => resolveStop(undefined));
					child.kill('SIGTERM');
					setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
				});
			const started = Date.now();
			// Not /healthz/readiness: it answers before n8n is done starting (../shared/n8n-local.md).
			while (!log.includes('Editor is now accessible')) {
				if (child.exitCode !== null || Date.now() - started > 120_000) {
					await stop();
					throw new Error(`n8n start failed:\n${log.slice(-3000)}`);
				}
				await new Promise((resolveWait) => setTimeout(resolveWait, 250));
			}
			return { baseUrl: `http://127.0.0.1:${port}`, stop: /** @type {() => Promise<void>} */ (stop) };
		},
		cleanup() {
			rmSync(userFolder, { recursive: true, force: true });
		},
	};
}

/** Items a node output in a run, as n8n's execute prints them. */
function nodeOutput(run, nodeName) {
	const runs = run?.data?.resultData?.runData?.[nodeName];
	if (!runs) throw new Error(`node "${nodeName}" did not run; nodes that ran: ${Object.keys(run?.data?.resultData?.runData ?? {}).join(', ')}`);
	return runs[0].data?.main?.[0] ?? [];
}

module.exports = { createInstance, nodeOutput, packPackage, FLUX_NODE_TYPE };
