// @ts-check
'use strict';
/**
 * scripts/community-rules.js: each rule fails on a description, package or codex that breaks it and
 * is quiet on a clean one; the loader reads the real (built) repository into well-formed findings.
 */
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const {
	checkCommunityRules,
	loadRepository,
	verdict,
	RULES,
	NOT_APPLICABLE,
	ALLOWED_WARNINGS,
} = require('../../scripts/community-rules');

const ROOT = join(__dirname, '..', '..');

/** A compiled execute() as Function.prototype.toString gives it. */
const EXECUTE = `async execute() {
	const items = this.getInputData();
	const returnData = [];
	for (let i = 0; i < items.length; i++) {
		try {
			returnData.push({ json: {}, pairedItem: { item: i } });
		} catch (error) {
			if (this.continueOnFail()) {
				returnData.push({ json: { error: error.message }, pairedItem: { item: i } });
				continue;
			}
			throw new n8n_workflow_1.NodeOperationError(this.getNode(), error, { itemIndex: i });
		}
	}
	return [returnData];
}`;

const DARK_PAINT =
	'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#111111"/></svg>';
const LIGHT_PAINT =
	'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#f2f2f2"/></svg>';
/** One icon for both themes: the best-contrast paint counts (white on dark, the dark tile on white). */
const TWO_TONE =
	'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#111111"/><path d="M1 9L5 1L9 9Z" fill="none" stroke="#ffffff"/></svg>';

/** @returns {Record<string, any>} */
function description() {
	return {
		displayName: 'Example',
		name: 'example',
		icon: { light: 'file:../../icons/example.svg', dark: 'file:../../icons/example.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		defaults: { name: 'Example' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'exampleApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'contact',
				// n8n keeps its own Custom API Call last on resource and operation lists.
				options: [
					{ name: 'Contact', value: 'contact' },
					{ name: 'User', value: 'user' },
					{ name: 'Custom API Call', value: 'customApiCall' },
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'get',
				options: [
					{ name: 'Create', value: 'create' },
					{ name: 'Get', value: 'get' },
				],
			},
			{ displayName: 'Read this first', name: 'notice', type: 'notice', default: '' },
			{
				displayName: 'Email',
				name: 'email',
				type: 'string',
				required: true,
				default: '',
				hint: 'The contact to look up',
			},
			{
				displayName: 'Record',
				name: 'record',
				type: 'resourceLocator',
				required: true,
				default: { mode: 'list', value: '' },
				modes: [
					{ displayName: 'From List', name: 'list', type: 'list' },
					{ displayName: 'ID', name: 'id', type: 'string' },
				],
			},
			{
				displayName: 'Additional Fields',
				name: 'additionalFields',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				options: [
					{ displayName: 'Limit', name: 'limit', type: 'number', default: 50 },
					{
						displayName: 'Order',
						name: 'order',
						type: 'options',
						default: 'asc',
						options: [
							{ name: 'Ascending', value: 'asc' },
							{ name: 'Descending', value: 'desc' },
						],
					},
				],
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'fixedCollection',
				default: {},
				options: [
					{
						name: 'filter',
						displayName: 'Filter',
						values: [{ displayName: 'Field', name: 'field', type: 'string', default: '' }],
					},
				],
			},
		],
	};
}

/** A clean pack: an unversioned node, a versioned one, a trigger, a credential. @returns {import('../../scripts/community-rules').Input} */
function clean() {
	const base = {
		displayName: 'Versioned',
		name: 'versioned',
		icon: 'file:../../icons/two-tone.svg',
		group: ['transform'],
	};
	const version = (/** @type {number} */ v) => ({
		version: v,
		description: { ...description(), ...base, version: v, defaults: { name: 'Versioned' } },
		executeSource: EXECUTE,
	});
	return {
		packageJson: {
			name: 'n8n-nodes-example',
			license: 'MIT',
			keywords: ['n8n-community-node-package', 'n8n'],
			repository: { type: 'git', url: 'https://github.com/example/n8n-nodes-example.git' },
		},
		nodes: [
			{ file: 'nodes/Example/Example.node.ts', description: description(), executeSource: EXECUTE },
			{
				file: 'nodes/Versioned/Versioned.node.ts',
				description: { ...base, defaultVersion: 2 },
				versions: [version(1), version(2)],
			},
			{
				file: 'nodes/ExampleTrigger/ExampleTrigger.node.ts',
				description: {
					...description(),
					displayName: 'Example Trigger',
					name: 'exampleTrigger',
					group: ['trigger'],
					inputs: [],
					properties: [],
				},
			},
		],
		codex: {
			'nodes/Example/Example.node.json': {
				node: 'n8n-nodes-example.example',
				categories: ['Development', 'Marketing & Content'],
			},
			'nodes/Versioned/Versioned.node.json': {
				node: 'n8n-nodes-example.versioned',
				categories: ['Utility'],
			},
		},
		credentials: [
			{
				file: 'credentials/ExampleApi.credentials.ts',
				className: 'ExampleApi',
				credential: {
					name: 'exampleApi',
					displayName: 'Example API',
					icon: { light: 'file:../icons/example.svg', dark: 'file:../icons/example.dark.svg' },
					properties: [],
				},
			},
		],
		files: [
			'credentials/ExampleApi.credentials.ts',
			'nodes/Example/Example.node.json',
			'nodes/Example/Example.node.ts',
			'nodes/Versioned/Versioned.node.ts',
		],
		sources: [
			{
				file: 'nodes/Example/Example.node.ts',
				text: "const partnerId = this.getNodeParameter('partnerId', 0);\nconst qs = { partner_id: partnerId };\n",
			},
		],
		svgs: {
			'icons/example.svg': DARK_PAINT,
			'icons/example.dark.svg': LIGHT_PAINT,
			'icons/two-tone.svg': TWO_TONE,
		},
	};
}

/** The rules that report, sorted. @param {import('../../scripts/community-rules').Input} input */
const rulesOf = (input) => [...new Set(checkCommunityRules(input).map((f) => f.rule))].sort();
/** @param {import('../../scripts/community-rules').Input} input @param {string} rule */
const findingsOf = (input, rule) => checkCommunityRules(input).filter((f) => f.rule === rule);
/** The unversioned node's description. @param {import('../../scripts/community-rules').Input} input */
const example = (input) => input.nodes[0].description;
/** @param {import('../../scripts/community-rules').Input} input @param {string} name */
const param = (input, name) =>
	example(input).properties.find((/** @type {any} */ p) => p.name === name);

test('a clean pack has no findings', () => {
	expect(checkCommunityRules(clean())).toEqual([]);
});

test("every finding carries its rule, place, message and the level of n8n's recommended config", () => {
	const input = clean();
	param(input, 'email').hint = 'x'.repeat(121);
	example(input).name = 'Example Node';
	const findings = checkCommunityRules(input);
	expect(findings).toContainEqual({
		rule: 'hint-max-length',
		where: 'nodes/Example/Example.node.ts: properties[3] "email"',
		message: expect.stringContaining('121 characters'),
		level: 'warning',
	});
	expect(findings).toContainEqual(
		expect.objectContaining({
			rule: 'node-class-description-name-camelcase',
			level: 'error',
			where: 'nodes/Example/Example.node.ts: name',
		}),
	);
});

describe('descriptions: every parameter, nested ones and every version included', () => {
	test('hint-max-length: over 120 characters, in a collection too; 120 is fine', () => {
		const input = clean();
		param(input, 'email').hint = 'x'.repeat(120);
		expect(checkCommunityRules(input)).toEqual([]);
		param(input, 'additionalFields').options[0].hint = 'x'.repeat(121);
		expect(findingsOf(input, 'hint-max-length').map((f) => f.where)).toEqual([
			'nodes/Example/Example.node.ts: properties[5].options[0] "limit"',
		]);
	});

	test('every version of a versioned node is checked on its own', () => {
		const input = clean();
		const versions = input.nodes[1].versions ?? [];
		versions[1].description.properties[3].hint = 'y'.repeat(130);
		expect(findingsOf(input, 'hint-max-length').map((f) => f.where)).toEqual([
			'nodes/Versioned/Versioned.node.ts v2: properties[3] "email"',
		]);
	});

	test('no-asterisk-in-option-names: in an options list, nested ones too', () => {
		const input = clean();
		param(input, 'resource').options[0].name = '* All';
		param(input, 'additionalFields').options[1].options[1].name = 'Desc*';
		expect(rulesOf(input)).toEqual(['no-asterisk-in-option-names']);
		expect(findingsOf(input, 'no-asterisk-in-option-names')).toHaveLength(2);
	});

	test('no-duplicate-param-options: a repeated name or value in one options or multiOptions parameter', () => {
		const input = clean();
		param(input, 'operation').options.push({ name: 'Get', value: 'getAll' }); // name repeated (and still sorted)
		param(input, 'additionalFields').options.push({
			displayName: 'Tags',
			name: 'tags',
			type: 'multiOptions',
			default: [],
			options: [
				{ name: 'A', value: 'a' },
				{ name: 'B', value: 'a' },
			],
		});
		expect(rulesOf(input)).toEqual(['no-duplicate-param-options']);
		expect(findingsOf(input, 'no-duplicate-param-options').map((f) => f.message)).toEqual([
			'Duplicate option name "Get" in parameter "Operation".',
			'Duplicate option value "a" in parameter "Tags".',
		]);
	});

	test('options-sorted-alphabetically: case-insensitive; a trailing Custom API Call only on resource and operation', () => {
		const input = clean();
		param(input, 'operation').options.reverse();
		param(input, 'additionalFields').options[1].options.reverse();
		expect(findingsOf(input, 'options-sorted-alphabetically').map((f) => f.message)).toEqual([
			'Options in "Operation" are not sorted alphabetically. Expected order: Create, Get.',
			'Options in "Order" are not sorted alphabetically. Expected order: Ascending, Descending.',
		]);
		const cased = clean();
		param(cased, 'operation').options = [
			{ name: 'apple', value: 'a' },
			{ name: 'Banana', value: 'b' },
		];
		param(cased, 'additionalFields').options[1].options.push({
			name: 'Custom API Call',
			value: 'x',
		}); // not a selector: sorted like the rest
		expect(findingsOf(cased, 'options-sorted-alphabetically').map((f) => f.where)).toEqual([
			'nodes/Example/Example.node.ts: properties[5].options[1] "order"',
		]);
	});

	test('require-param-default: top level, collection options, fixedCollection values, notices; not resourceLocator modes', () => {
		const input = clean();
		delete param(input, 'notice').default;
		delete param(input, 'additionalFields').options[0].default;
		delete param(input, 'filters').options[0].values[0].default;
		expect(rulesOf(input)).toEqual(['require-param-default']);
		expect(findingsOf(input, 'require-param-default').map((f) => f.where)).toEqual([
			'nodes/Example/Example.node.ts: properties[2] "notice"',
			'nodes/Example/Example.node.ts: properties[5].options[0] "limit"',
			'nodes/Example/Example.node.ts: properties[6].options[0].values[0] "field"',
		]);
		expect(findingsOf(input, 'require-param-default')[0]).toMatchObject({ level: 'error' });
	});

	test('open-ended-node-fields: an optional top-level JSON field; a required one or one in a collection is fine', () => {
		const input = clean();
		example(input).properties.push({
			displayName: 'Body',
			name: 'body',
			type: 'json',
			default: '{}',
		});
		example(input).properties.push({
			displayName: 'Query',
			name: 'query',
			type: 'json',
			required: true,
			default: '{}',
		});
		param(input, 'additionalFields').options.push({
			displayName: 'Extra',
			name: 'extra',
			type: 'json',
			default: '{}',
		});
		expect(rulesOf(input)).toEqual(['non-required-fields-in-collection', 'open-ended-node-fields']);
		expect(findingsOf(input, 'open-ended-node-fields').map((f) => f.where)).toEqual([
			'nodes/Example/Example.node.ts: properties[7] "body"',
		]);
	});

	test('non-required-fields-in-collection: an optional top-level field; selectors, containers and non-input types are exempt', () => {
		const input = clean();
		const props = example(input).properties;
		props.push({ displayName: 'Limit', name: 'limit', type: 'number', default: 50 });
		props.push({
			displayName: 'Required False',
			name: 'strict',
			type: 'boolean',
			required: false,
			default: false,
		});
		props.push({
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			default: 'a',
			options: [{ name: 'A', value: 'a' }],
		});
		for (const type of ['callout', 'hidden', 'curlImport'])
			props.push({ displayName: type, name: type, type, default: '' });
		expect(findingsOf(input, 'non-required-fields-in-collection').map((f) => f.message)).toEqual([
			'"limit" is not required. Move it into an "Additional Options" or "Additional Fields" collection.',
			'"strict" is not required. Move it into an "Additional Options" or "Additional Fields" collection.',
		]);
		expect(rulesOf(input)).toEqual(['non-required-fields-in-collection']);
	});

	test('node-class-description-name-camelcase: ^[a-z][a-zA-Z0-9]*$', () => {
		for (const name of ['my node', 'myNode_2', 'MyNode', '2node']) {
			const input = clean();
			input.nodes[2].description.name = name; // the trigger: its file is not checked against it here
			input.nodes[2].file = 'nodes/ExampleTrigger/ExampleTrigger.ts';
			expect(rulesOf(input)).toEqual(['node-class-description-name-camelcase']);
		}
	});

	test('node-class-description-non-core-color, and n8n 3.0: no defaults.color at all', () => {
		const core = clean();
		example(core).defaults.color = '#FF6D5A';
		expect(rulesOf(core)).toEqual([
			'n8n-3-no-defaults-color',
			'node-class-description-non-core-color',
		]);
		const own = clean();
		example(own).defaults.color = '#1A82E2';
		expect(rulesOf(own)).toEqual(['n8n-3-no-defaults-color']);
		const top = clean();
		example(top).color = '#ff6d5a';
		expect(rulesOf(top)).toEqual(['node-class-description-non-core-color']);
		expect(findingsOf(top, 'node-class-description-non-core-color')[0].level).toBe('warning');
	});

	test('single-credential-per-node: several credentials only behind mutually exclusive conditions', () => {
		const both = clean();
		example(both).credentials.push({ name: 'exampleOAuth2Api', required: true });
		expect(rulesOf(both)).toEqual(['single-credential-per-node']);
		const exclusive = clean();
		example(exclusive).credentials = [
			{
				name: 'exampleApi',
				required: true,
				displayOptions: { show: { authentication: ['apiKey'] } },
			},
			{
				name: 'exampleOAuth2Api',
				required: true,
				displayOptions: { show: { authentication: ['oAuth2'] } },
			},
		];
		expect(checkCommunityRules(exclusive)).toEqual([]);
		const overlapping = clean();
		example(overlapping).credentials = [
			{ name: 'exampleApi', displayOptions: { show: { authentication: ['apiKey', 'oAuth2'] } } },
			{ name: 'exampleOAuth2Api', displayOptions: { show: { authentication: ['oAuth2'] } } },
		];
		expect(rulesOf(overlapping)).toEqual(['single-credential-per-node']);
		const multi = clean();
		example(multi).properties.push({
			displayName: 'Auth',
			name: 'auth',
			type: 'multiOptions',
			required: true,
			default: [],
			options: [
				{ name: 'A', value: 'a' },
				{ name: 'B', value: 'b' },
			],
		});
		example(multi).credentials = [
			{ name: 'exampleApi', displayOptions: { show: { auth: ['a'] } } },
			{ name: 'otherApi', displayOptions: { show: { auth: ['b'] } } },
		];
		expect(rulesOf(multi)).toEqual(['single-credential-per-node']); // a multiOptions can select both
	});
});

describe('execute() on the compiled method', () => {
	test('require-continue-on-fail: execute() without this.continueOnFail(); a trigger without execute() is not checked', () => {
		const input = clean();
		const versions = input.nodes[1].versions ?? [];
		versions[0].executeSource = 'async execute() { return [this.getInputData()]; }';
		expect(findingsOf(input, 'require-continue-on-fail').map((f) => f.where)).toEqual([
			'nodes/Versioned/Versioned.node.ts v1: execute()',
		]);
		input.nodes[0].executeSource =
			'async execute() { const fail = this.continueOnFail; return [[]]; }'; // not a call
		expect(findingsOf(input, 'require-continue-on-fail')).toHaveLength(2);
	});

	test('node-operation-error-itemindex: new NodeOperationError / NodeApiError in an item loop needs { itemIndex }', () => {
		const input = clean();
		input.nodes[0].executeSource = EXECUTE.replace('{ itemIndex: i }', '{ message: "x" }');
		const versions = input.nodes[1].versions ?? [];
		versions[1].executeSource = `async execute() {
			for (const item of this.getInputData()) {
				if (!item.json.id) throw new NodeApiError(this.getNode(), {});
			}
			if (this.continueOnFail()) return [[]];
			throw new NodeOperationError(this.getNode(), 'outside the loop: fine');
		}`;
		expect(rulesOf(input)).toEqual(['node-operation-error-itemindex']);
		expect(findingsOf(input, 'node-operation-error-itemindex').map((f) => f.where)).toEqual([
			'nodes/Example/Example.node.ts: execute()',
			'nodes/Versioned/Versioned.node.ts v2: execute()',
		]);
		const shorthand = clean();
		shorthand.nodes[0].executeSource = EXECUTE.replace('{ itemIndex: i }', '{ itemIndex }');
		expect(checkCommunityRules(shorthand)).toEqual([]);
	});
});

describe('codex: the .node.json, or an inline codex (which n8n then uses instead)', () => {
	/** @param {Record<string, any>} codex */
	const withCodex = (codex) => {
		const input = clean();
		input.codex['nodes/Example/Example.node.json'] = {
			node: 'n8n-nodes-example.example',
			...codex,
		};
		return input;
	};

	test('valid-node-categories: the community list, no "Marketing", no empty list', () => {
		expect(
			findingsOf(withCodex({ categories: ['Marketing', 'Bananas'] }), 'valid-node-categories').map(
				(f) => f.message,
			),
		).toEqual([
			'"Marketing" is not a supported category. Use "Marketing & Content".',
			expect.stringContaining('"Bananas" is not a supported community node category'),
		]);
		expect(rulesOf(withCodex({ categories: [] }))).toEqual(['valid-node-categories']);
		expect(rulesOf(withCodex({ categories: ['Developer Tools'] }))).toEqual([
			'valid-node-categories',
		]); // in n8n's taxonomy, not in the community list
	});

	test("valid-codex-categories: n8n's taxonomy, subcategories as a map, AI with a main output needs Root Nodes", () => {
		expect(
			findingsOf(withCodex({ categories: ['Marketing'] }), 'valid-codex-categories')[0].message,
		).toContain("Did you mean 'Marketing & Content'?");
		expect(rulesOf(withCodex({ categories: ['Sales'], subcategories: ['Helpers'] }))).toContain(
			'valid-codex-categories',
		);
		const aiTools = withCodex({ categories: ['AI'], subcategories: { AI: ['Tools'] } });
		aiTools.nodes[0].importsAiSdk = true; // only the taxonomy rules apply then
		expect(rulesOf(aiTools)).toEqual(['valid-codex-categories']);
		const aiRoot = withCodex({
			categories: ['AI'],
			subcategories: { AI: ['Tools', 'Root Nodes'] },
		});
		aiRoot.nodes[0].importsAiSdk = true;
		expect(checkCommunityRules(aiRoot)).toEqual([]);
	});

	test('no-ai-codex-category and no-codex-subcategories: only for nodes that import @n8n/ai-node-sdk', () => {
		const input = withCodex({ categories: ['AI'], subcategories: { AI: ['Root Nodes'] } });
		expect(rulesOf(input)).toEqual(['no-ai-codex-category', 'no-codex-subcategories']);
		expect(findingsOf(input, 'no-ai-codex-category')[0]).toMatchObject({
			where: 'nodes/Example/Example.node.json: categories',
			level: 'error',
		});
		input.nodes[0].importsAiSdk = true;
		expect(checkCommunityRules(input)).toEqual([]);
		const inline = clean();
		example(inline).codex = { categories: ['AI'], subcategories: { AI: ['Root Nodes'] } };
		expect(findingsOf(inline, 'no-ai-codex-category').map((f) => f.where)).toEqual([
			'nodes/Example/Example.node.ts: description.codex: categories',
		]);
	});

	test('a .node.json beside an inline codex is not loaded, so no-ai-codex-category skips it', () => {
		const input = withCodex({ categories: ['AI'], subcategories: { AI: ['Root Nodes'] } });
		example(input).codex = { categories: ['Development'] };
		expect(rulesOf(input)).toEqual([]);
	});

	test('no-logic-or-flow-nodes: Logic or Flow in categories or subcategories', () => {
		expect(rulesOf(withCodex({ categories: ['Logic'] }))).toContain('no-logic-or-flow-nodes');
		const flow = withCodex({ categories: ['Utility'], subcategories: { 'Core Nodes': ['Flow'] } });
		expect(findingsOf(flow, 'no-logic-or-flow-nodes')).toHaveLength(1);
	});
});

describe('files, credentials and package.json', () => {
	test('node-filename-against-convention: *.node.ts named after description.name (a V2 suffix is fine)', () => {
		const input = clean();
		input.nodes[0].file = 'nodes/Example/example.node.ts';
		expect(findingsOf(input, 'node-filename-against-convention').map((f) => f.message)).toEqual([
			'Node filename must match `description.name`. Rename file to "Example.node.ts".',
		]);
		input.nodes[0].file = 'nodes/Example/ExampleV2.node.ts';
		input.codex['nodes/Example/ExampleV2.node.json'] =
			input.codex['nodes/Example/Example.node.json'];
		expect(rulesOf(input)).toEqual([]);
		input.nodes[0].file = 'nodes/Example/v2/SomethingV2.ts'; // not a .node.ts file
		expect(rulesOf(input)).toEqual([]);
	});

	test('cred-class-name-suffix, cred-class-name-field-conventions, cred-filename-against-convention', () => {
		const suffix = clean();
		suffix.credentials[0].className = 'Example';
		expect(rulesOf(suffix)).toEqual(['cred-class-name-suffix', 'cred-filename-against-convention']);
		const field = clean();
		field.credentials[0].credential.name = 'Example';
		expect(findingsOf(field, 'cred-class-name-field-conventions').map((f) => f.message)).toEqual([
			"Credential `name` field 'Example' must start with a lowercase letter",
			"Credential `name` field 'Example' must end with 'Api'",
		]);
		const file = clean();
		file.credentials[0].file = 'credentials/OtherApi.credentials.ts';
		expect(rulesOf(file)).toEqual(['cred-filename-against-convention']);
	});

	test('require-mit-license, require-community-node-keyword, no-monorepo', () => {
		const input = clean();
		input.packageJson.license = 'Apache-2.0';
		input.packageJson.keywords = ['n8n'];
		input.packageJson.repository.directory = 'packages/n8n-nodes-example';
		expect(checkCommunityRules(input).map(({ rule, level }) => `${rule} ${level}`)).toEqual([
			'require-mit-license error',
			'require-community-node-keyword warning',
			'no-monorepo error',
		]);
		const missing = clean();
		delete missing.packageJson.license;
		delete missing.packageJson.keywords;
		expect(rulesOf(missing)).toEqual(['require-community-node-keyword', 'require-mit-license']);
	});

	test('no-hardcoded-ids: string literals for partner, account, client and similar IDs in the sources', () => {
		const input = clean();
		input.sources = [
			{
				file: 'nodes/Example/transport.ts',
				text: [
					"const partnerId = 'fixed-partner';",
					"const options = { qs: { partner_id: 'fixed' } };",
					'class Client { clientId = `abc`; }',
					"export function set(o: any) { o.accountId = 'acc-1'; o['tenant-id'] = 'x'; }",
					"const customerId = this.getNodeParameter('customerId', 0);",
					"const partnerName = 'not an id';",
				].join('\n'),
			},
		];
		expect(findingsOf(input, 'no-hardcoded-ids').map((f) => f.where)).toEqual([
			'nodes/Example/transport.ts:1',
			'nodes/Example/transport.ts:2',
			'nodes/Example/transport.ts:3',
			'nodes/Example/transport.ts:4',
			'nodes/Example/transport.ts:4',
		]);
	});

	test('icon-contrast: each variant on its theme, a single icon on both; currentColor and no fill count as black', () => {
		const black = clean();
		example(black).icon = 'file:../../icons/black.svg';
		black.svgs = {
			...black.svgs,
			'icons/black.svg': '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1v1z"/></svg>',
		};
		expect(findingsOf(black, 'icon-contrast').map((f) => f.message)).toEqual([
			'Icon has 1.48:1 contrast on the dark theme (minimum 1.5:1).',
		]);
		const current = clean();
		current.credentials[0].credential.icon = {
			light: 'file:../icons/example.svg',
			dark: 'file:../icons/current.svg',
		};
		current.svgs = {
			...current.svgs,
			'icons/current.svg':
				'<svg xmlns="http://www.w3.org/2000/svg"><style>.a{fill:currentColor}</style><path class="a" d="M0 0h1v1z"/></svg>',
		};
		expect(findingsOf(current, 'icon-contrast').map((f) => f.where)).toEqual([
			'credentials/ExampleApi.credentials.ts: icons/current.svg',
		]);
		const white = clean();
		example(white).icon = {
			light: 'file:../../icons/white.svg',
			dark: 'file:../../icons/example.dark.svg',
		};
		white.svgs = {
			...white.svgs,
			'icons/white.svg':
				'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: rgb(255 255 255)" width="1" height="1"/></svg>',
		};
		expect(findingsOf(white, 'icon-contrast').map((f) => f.message)).toEqual([
			'Icon has 1.00:1 contrast on the light theme (minimum 1.5:1).',
		]);
		const gradient = clean();
		example(gradient).icon = 'file:../../icons/gradient.svg';
		gradient.svgs = {
			...gradient.svgs,
			'icons/gradient.svg':
				'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(#g)" width="1" height="1"/></svg>',
		};
		expect(findingsOf(gradient, 'icon-contrast')).toEqual([]); // url() paint without stops: skipped
	});
});

describe('what fails verify', () => {
	test('errors always fail; warnings fail unless their rule is allow-listed with a reason', () => {
		const input = clean();
		param(input, 'email').hint = 'x'.repeat(121);
		input.packageJson.license = 'ISC';
		const findings = checkCommunityRules(input);
		expect(verdict(findings, {}).failing.map((f) => f.rule)).toEqual([
			'require-mit-license',
			'hint-max-length',
		]);
		const allowed = verdict(findings, { 'hint-max-length': 'a reason' });
		expect(allowed.failing.map((f) => f.rule)).toEqual(['require-mit-license']);
		expect(allowed.tolerated.map((f) => f.rule)).toEqual(['hint-max-length']);
		expect(verdict(findings, { 'require-mit-license': 'no' }).problems).toEqual([
			'ALLOWED_WARNINGS lists require-mit-license, which is an error rule: errors cannot be allowed',
		]);
		expect(verdict([], {}).passed).toBe(true);
	});

	test('the allow-list holds two warnings, each with its reason; one only for some parameters', () => {
		expect(Object.keys(ALLOWED_WARNINGS).sort()).toEqual([
			'non-required-fields-in-collection',
			'options-sorted-alphabetically',
		]);
		const scale = {
			rule: 'options-sorted-alphabetically',
			where: 'nodes/Flux/Flux.node.ts v2: properties[61] "aspectRatio"',
			message: 'm',
			level: /** @type {'warning'} */ ('warning'),
		};
		const other = { ...scale, where: 'nodes/Flux/Flux.node.ts v2: properties[0] "resource"' };
		expect(verdict([scale]).passed).toBe(true);
		expect(verdict([other]).failing).toEqual([other]);
	});

	test('prefer-declarative-style is reported as not applicable', () => {
		expect(Object.keys(NOT_APPLICABLE)).toEqual(['prefer-declarative-style']);
		expect(Object.keys(RULES)).not.toContain('prefer-declarative-style');
	});
});

describe('the loader, on this repository as built', () => {
	const built = existsSync(join(ROOT, 'dist', 'nodes', 'Flux', 'Flux.node.js'));

	(built ? test : test.skip)(
		'reads every version, the codex files, the credential and the icons; its findings are well formed',
		() => {
			const input = loadRepository(ROOT);
			expect(input.nodes.map((n) => n.file)).toEqual([
				'nodes/Flux/Flux.node.ts',
				'nodes/FluxTrigger/FluxTrigger.node.ts',
			]);
			expect((input.nodes[0].versions ?? []).map((v) => v.version)).toEqual([1, 2]);
			for (const version of input.nodes[0].versions ?? [])
				expect(version.executeSource).toContain('continueOnFail');
			expect(Object.keys(input.codex).sort()).toEqual([
				'nodes/Flux/Flux.node.json',
				'nodes/FluxTrigger/FluxTrigger.node.json',
			]);
			expect(input.credentials.map((c) => [c.file, c.className, c.credential.name])).toEqual([
				['credentials/BflApi.credentials.ts', 'BflApi', 'bflApi'],
			]);
			expect(Object.keys(input.svgs ?? {}).sort()).toEqual([
				'icons/flux.dark.svg',
				'icons/flux.svg',
			]);
			const findings = checkCommunityRules(input);
			for (const finding of findings) {
				expect(Object.keys(finding).sort()).toEqual(['level', 'message', 'rule', 'where']);
				expect(finding.level).toBe(/** @type {Record<string, string>} */ (RULES)[finding.rule]);
				expect(finding.where).toMatch(/^(nodes|credentials)\/|^package\.json/);
				expect(finding.message.length).toBeGreaterThan(10);
			}
		},
	);
});
