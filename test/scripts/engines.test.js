// @ts-check
'use strict';
/**
 * scripts/engines.js: the engine warnings npm no longer prints (.npmrc: loglevel=error) are read
 * from the lock instead, and `npm run verify` fails on any that is not known to be harmless.
 */
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const { checkEngines, satisfies, KNOWN } = require('../../scripts/engines');

const ROOT = join(__dirname, '..', '..');

describe('satisfies: the engines ranges package-lock.json holds', () => {
	test.each([
		['v20.20.2', '>=20.15', true],
		['v20.15.0', '>=20.15', true],
		['v20.14.9', '>=20.15', false],
		['v20.20.2', '>=22', false],
		['v24.0.0', '>=24.0.0', true],
		['v20.19.0', '^20.19.0 || ^22.13.0 || >=24', true],
		['v22.12.0', '^20.19.0 || ^22.13.0 || >=24', false],
		['v20.18.0', '>=20.18.1', false],
		['v20.16.0', '>=20.16.0 <21 || >=22.3.0', true],
		['v21.5.0', '>=20.16.0 <21 || >=22.3.0', false],
		['v20.1.0', '18 || 20 || >=22', true],
		['v21.0.0', '18 || 20 || >=22', false],
		['v14.20.0', '>=16 || 14 >=14.17', true],
		['v14.16.0', '>=16 || 14 >=14.17', false],
		['v20.0.0', '6.* || 8.* || >= 10.*', true],
		['v9.0.0', '6.* || 8.* || >= 10.*', false],
		['v20.0.0', '>= 0.8.x', true],
		['v17.0.0', '>17.0.0', false],
		['v20.0.0', '*', true],
		['v21.0.0', '^20.9.0', false],
	])('%s in "%s": %s', (version, range, expected) => {
		expect(satisfies(version, range)).toBe(expected);
	});
});

describe('checkEngines', () => {
	const made = /** @type {string[]} */ ([]);
	afterAll(() => made.forEach((root) => rmSync(root, { recursive: true, force: true })));

	/** A folder holding only a package-lock.json with these packages. @param {Record<string, object>} packages */
	function lockWith(packages) {
		const root = mkdtempSync(join(tmpdir(), 'bfl-engines-'));
		made.push(root);
		writeFileSync(
			join(root, 'package-lock.json'),
			JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'x' }, ...packages } }),
		);
		return root;
	}

	test('on Node 20.20 the lock holds no engine mismatch beyond the known, harmless ones', () => {
		const { known, unexpected } = checkEngines(ROOT, 'v20.20.2');
		expect(unexpected).toEqual([]);
		expect(known.map((entry) => entry.name).sort()).toEqual(Object.keys(KNOWN).sort());
	});

	test('an older Node 20 is named by the dev tools that need more (so the install stays quiet, but verify fails)', () => {
		const { unexpected } = checkEngines(ROOT, 'v20.15.0');
		expect(unexpected.map((entry) => entry.name)).toEqual(
			expect.arrayContaining(['undici', 'eslint-visitor-keys']),
		);
	});

	test('a package that is not known fails; nested copies are reported by name; packages for another platform are skipped', () => {
		const root = lockWith({
			'node_modules/ai': { version: '7.0.101', engines: { node: '>=22' } },
			'node_modules/a/node_modules/new-tool': { version: '1.0.0', engines: { node: '>=22' } },
			'node_modules/fine': { version: '1.0.0', engines: { node: '>=18' } },
			'node_modules/elsewhere': { version: '1.0.0', engines: { node: '>=99' }, os: ['made-up-os'] },
		});
		const { known, unexpected } = checkEngines(root, 'v20.20.2');
		expect(known.map((entry) => entry.name)).toEqual(['ai']);
		expect(unexpected).toEqual([{ name: 'new-tool', versions: '1.0.0', range: '>=22' }]);
	});
});
