// @ts-check
'use strict';
/** The house rules of nodes/ hold for the repository, and each one fails on a tree that breaks it. */
const { mkdirSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { dirname, join } = require('node:path');

const { checkArchitecture, floorOf } = require('../../scripts/architecture');

const ROOT = join(__dirname, '..', '..');

/** A throwaway tree holding only the given files. @param {Record<string, string>} files */
function tree(files) {
	const root = mkdtempSync(join(tmpdir(), 'bfl-architecture-'));
	for (const [path, text] of Object.entries(files)) {
		mkdirSync(dirname(join(root, path)), { recursive: true });
		writeFileSync(join(root, path), text);
	}
	return root;
}

const made = /** @type {string[]} */ ([]);
afterAll(() => made.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** @param {Record<string, string>} files */
function problemsOf(files) {
	const root = tree(files);
	made.push(root);
	return checkArchitecture(root);
}

test('the repository keeps every rule', () => {
	expect(checkArchitecture(ROOT)).toEqual([]);
});

test('floors: the node and its versions on top, the model table at the bottom, the trigger on top', () => {
	expect(floorOf('nodes/Flux/v2/FluxV2.ts')).toBe(0);
	expect(floorOf('nodes/Flux/actions/router.ts')).toBe(1);
	expect(floorOf('nodes/Flux/engine/job.ts')).toBeLessThan(floorOf('nodes/Flux/transport/poll.ts'));
	expect(floorOf('nodes/Flux/models/table.ts')).toBe(6);
	expect(floorOf('nodes/FluxTrigger/FluxTrigger.node.ts')).toBe(0);
	expect(floorOf('nodes/Flux/somewhere/else.ts')).toBe(-1);
});

test('an import from a lower floor to a higher one is refused', () => {
	const problems = problemsOf({
		'nodes/Flux/v2/dialect.ts': 'export const V2 = 1;\n',
		'nodes/Flux/engine/job.ts': "import { V2 } from '../v2/dialect';\nexport const x = V2;\n",
		'nodes/Flux/engine/run.ts': "import { x } from './job';\nexport const y = x;\n",
	});
	expect(problems).toEqual([
		'nodes/Flux/engine/job.ts: imports ../v2/dialect, a floor above it (Flux.node.ts, v1/, v2/)',
	]);
});

test('a file over 300 lines and a function over 60 are refused', () => {
	const body = Array.from({ length: 60 }, (_, index) => `\tconst v${index} = ${index};`).join('\n');
	const problems = problemsOf({
		'nodes/Flux/models/long.ts': `${'export const a = 1;\n'.repeat(301)}`,
		'nodes/Flux/models/fn.ts': `export function long(): number {\n${body}\n\treturn 0;\n}\n`,
	});
	expect(problems).toEqual([
		'nodes/Flux/models/fn.ts:1: function long is 63 lines (at most 60)',
		'nodes/Flux/models/long.ts: 301 lines (at most 300)',
	]);
});

test('parameters, version comparisons, authenticated requests and binary storage each have one home', () => {
	const problems = problemsOf({
		'nodes/Flux/transport/poll.ts': "export const read = (c: any) => c.getNodeParameter('x', 0);\n",
		'nodes/Flux/engine/run.ts': 'export const v = (version: number) => version >= 2;\n',
		'nodes/Flux/media/inputs.ts':
			"export const r = (c: any) => c.helpers.httpRequestWithAuthentication.call(c, 'bflApi', {});\n",
		'nodes/Flux/engine/steps.ts':
			"export const s = (c: any) => c.helpers.prepareBinaryData(Buffer.from(''));\n",
		'nodes/Flux/v2/FluxV2.ts':
			'export const ok = (version: number) => version >= 2; // allowed here\n',
	});
	expect(problems.sort()).toEqual([
		'nodes/Flux/engine/run.ts: version comparisons live in v1/ and v2/',
		'nodes/Flux/engine/steps.ts: downloads are stored by transport/download.ts',
		'nodes/Flux/media/inputs.ts: authenticated requests go through transport/api.ts',
		'nodes/Flux/transport/poll.ts: engine/, transport/ and media/ never read parameters',
	]);
});
