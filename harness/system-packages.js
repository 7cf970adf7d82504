// @ts-check
'use strict';
/**
 * Debian packages the end-to-end tests use where users have the real thing: Chromium for the
 * editor test, Redis and PostgreSQL for queue mode. Installed with apt when missing (CI runs as
 * root), and trusted only when the program really runs.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync } = require('node:fs');

/** @param {string} command @param {string[]} args */
function runs(command, args) {
	const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
	return result.status === 0 ? `${result.stdout}${result.stderr}`.trim().split('\n')[0] : undefined;
}

/** PostgreSQL's server binaries are not on PATH on Debian: /usr/lib/postgresql/<major>/bin. */
function postgresBin() {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	for (const major of readdirSync(root).sort().reverse()) {
		const bin = `${root}/${major}/bin`;
		if (existsSync(`${bin}/initdb`) && existsSync(`${bin}/postgres`)) return bin;
	}
	return undefined;
}

/** What each capability needs: its Debian packages, and a check that the program runs. */
const CAPABILITIES = {
	chromium: { packages: ['chromium'], check: () => runs('/usr/bin/chromium', ['--version']) },
	redis: { packages: ['redis-server'], check: () => runs('redis-server', ['--version']) },
	postgres: {
		packages: ['postgresql'],
		check: () => {
			const bin = postgresBin();
			return bin ? runs(`${bin}/postgres`, ['--version']) : undefined;
		},
	},
};

/**
 * Makes sure each capability works, installing what is missing with apt (once, together).
 * @param {Array<keyof typeof CAPABILITIES>} names
 * @returns {Record<string, string>} the version line of each
 */
function ensureSystemPackages(names) {
	const missing = names.filter((name) => !CAPABILITIES[name].check());
	if (missing.length) {
		const packages = missing.flatMap((name) => CAPABILITIES[name].packages);
		console.error(`Installing Debian packages for the end-to-end tests: ${packages.join(' ')} (about a minute)...`);
		/** @param {string[]} args */
		const apt = (args) => {
			// CI runs as root; elsewhere apt needs sudo.
			const [command, ...rest] = process.getuid?.() === 0 ? ['apt-get', ...args] : ['sudo', 'apt-get', ...args];
			const result = spawnSync(command, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
			if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed`);
		};
		apt(['update']);
		apt(['install', '-y', '--no-install-recommends', ...packages]);
	}
	/** @type {Record<string, string>} */
	const versions = {};
	for (const name of names) {
		const version = CAPABILITIES[name].check();
		if (!version) throw new Error(`${name} was installed but does not run`);
		versions[name] = version;
	}
	return versions;
}

module.exports = { ensureSystemPackages, postgresBin, CAPABILITIES };

if (require.main === module) {
	const names = /** @type {Array<keyof typeof CAPABILITIES>} */ (process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(CAPABILITIES));
	for (const [name, version] of Object.entries(ensureSystemPackages(names))) console.log(`${name}: ${version}`);
}
