#!/usr/bin/env node
// @ts-check
/**
 * `npm run verify`: n8n's own community-package scanner (@n8n/scan-community-package), run the way
 * n8n's verification runs it, but on this checkout instead of a published version: its ESLint
 * checks on the source files (SOURCE_FILE_PATTERNS), and on the tarball `npm pack` makes (its
 * JavaScript and package.json). The scanner fails on errors; this script fails on any finding,
 * warnings included. Also checks what verification requires of the package itself: no runtime
 * dependencies, MIT, the community keyword, and only dist/ shipped; the house rules of nodes/
 * (scripts/architecture.js: floors, file and function sizes, one home for requests and downloads);
 * and n8n's documented community-node rules the installed lint lacks, on the built nodes, codex
 * files and credentials (scripts/community-rules.js: errors fail, and warnings too unless that
 * file's ALLOWED_WARNINGS lists the rule with a reason); and the engine warnings `npm ci` no longer
 * prints (.npmrc: loglevel=error), read from package-lock.json (scripts/engines.js: a package that
 * does not support this Node fails, unless that file's KNOWN lists it with a reason); and the
 * TypeScript formatted by Prettier with n8n's starter settings (.prettierrc.js).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import glob from 'fast-glob';
import * as prettier from 'prettier';

import { analyzePackage, buildScanConfig, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';
import architecture from './architecture.js';
import community from './community-rules.js';
import engines from './engines.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

/** The scanner's verdict, and every finding (warnings too) with the scanner's own config. */
async function scan(label, dir, patterns) {
	const verdict = await analyzePackage(dir, patterns);
	const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await buildScanConfig() });
	const files = glob.sync(patterns, { cwd: dir, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
	const results = await eslint.lintFiles(files);
	const findings = results.reduce((sum, result) => sum + result.errorCount + result.warningCount, 0);
	console.log(`${label}: ${files.length} files, scanner ${verdict.passed ? 'passed' : 'FAILED'}, ${findings} finding(s)`);
	if (findings > 0 || !verdict.passed) {
		console.log(verdict.details ?? verdict.message ?? '');
		console.log(await (await eslint.loadFormatter('stylish')).format(results));
		return false;
	}
	return true;
}

/** The floors, sizes and single homes of nodes/ (scripts/architecture.js). */
function architectureRules() {
	const problems = architecture.checkArchitecture(ROOT);
	for (const problem of problems) console.log(`  ${problem}`);
	console.log(`architecture: ${problems.length ? `${problems.length} problem(s)` : 'floors, sizes and single homes hold'}`);
	return problems.length === 0;
}

/** n8n's documented rules that @n8n/node-cli 0.48.3 lacks, on what n8n loads (scripts/community-rules.js). */
function communityRules() {
	const findings = community.checkCommunityRules(community.loadRepository(ROOT));
	const result = community.verdict(findings);
	for (const line of [...community.formatFindings(result.failing), ...result.problems]) console.log(`  ${line}`);
	// Allowed warnings: a count per rule and its reason (the full list with VERIFY_VERBOSE=1).
	const allowedRules = [...new Set(result.tolerated.map((f) => f.rule))];
	for (const rule of allowedRules) {
		const entry = community.ALLOWED_WARNINGS[rule];
		const count = result.tolerated.filter((f) => f.rule === rule).length;
		console.log(`  allowed ${rule} (${count}): ${typeof entry === 'string' ? entry : entry.reason}`);
	}
	if (process.env.VERIFY_VERBOSE) for (const line of community.formatFindings(result.tolerated)) console.log(`  allowed: ${line}`);
	for (const [rule, why] of Object.entries(community.NOT_APPLICABLE)) console.log(`  n/a ${rule}: ${why}`);
	const counts = ['error', 'warning'].map((level) => `${result.failing.filter((f) => f.level === level).length} ${level}(s)`).join(', ');
	console.log(`community rules: ${result.passed ? `${Object.keys(community.RULES).length} rules hold` : `${counts} failing`}${result.tolerated.length ? `, ${result.tolerated.length} allowed warning(s)` : ''}`);
	return result.passed;
}

/** The engine warnings npm would print on this Node (scripts/engines.js), known ones with their reason. */
function engineRules() {
	const { known, unexpected } = engines.checkEngines(ROOT);
	for (const entry of known) console.log(`  known: ${entry.name}@${entry.versions} wants node ${entry.range}: ${entry.reason}`);
	for (const entry of unexpected) console.log(`  ${entry.name}@${entry.versions} wants node ${entry.range}`);
	if (unexpected.length) console.log(`  Use a Node.js these packages support (the README's Development section names it), or list them in scripts/engines.js KNOWN with the reason they are harmless.`);
	console.log(`engines on Node ${process.version}: ${unexpected.length ? `${unexpected.length} package(s) do not support it` : `every installed package supports it${known.length ? `, ${known.length} known exception(s)` : ''}`}`);
	return unexpected.length === 0;
}

/** The shipped TypeScript and the unit tests are formatted as n8n's starter formats it (.prettierrc.js; `npm run format`). */
async function formatRules() {
	const files = glob.sync(['nodes/**/*.ts', 'credentials/**/*.ts', 'test/**/*.{ts,js}'], { cwd: ROOT, absolute: true });
	const unformatted = [];
	for (const file of files) {
		const options = { ...(await prettier.resolveConfig(file)), filepath: file };
		if (!(await prettier.check(readFileSync(file, 'utf8'), options))) unformatted.push(file.slice(ROOT.length + 1));
	}
	for (const file of unformatted) console.log(`  not formatted: ${file}`);
	console.log(`format: ${unformatted.length ? `${unformatted.length} file(s) differ from Prettier's output: run \`npm run format\`` : `${files.length} files as Prettier formats them`}`);
	return unformatted.length === 0;
}

function packageRules() {
	const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
	const problems = [];
	if (Object.keys(pkg.dependencies ?? {}).length) problems.push(`runtime dependencies: ${Object.keys(pkg.dependencies).join(', ')}`);
	if (pkg.license !== 'MIT') problems.push(`license is ${pkg.license}, not MIT`);
	if (!pkg.keywords?.includes('n8n-community-node-package')) problems.push('the keyword n8n-community-node-package is missing');
	if (JSON.stringify(pkg.files) !== JSON.stringify(['dist'])) problems.push(`files is ${JSON.stringify(pkg.files)}, not ["dist"]`);
	if (pkg.peerDependencies?.['n8n-workflow'] !== '*') problems.push('n8n-workflow must be a peer dependency "*"');
	console.log(`package.json: ${problems.length ? problems.join('; ') : 'no runtime dependencies, MIT, community keyword, dist only'}`);
	return problems.length === 0;
}

async function main() {
	const npmEnv = { ...process.env, npm_config_ignore_scripts: 'true' };
	// npm test has just built dist/ and says so; alone, verify builds what it packs.
	if (!process.env.VERIFY_SKIP_BUILD) execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit', env: npmEnv });
	const out = mkdtempSync(join(tmpdir(), 'n8n-nodes-bfl-verify-'));
	try {
		const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: ROOT, encoding: 'utf8', env: npmEnv });
		const tarball = join(out, packed.trim().split('\n').pop() ?? '');
		execFileSync('tar', ['-xzf', tarball, '-C', out]);
		const results = [
			architectureRules(),
			await formatRules(),
			communityRules(),
			packageRules(),
			engineRules(),
			await scan('source', ROOT, SOURCE_FILE_PATTERNS),
			await scan(`tarball (${tarball.split('/').pop()})`, join(out, 'package'), TARBALL_PATTERNS),
		];
		if (results.includes(false)) {
			console.error('\nverify: FAILED');
			process.exit(1);
		}
		console.log('\nverify: passed');
	} finally {
		rmSync(out, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
