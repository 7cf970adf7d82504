// @ts-check
/**
 * The n8n installer's decisions, without installing anything: which settings every child npm gets
 * (whatever a parent `npm test` passes down), and what a cache must show before it is trusted.
 */
const {
	npmEnv,
	n8nRepairPlan,
	N8N_INSTALL_STEPS,
	NODE24_INSTALL,
	ownHeaders,
	reuseSqlite,
	N8N_VERSIONS,
} = require('../harness/install-n8n');
const { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

/** What `npm test` in this project passes to its children (.npmrc sets ignore-scripts=true). */
const PARENT_NPM_ENV = {
	PATH: '/usr/bin',
	HOME: '/root',
	npm_config_ignore_scripts: 'true',
	npm_config_nodedir: '/some/other/headers',
	npm_config_prefix: '/work/main',
	npm_lifecycle_event: 'test',
	npm_package_name: 'n8n-nodes-bfl',
	npm_config_cache: '/root/.npm',
};

describe('child npm environment', () => {
	test('node@24 is installed with install scripts on, even under a parent npm with ignore-scripts', () => {
		const env = npmEnv(PARENT_NPM_ENV, { scripts: NODE24_INSTALL.scripts });
		expect(NODE24_INSTALL.scripts).toBe(true);
		expect(env.npm_config_ignore_scripts).toBe('false');
		expect(NODE24_INSTALL.args).toEqual(expect.arrayContaining(['install', 'node@24']));
	});

	test("n8n's packages install with scripts off; sqlite3 is then rebuilt with scripts on", () => {
		expect(N8N_INSTALL_STEPS.packages.scripts).toBe(false);
		expect(npmEnv(PARENT_NPM_ENV, { scripts: false }).npm_config_ignore_scripts).toBe('true');
		expect(N8N_INSTALL_STEPS.sqlite.scripts).toBe(true);
		expect(N8N_INSTALL_STEPS.sqlite.args.slice(0, 2)).toEqual(['rebuild', 'sqlite3']);
		expect(npmEnv(PARENT_NPM_ENV, { scripts: true }).npm_config_ignore_scripts).toBe('false');
	});

	test("sqlite3 for Node 24 is built against Node 24's headers, never the parent's nodedir", () => {
		const env = npmEnv(PARENT_NPM_ENV, {
			scripts: true,
			nodedir: '/cache/node24/headers',
			pathPrefix: '/cache/node24/bin',
		});
		expect(env.npm_config_nodedir).toBe('/cache/node24/headers');
		expect(env.PATH).toBe('/cache/node24/bin:/usr/bin');
		expect(npmEnv(PARENT_NPM_ENV, { scripts: true }).npm_config_nodedir).toBeUndefined();
	});

	test("sqlite3 for Node 20 is built against the running Node's own headers when it has them", () => {
		const exists = (path) => path === '/usr/include/node/node.h';
		expect(ownHeaders('/usr/bin/node', exists)).toBe('/usr');
		expect(ownHeaders('/opt/node/bin/node', exists)).toBeUndefined();
	});

	test("the parent's lifecycle and package variables and prefix do not leak; its cache and home stay", () => {
		const env = npmEnv(PARENT_NPM_ENV, { scripts: false });
		expect(env.npm_lifecycle_event).toBeUndefined();
		expect(env.npm_package_name).toBeUndefined();
		expect(env.npm_config_prefix).toBeUndefined();
		expect(env.npm_config_cache).toBe('/root/.npm');
		expect(env.HOME).toBe('/root');
	});
});

describe('what counts as a working cache', () => {
	test('a marker alone is not trusted: a broken n8n is reinstalled and sqlite3 rebuilt', () => {
		expect(n8nRepairPlan({ markerPresent: true, packagesWork: false, sqliteWorks: false })).toEqual(
			['packages', 'sqlite', 'marker'],
		);
		expect(n8nRepairPlan({ markerPresent: true, packagesWork: false, sqliteWorks: true })).toEqual([
			'packages',
			'sqlite',
			'marker',
		]);
	});

	test('sqlite3 that does not load under the target Node is rebuilt, the packages kept', () => {
		expect(n8nRepairPlan({ markerPresent: true, packagesWork: true, sqliteWorks: false })).toEqual([
			'sqlite',
			'marker',
		]);
	});

	test('a working install is reused as it is; a working one without a marker only gets the marker', () => {
		expect(n8nRepairPlan({ markerPresent: true, packagesWork: true, sqliteWorks: true })).toEqual(
			[],
		);
		expect(n8nRepairPlan({ markerPresent: false, packagesWork: true, sqliteWorks: true })).toEqual([
			'marker',
		]);
	});

	test('an empty cache installs everything', () => {
		expect(
			n8nRepairPlan({ markerPresent: false, packagesWork: false, sqliteWorks: false }),
		).toEqual(['packages', 'sqlite', 'marker']);
	});
});

describe('sqlite3 built once for both n8n lines', () => {
	/** A cache with each line's sqlite3 (a stand-in that loads only with its build present). @param {string} firstVersion @param {string} secondVersion */
	function cache(firstVersion, secondVersion) {
		const root = mkdtempSync(join(tmpdir(), 'n8n-bfl-cache-test-'));
		for (const [major, version] of /** @type {const} */ ([
			[1, firstVersion],
			[2, secondVersion],
		])) {
			const sqlite = join(root, `n8n-${N8N_VERSIONS[major]}`, 'node_modules', 'sqlite3');
			mkdirSync(sqlite, { recursive: true });
			writeFileSync(
				join(sqlite, 'package.json'),
				JSON.stringify({ name: 'sqlite3', version, main: 'index.js' }),
			);
			writeFileSync(
				join(sqlite, 'index.js'),
				"require('fs').accessSync(require('path').join(__dirname, 'build', 'Release', 'node_sqlite3.node'));",
			);
		}
		const built = join(
			root,
			`n8n-${N8N_VERSIONS[1]}`,
			'node_modules',
			'sqlite3',
			'build',
			'Release',
		);
		mkdirSync(built, { recursive: true });
		writeFileSync(join(built, 'node_sqlite3.node'), 'built once');
		return {
			root,
			target: join(
				root,
				`n8n-${N8N_VERSIONS[2]}`,
				'node_modules',
				'sqlite3',
				'build',
				'Release',
				'node_sqlite3.node',
			),
		};
	}

	const saved = process.env.N8N_BFL_CACHE;
	afterEach(() => {
		if (saved === undefined) delete process.env.N8N_BFL_CACHE;
		else process.env.N8N_BFL_CACHE = saved;
	});

	test("the other line's build of the same sqlite3 version is copied, and used only because it loads", () => {
		const { root, target } = cache('5.1.7', '5.1.7');
		process.env.N8N_BFL_CACHE = root;
		try {
			expect(reuseSqlite(2, process.execPath)).toBe(true);
			expect(existsSync(target)).toBe(true);
		} finally {
			rmSync(root, { recursive: true, force: true });
		}
	});

	test('another sqlite3 version is compiled, not copied', () => {
		const { root, target } = cache('5.1.7', '5.1.6');
		process.env.N8N_BFL_CACHE = root;
		try {
			expect(reuseSqlite(2, process.execPath)).toBe(false);
			expect(existsSync(target)).toBe(false);
		} finally {
			rmSync(root, { recursive: true, force: true });
		}
	});
});
