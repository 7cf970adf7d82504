// @ts-check
/**
 * The house rules of nodes/ (../shared/architecture.md), checked on the TypeScript sources so a
 * change that breaks one fails `npm run verify`:
 * - floors: imports point down the list below (the same floor is fine), never up;
 * - no file over 300 lines, no function over 60;
 * - engine/, transport/ and media/ never read a node parameter;
 * - version numbers are compared only in v1/ and v2/;
 * - one authenticated request (transport/api.ts) and one place that stores downloads (transport/download.ts).
 */
'use strict';
const { readFileSync } = require('node:fs');
const { dirname, join, relative, resolve } = require('node:path');
const glob = require('fast-glob');
const ts = require('typescript');

/** Floors of nodes/Flux, top first. A file imports only from its own floor or lower ones. */
const FLOORS = [
	['Flux.node.ts', 'v1/', 'v2/'],
	['actions/'],
	['description/', 'agent.ts'],
	['engine/'],
	['media/'],
	['transport/'],
	['models/'],
];

const LIMITS = { fileLines: 300, functionLines: 60 };

/** Where a rule allows what it forbids elsewhere. */
const ONLY_IN = [
	{ pattern: /httpRequestWithAuthentication/, allowed: ['nodes/Flux/transport/api.ts'], rule: 'authenticated requests go through transport/api.ts' },
	{ pattern: /prepareBinaryData\(/, allowed: ['nodes/Flux/transport/download.ts'], rule: 'downloads are stored by transport/download.ts' },
	{ pattern: /\b(typeVersion|version)\s*(>=|<=|>|<|===|!==|==|!=)\s*\d/, allowed: ['nodes/Flux/v1/', 'nodes/Flux/v2/'], rule: 'version comparisons live in v1/ and v2/' },
	{ pattern: /getNodeParameter/, forbidden: ['nodes/Flux/engine/', 'nodes/Flux/transport/', 'nodes/Flux/media/'], rule: 'engine/, transport/ and media/ never read parameters' },
];

/**
 * The floor of a file under nodes/ (0 = top); nodes/FluxTrigger sits on the top floor.
 * @param {string} path
 */
function floorOf(path) {
	if (!path.startsWith('nodes/Flux/')) return 0;
	const inner = path.slice('nodes/Flux/'.length);
	return FLOORS.findIndex((floor) => floor.some((entry) => (entry.endsWith('/') ? inner.startsWith(entry) : inner === entry)));
}

/** @param {import('typescript').SourceFile} source @returns {string[]} relative module specifiers imported */
function importsOf(source) {
	/** @type {string[]} */
	const found = [];
	source.forEachChild((node) => {
		if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
			found.push(node.moduleSpecifier.text);
		}
	});
	return found.filter((specifier) => specifier.startsWith('.'));
}

/** @param {import('typescript').SourceFile} source @returns {Array<{ name: string, line: number, lines: number }>} */
function functionsOf(source) {
	/** @type {Array<{ name: string, line: number, lines: number }>} */
	const found = [];
	/** @param {import('typescript').Node} node */
	const visit = (node) => {
		if (ts.isFunctionLike(node) && 'body' in node && node.body) {
			const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
			const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
			const name = node.name && ts.isIdentifier(node.name) ? node.name.text : '(anonymous)';
			found.push({ name, line: start + 1, lines: end - start + 1 });
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return found;
}

/**
 * Every breach of the rules in the TypeScript files under `root`/nodes.
 * @param {string} root the repository (or a copy of its nodes/ folder's parent)
 * @returns {string[]}
 */
function checkArchitecture(root) {
	const files = glob.sync('nodes/**/*.ts', { cwd: root }).sort();
	/** @type {string[]} */
	const problems = [];
	for (const file of files) {
		const text = readFileSync(join(root, file), 'utf8');
		const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
		if (lines > LIMITS.fileLines) problems.push(`${file}: ${lines} lines (at most ${LIMITS.fileLines})`);
		const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2021, true);
		for (const fn of functionsOf(source)) {
			if (fn.lines > LIMITS.functionLines) problems.push(`${file}:${fn.line}: function ${fn.name} is ${fn.lines} lines (at most ${LIMITS.functionLines})`);
		}
		const floor = floorOf(file);
		for (const specifier of importsOf(source)) {
			const target = relative(root, resolve(root, dirname(file), specifier)).replace(/(\.ts)?$/, '.ts');
			const targetFloor = floorOf(target.startsWith('nodes/') ? target : 'nodes/');
			if (target.startsWith('nodes/') && floor >= 0 && targetFloor >= 0 && targetFloor < floor) {
				problems.push(`${file}: imports ${specifier}, a floor above it (${FLOORS[targetFloor].join(', ')})`);
			}
		}
		const code = text.replace(/^\s*(\/\/|\*|\/\*).*$/gm, ''); // rules apply to code, not comments
		for (const { pattern, allowed, forbidden, rule } of ONLY_IN) {
			if (!pattern.test(code)) continue;
			const breach = allowed ? !allowed.some((place) => file.startsWith(place)) : (forbidden ?? []).some((place) => file.startsWith(place));
			if (breach) problems.push(`${file}: ${rule}`);
		}
		if (floor < 0) problems.push(`${file}: not on any floor (${FLOORS.flat().join(', ')})`);
	}
	return problems;
}

module.exports = { checkArchitecture, floorOf, FLOORS, LIMITS };

if (require.main === module) {
	const problems = checkArchitecture(resolve(__dirname, '..'));
	for (const problem of problems) console.log(problem);
	console.log(`architecture: ${problems.length ? `${problems.length} problem(s)` : 'floors, sizes and single homes hold'}`);
	process.exit(problems.length ? 1 : 0);
}
