// @ts-check
'use strict';
/**
 * Redis and PostgreSQL for n8n's queue mode, on loopback, as throwaway child processes: Debian's
 * packages (harness/system-packages.js installs them when missing), free ports, data in one temporary
 * folder that is removed afterwards. Nothing is installed as a service and nothing is left running.
 *
 * - Redis: `redis-server` on 127.0.0.1, no persistence.
 * - PostgreSQL refuses to run as root: `initdb` and `postgres` run as the `postgres` user
 *   (`runuser -u postgres --`) on a data folder owned by it. Superuser `n8n` with a random
 *   password for TCP (scram-sha-256), trust on its private Unix socket; database `n8n`.
 *   fsync is off: the cluster lives for one run.
 *
 * Every process started here (n8n's too, through `spawnGroup`) leads its own process group, and
 * every group still alive when this process exits (normally, by a signal, or after a failure) is
 * killed with SIGKILL (and the temporary folders removed). `stop()` stops them cleanly first: PostgreSQL with a fast shutdown, Redis
 * with SIGTERM.
 */
const { spawn, spawnSync } = require('node:child_process');
const { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const net = require('node:net');
const { constants, tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomBytes } = require('node:crypto');
const { ensureSystemPackages, postgresBin } = require('./system-packages');

/** @type {Set<number>} Leaders (= group ids) of the process groups started here and not yet stopped. */
const liveGroups = new Set();

/** @type {Set<string>} Temporary folders to remove if this process exits before they are cleaned up. */
const liveFolders = new Set();

function killAllGroups() {
	for (const pgid of liveGroups) {
		try {
			process.kill(-pgid, 'SIGKILL');
		} catch {
			// already gone
		}
	}
	liveGroups.clear();
	for (const folder of liveFolders) rmSync(folder, { recursive: true, force: true });
	liveFolders.clear();
}

/**
 * A temporary folder removed when this process exits, unless `removeFolder` removed it before.
 * @param {string} folder
 */
function removeOnExit(folder) {
	hookExit();
	liveFolders.add(folder);
	return folder;
}

/** @param {string} folder */
function removeFolder(folder) {
	rmSync(folder, { recursive: true, force: true });
	liveFolders.delete(folder);
}

let exitHooked = false;
function hookExit() {
	if (exitHooked) return;
	exitHooked = true;
	process.on('exit', killAllGroups);
	for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
		process.once(signal, () => {
			killAllGroups();
			process.exit(128 + (constants.signals[signal] ?? 0));
		});
	}
}

/**
 * A child process leading its own process group (so its children, n8n's task runners or
 * PostgreSQL's backends, are stopped with it), its output kept (the last 200 kB) for diagnostics.
 * @param {string} name for messages
 * @param {string} command
 * @param {string[]} args
 * @param {import('node:child_process').SpawnOptions} [options]
 */
function spawnGroup(name, command, args, options = {}) {
	hookExit();
	const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
	const pgid = child.pid;
	liveGroups.add(pgid);
	let output = '';
	/** @param {Buffer} chunk */
	const keep = (chunk) => {
		output += chunk.toString('utf8');
		if (output.length > 400_000) output = output.slice(-200_000);
	};
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	/** @type {Promise<number | null>} */
	const exited = new Promise((resolve) => {
		child.on('error', (error) => {
			keep(Buffer.from(`\n[${name}: ${error.message}]\n`));
			liveGroups.delete(pgid);
			resolve(null);
		});
		child.on('close', (code, signal) => {
			liveGroups.delete(pgid);
			resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : null));
		});
	});
	let exitCode = /** @type {number | null | undefined} */ (undefined);
	void exited.then((code) => (exitCode = code));
	return {
		name,
		pid: pgid,
		child,
		exited,
		/** The process has exited (its group may still have members until it is killed). */
		get running() {
			return exitCode === undefined;
		},
		output: () => output,
		/** Sends a signal to the whole group. @param {NodeJS.Signals} signal */
		signalGroup(signal) {
			try {
				process.kill(-pgid, signal);
			} catch {
				// gone
			}
		},
		/**
		 * Stops the process: `gently` (a signal or an action), then SIGKILL to the group after
		 * `graceMs`, and SIGKILL to whatever of the group outlived its leader.
		 * @param {() => void} gently @param {number} graceMs
		 */
		async stop(gently, graceMs) {
			if (exitCode === undefined) {
				gently();
				const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
				await exited;
				clearTimeout(timer);
			}
			this.signalGroup('SIGKILL');
			liveGroups.delete(pgid);
		},
	};
}

/** A free TCP port on 127.0.0.1 (not one handed out earlier by this process). */
const handedOut = new Set();
async function freePort() {
	for (;;) {
		const port = await new Promise((resolve, reject) => {
			const server = net.createServer();
			server.unref();
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => {
				const { port: chosen } = /** @type {net.AddressInfo} */ (server.address());
				server.close(() => resolve(chosen));
			});
		});
		if (!handedOut.has(port)) {
			handedOut.add(port);
			return /** @type {number} */ (port);
		}
	}
}

/**
 * Waits until `check` resolves true, or fails with `describe()` when `timeoutMs` passed or `alive()` says the process died.
 * @param {string} what @param {() => Promise<boolean> | boolean} check
 * @param {{ timeoutMs: number, alive?: () => boolean, describe?: () => string, intervalMs?: number }} options
 */
async function waitFor(what, check, { timeoutMs, alive = () => true, describe = () => '', intervalMs = 200 }) {
	const started = Date.now();
	for (;;) {
		if (await check()) return Date.now() - started;
		if (!alive()) throw new Error(`${what}: the process exited before it was ready\n${describe()}`);
		if (Date.now() - started > timeoutMs) throw new Error(`${what}: not ready after ${timeoutMs / 1000} s\n${describe()}`);
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}

/** Sends one inline command to Redis and resolves with its first answer line ('' on failure). @param {number} port @param {string} command */
function redisCommand(port, command) {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		let answer = '';
		const done = (/** @type {string} */ value) => {
			socket.destroy();
			resolve(value);
		};
		socket.setTimeout(2000, () => done(''));
		socket.on('error', () => done(''));
		socket.on('connect', () => socket.write(`${command}\r\n`));
		socket.on('data', (chunk) => {
			answer += chunk.toString('utf8');
			if (answer.includes('\r\n')) done(answer.split('\r\n')[0]);
		});
	});
}

/** The last lines of a log. @param {string} text */
function tail(text, lines = 40) {
	return text.trim().split('\n').slice(-lines).join('\n');
}

/** uid and gid of a system user. @param {string} user */
function idsOf(user) {
	const uid = spawnSync('id', ['-u', user], { encoding: 'utf8' });
	const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
	if (uid.status !== 0 || gid.status !== 0) throw new Error(`there is no "${user}" user (the postgresql package creates it)`);
	return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * Starts Redis and PostgreSQL on free loopback ports, data in one temporary folder.
 * @param {{ log?: (line: string) => void }} [options]
 */
async function startServices(options = {}) {
	const log = options.log ?? (() => {});
	const versions = ensureSystemPackages(['redis', 'postgres']);
	const bin = postgresBin();
	if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
	if (process.getuid?.() !== 0) throw new Error('starting PostgreSQL as the postgres user needs root (runuser)');

	const root = removeOnExit(mkdtempSync(join(tmpdir(), 'n8n-bfl-services-')));
	chmodSync(root, 0o711); // the postgres user must reach its folder inside
	/** @type {Array<ReturnType<typeof spawnGroup>>} */
	const started = [];
	let stopped = false;

	async function stopAll() {
		if (stopped) return;
		stopped = true;
		for (const service of started.reverse()) {
			if (service.name === 'postgres') {
				// Fast shutdown, sent to the postmaster itself: runuser (its parent) would answer a
				// signal by killing it after 2 s.
				const pidFile = join(root, 'postgres', 'data', 'postmaster.pid');
				const postmaster = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
				await service.stop(() => {
					if (postmaster > 0) {
						try {
							process.kill(postmaster, 'SIGINT');
							return;
						} catch {
							// fall through
						}
					}
					service.signalGroup('SIGINT');
				}, 20_000);
			} else {
				await service.stop(() => service.signalGroup('SIGTERM'), 10_000);
			}
		}
		removeFolder(root);
	}

	try {
		// Redis
		const redisPort = await freePort();
		const redisDir = join(root, 'redis');
		mkdirSync(redisDir);
		const redisStarted = Date.now();
		const redis = spawnGroup('redis', 'redis-server', [
			'--port', String(redisPort),
			'--bind', '127.0.0.1',
			'--save', '',
			'--appendonly', 'no',
			'--daemonize', 'no',
			'--dir', redisDir,
			'--loglevel', 'warning',
		]);
		started.push(redis);
		await waitFor('redis-server', async () => (await redisCommand(redisPort, 'PING')) === '+PONG', {
			timeoutMs: 30_000,
			alive: () => redis.running,
			describe: () => tail(redis.output()),
		});
		log(`Redis ${/v=([\d.]+)/.exec(versions.redis)?.[1] ?? ''} on 127.0.0.1:${redisPort} (${Date.now() - redisStarted} ms)`);

		// PostgreSQL
		const { uid, gid } = idsOf('postgres');
		const pgDir = join(root, 'postgres');
		const dataDir = join(pgDir, 'data');
		const socketDir = join(pgDir, 'socket');
		mkdirSync(pgDir, { mode: 0o700 });
		mkdirSync(socketDir, { mode: 0o700 });
		const password = randomBytes(12).toString('hex');
		const pwFile = join(pgDir, 'pw');
		writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
		for (const path of [pgDir, socketDir, pwFile]) chownSync(path, uid, gid);
		const asPostgres = (/** @type {string} */ program, /** @type {string[]} */ args) =>
			spawnSync('runuser', ['-u', 'postgres', '--', join(bin, program), ...args], { cwd: pgDir, encoding: 'utf8', timeout: 120_000 });
		const pgStarted = Date.now();
		const initdb = asPostgres('initdb', [
			'-D', dataDir,
			'-U', 'n8n',
			`--pwfile=${pwFile}`,
			'--auth-local=trust',
			'--auth-host=scram-sha-256',
			'-E', 'UTF8',
			'--no-locale',
			'--no-sync',
		]);
		rmSync(pwFile, { force: true });
		if (initdb.status !== 0) throw new Error(`initdb failed (${initdb.status}):\n${tail(`${initdb.stdout}\n${initdb.stderr}`)}`);

		const pgPort = await freePort();
		const postgres = spawnGroup(
			'postgres',
			'runuser',
			[
				'-u', 'postgres', '--', join(bin, 'postgres'),
				'-D', dataDir,
				'-p', String(pgPort),
				'-c', 'listen_addresses=127.0.0.1',
				'-c', `unix_socket_directories=${socketDir}`,
				'-c', 'fsync=off',
				'-c', 'synchronous_commit=off',
				'-c', 'full_page_writes=off',
				'-c', 'max_connections=100',
			],
			{ cwd: pgDir },
		);
		started.push(postgres);
		await waitFor('postgres', () => postgres.output().includes('database system is ready to accept connections'), {
			timeoutMs: 60_000,
			alive: () => postgres.running,
			describe: () => tail(postgres.output()),
		});
		const createdb = asPostgres('createdb', ['-h', socketDir, '-p', String(pgPort), '-U', 'n8n', 'n8n']);
		if (createdb.status !== 0) throw new Error(`createdb failed (${createdb.status}):\n${createdb.stderr}`);
		log(`PostgreSQL ${/\) ([\d.]+)/.exec(versions.postgres)?.[1] ?? ''} on 127.0.0.1:${pgPort}, data in ${dataDir} (${Date.now() - pgStarted} ms)`);

		return {
			root,
			redis: { host: '127.0.0.1', port: redisPort, process: redis },
			postgres: { host: '127.0.0.1', port: pgPort, database: 'n8n', user: 'n8n', password, process: postgres },
			/** The environment n8n needs to use both. */
			n8nEnv: {
				DB_TYPE: 'postgresdb',
				DB_POSTGRESDB_HOST: '127.0.0.1',
				DB_POSTGRESDB_PORT: String(pgPort),
				DB_POSTGRESDB_DATABASE: 'n8n',
				DB_POSTGRESDB_USER: 'n8n',
				DB_POSTGRESDB_PASSWORD: password,
				QUEUE_BULL_REDIS_HOST: '127.0.0.1',
				QUEUE_BULL_REDIS_PORT: String(redisPort),
			},
			/** Stops PostgreSQL (fast shutdown) and Redis, then removes their data. */
			stop: stopAll,
		};
	} catch (error) {
		await stopAll();
		throw error;
	}
}

module.exports = { startServices, spawnGroup, freePort, waitFor, killAllGroups, removeOnExit, removeFolder, redisCommand };

if (require.main === module) {
	// `node harness/services.js`: start both, print how to reach them, stop on Enter or Ctrl-C.
	(async () => {
		const services = await startServices({ log: console.log });
		console.log(JSON.stringify(services.n8nEnv, null, 2));
		console.log('Press Enter to stop.');
		process.stdin.once('data', async () => {
			await services.stop();
			console.log('stopped');
			process.exit(0);
		});
	})().catch((error) => {
		console.error(error);
		process.exit(1);
	});
}
