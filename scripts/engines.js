// @ts-check
'use strict';
/**
 * Which installed packages say they do not support the Node.js running this: the engine warnings
 * `npm ci` would print, read from package-lock.json. `.npmrc` sets loglevel=error, so npm no
 * longer prints them; `npm run verify` prints this list instead and fails on any package that is
 * not in KNOWN with the reason it is harmless. A real problem (say, a Node 20 older than a dev tool
 * needs) therefore still fails, by name.
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

/**
 * Packages whose engines field excludes the Node versions this repository runs on, and why that
 * is harmless. Keyed by package name; the version is reported.
 */
const KNOWN = {
	ai: "wants Node 22; the fidelity test (test/emulator/fidelity.test.js) loads it with require(esm) on Node 20.19+ and runs it against the emulator, which passes",
	'@ai-sdk/black-forest-labs': 'wants Node 22; the fidelity test client, as above',
	'@ai-sdk/gateway': 'wants Node 22; a dependency of ai, as above',
	'@ai-sdk/provider': 'wants Node 22; a dependency of the fidelity test client, as above',
	'@ai-sdk/provider-utils': 'wants Node 22; a dependency of the fidelity test client, as above',
	'isolated-vm':
		"wants Node 24; n8n-workflow's expression runtime requires it only for its isolated-vm engine, which nothing here turns on (ignore-scripts also leaves its native build out)",
};

/** `1.2.3` → [1, 2, 3]; missing parts and `x`/`*` are null. @param {string} text @returns {Array<number | null>} */
function parts(text) {
	const [major, minor, patch] = text.replace(/^v/, '').split('-')[0].split('.');
	const part = (/** @type {string | undefined} */ value) => (value === undefined || value === '' || /^[x*]$/i.test(value) ? null : Number(value));
	return [part(major), part(minor), part(patch)];
}

/** Compares two full versions. @param {number[]} a @param {number[]} b */
function compare(a, b) {
	for (let index = 0; index < 3; index++) if (a[index] !== b[index]) return a[index] - b[index];
	return 0;
}

/** The comparators one range term stands for, as [operator, full version] pairs. @param {string} term @returns {Array<[string, number[]]>} */
function comparators(term) {
	const match = /^(>=|<=|>|<|=|\^|~)?\s*(.*)$/.exec(term.trim());
	if (!match) throw new Error(`cannot read the range term "${term}"`);
	const operator = match[1] ?? '';
	const [major, minor, patch] = parts(match[2]);
	if (major === null) return [];
	const low = [major, minor ?? 0, patch ?? 0];
	const nextMajor = [major + 1, 0, 0];
	const nextMinor = [major, (minor ?? 0) + 1, 0];
	if (operator === '^') return [['>=', low], ['<', major > 0 || minor === null ? nextMajor : nextMinor]];
	if (operator === '~') return [['>=', low], ['<', minor === null ? nextMajor : nextMinor]];
	if (operator === '' || operator === '=') {
		if (minor === null) return [['>=', low], ['<', nextMajor]];
		if (patch === null) return [['>=', low], ['<', nextMinor]];
		return [['=', low]];
	}
	if (operator === '>' && minor === null) return [['>=', nextMajor]];
	if (operator === '>' && patch === null) return [['>=', nextMinor]];
	if (operator === '<=' && minor === null) return [['<', nextMajor]];
	if (operator === '<=' && patch === null) return [['<', nextMinor]];
	return [[operator, low]];
}

/**
 * Whether `version` satisfies an npm engines range (`>=18`, `^18.18.0 || >=20`, `14 >=14.17`,
 * `6.* || >= 10.*`, `*`): the subset of semver ranges package.json engines use, prereleases aside.
 * @param {string} version @param {string} range
 */
function satisfies(version, range) {
	const current = /** @type {number[]} */ (parts(version).map((part) => part ?? 0));
	return range.split('||').some((alternative) => {
		const terms = alternative.trim().replace(/(>=|<=|>|<|=)\s+/g, '$1').split(/\s+/).filter(Boolean);
		return terms.flatMap(comparators).every(([operator, bound]) => {
			const order = compare(current, bound);
			return { '>=': order >= 0, '<=': order <= 0, '>': order > 0, '<': order < 0, '=': order === 0 }[operator];
		});
	});
}

/** Whether npm installs a lock entry here: its `os` and `cpu` lists (`!` negates) admit this machine. @param {any} entry */
function installedHere(entry, platform = process.platform, arch = process.arch) {
	const admits = (/** @type {string[] | undefined} */ list, /** @type {string} */ value) =>
		!list || (list.some((item) => !item.startsWith('!')) ? list.includes(value) : !list.includes(`!${value}`));
	return admits(entry.os, platform) && admits(entry.cpu, arch);
}

/**
 * The lock's packages that npm installs on this machine and whose `engines.node` this Node does
 * not satisfy, split into known (with the reason) and unexpected.
 * @param {string} root @param {string} [nodeVersion]
 */
function checkEngines(root, nodeVersion = process.version) {
	const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
	/** @type {Map<string, { name: string, versions: Set<string>, range: string }>} */
	const mismatches = new Map();
	for (const [path, entry] of Object.entries(lock.packages ?? {})) {
		const range = entry.engines?.node;
		if (!path || typeof range !== 'string' || !installedHere(entry) || satisfies(nodeVersion, range)) continue;
		const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
		const found = mismatches.get(name) ?? { name, versions: new Set(), range };
		found.versions.add(entry.version);
		mismatches.set(name, found);
	}
	const all = [...mismatches.values()].map(({ name, versions, range }) => ({ name, versions: [...versions].join(', '), range }));
	return {
		known: all.filter((entry) => entry.name in KNOWN).map((entry) => ({ ...entry, reason: KNOWN[/** @type {keyof typeof KNOWN} */ (entry.name)] })),
		unexpected: all.filter((entry) => !(entry.name in KNOWN)),
	};
}

module.exports = { checkEngines, satisfies, KNOWN };
