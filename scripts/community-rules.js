// @ts-check
/**
 * n8n's community-node lint rules that the installed linter lacks (@n8n/node-cli 0.48.3 bundles
 * @n8n/eslint-plugin-community-nodes 0.32.0; n8n's docs under
 * packages/@n8n/eslint-plugin-community-nodes/docs/rules/ document 27 more), checked on what n8n
 * loads: the built node classes in dist/ (every version of the versioned node), the .node.json
 * codex files, the built credential classes, package.json, the file names under nodes/ and
 * credentials/, the icons, and the sources (for no-hardcoded-ids).
 *
 * `checkCommunityRules(input)` is pure; `loadRepository(root)` builds its input from a built
 * checkout. `npm run verify` fails on every error, and on every warning whose rule is not in
 * ALLOWED_WARNINGS below.
 */
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { join, posix, resolve } = require('node:path');
const glob = require('fast-glob');
const ts = require('typescript');

/** @typedef {'error' | 'warning'} Level */
/** @typedef {{ rule: string, where: string, message: string, level: Level }} Finding */
/** @typedef {Record<string, any>} Obj */
/** @typedef {{ version?: number, description: Obj, executeSource?: string }} NodeVersion */
/**
 * @typedef {object} NodeInput
 * @property {string} file the source file, e.g. nodes/Flux/Flux.node.ts
 * @property {Obj} description the node's description (for a versioned node: its base description)
 * @property {NodeVersion[]} [versions] a versioned node's versions, each with its own description
 * @property {string} [executeSource] the source of execute() (an unversioned node)
 * @property {boolean} [importsAiSdk] whether the node file imports @n8n/ai-node-sdk
 */
/** @typedef {{ file: string, className: string, credential: Obj }} CredentialInput */
/**
 * @typedef {object} Input
 * @property {Obj} packageJson
 * @property {NodeInput[]} nodes
 * @property {Record<string, Obj>} codex .node.json contents by path (nodes/Flux/Flux.node.json)
 * @property {CredentialInput[]} credentials
 * @property {string[]} files every file under nodes/ and credentials/
 * @property {Array<{ file: string, text: string }>} [sources] TypeScript sources under nodes/ and credentials/
 * @property {Record<string, string>} [svgs] SVG text by path (icons/flux.svg)
 */

/** Every rule checked here, with its level in n8n's `recommended` config (from each rule's doc header). */
const RULES = /** @type {const} */ ({
	'cred-class-name-field-conventions': 'error',
	'cred-class-name-suffix': 'error',
	'cred-filename-against-convention': 'error',
	'hint-max-length': 'warning',
	'icon-contrast': 'warning',
	'no-ai-codex-category': 'error',
	'no-asterisk-in-option-names': 'warning',
	'no-codex-subcategories': 'error',
	'no-duplicate-param-options': 'warning',
	'no-hardcoded-ids': 'error',
	'no-logic-or-flow-nodes': 'error',
	'no-monorepo': 'error',
	'node-class-description-name-camelcase': 'error',
	'node-class-description-non-core-color': 'warning',
	'node-filename-against-convention': 'error',
	'node-operation-error-itemindex': 'error',
	'non-required-fields-in-collection': 'warning',
	'open-ended-node-fields': 'warning',
	'options-sorted-alphabetically': 'warning',
	'require-community-node-keyword': 'warning',
	'require-continue-on-fail': 'error',
	'require-mit-license': 'error',
	'require-param-default': 'error',
	'single-credential-per-node': 'error',
	'valid-codex-categories': 'error',
	'valid-node-categories': 'error',
	// Not a lint rule: n8n 3.0 removes defaults.color from the node description type (it only tinted
	// Font Awesome icons; nodes that set it keep working), so a warning.
	'n8n-3-no-defaults-color': 'warning',
});

/** Documented rules the installed lint lacks that cannot apply to this pack, and why. */
const NOT_APPLICABLE = {
	'prefer-declarative-style':
		'the rule skips nodes with pagination/polling, binary data, several requests per item or several outputs; FLUX submits, polls and downloads binary data (version 2 also has a Moderated output), and the trigger is a trigger',
};

/**
 * Warning rules the pack does not follow, each with why: the whole rule (a reason), or only for
 * some parameters ({ reason, parameters }). A warning from any other rule fails `npm run verify`.
 * Errors always fail. Keep this list short and explain every entry.
 * @type {Record<string, string | { reason: string, parameters: string[] }>}
 */
const ALLOWED_WARNINGS = {
	'non-required-fields-in-collection':
		'Moving the top-level fields of versions 1 and 2 into a collection would change their parameter paths, and so break every saved workflow that sets them.',
	'options-sorted-alphabetically': {
		reason: 'Aspect ratios and resolutions are scales, listed in size order (the model table marks them `scale`); every other list is sorted by name.',
		parameters: ['aspectRatio', 'resolution'],
	},
};

/** Whether an allow-list entry covers a finding (a whole rule, or the finding's parameter). @param {string | { reason: string, parameters: string[] } | undefined} entry @param {Finding} finding */
function allows(entry, finding) {
	if (entry === undefined) return false;
	return typeof entry === 'string' || entry.parameters.some((name) => finding.where.includes(`"${name}"`));
}

const CORE_COLOR = '#ff6d5a';
const MAX_HINT_LENGTH = 120;
const MIN_ICON_CONTRAST = 1.5;
const CUSTOM_API_CALL_NAME = 'Custom API Call';
const CAMEL_CASE = /^[a-z][a-zA-Z0-9]*$/;
const CONFIGURABLE_ID_NAME = /^(?:partner|affiliate|reseller|account|tenant|customer|client)(?:[_-]?id)$/i;

/** n8n's parameter types (require-param-default's KNOWN_PARAM_TYPES). */
const PARAM_TYPES = new Set(['boolean', 'button', 'collection', 'color', 'dateTime', 'fixedCollection', 'hidden', 'icon', 'json', 'callout', 'notice', 'multiOptions', 'number', 'options', 'string', 'credentialsSelect', 'resourceLocator', 'curlImport', 'resourceMapper', 'filter', 'assignmentCollection', 'credentials', 'workflowSelector']);
/** non-required-fields-in-collection: containers, fields that hold no input, and the selectors. */
const CONTAINER_TYPES = new Set(['collection', 'fixedCollection']);
const NON_INPUT_TYPES = new Set(['notice', 'callout', 'hidden', 'curlImport']);
const SELECTOR_NAMES = new Set(['resource', 'operation', 'authentication']);

/** valid-node-categories: the community list (src/rules/valid-node-categories.ts). */
const COMMUNITY_CATEGORIES = new Set(['Data & Storage', 'Finance & Accounting', 'Marketing & Content', 'Productivity', 'Miscellaneous', 'Sales', 'Development', 'Analytics', 'Communication', 'Utility', 'AI']);
const COMMUNITY_AI_SUBCATEGORIES = new Set(['Agents', 'Chains', 'Language Models', 'Memory', 'Output Parsers', 'Tools', 'Vector Stores', 'Retrievers', 'Embeddings', 'Document Loaders', 'Text Splitters', 'Other Tools', 'Root Nodes', 'Model Context Protocol', 'Human in the Loop', 'Miscellaneous', 'Rerankers', 'Evaluation']);
/** valid-codex-categories: n8n's taxonomy (src/utils/codex-taxonomy.ts). */
const KNOWN_CATEGORIES = new Set(['AI', 'Analytics', 'Communication', 'Core Nodes', 'Data & Storage', 'Developer Tools', 'Development', 'ECM', 'Finance & Accounting', 'HITL', 'Marketing & Content', 'Miscellaneous', 'Productivity', 'Sales', 'Utility']);
const KNOWN_SUBCATEGORIES = new Set(['Data Transformation', 'Files', 'Flow', 'Helpers', 'Other Trigger Nodes', 'Human in the Loop', 'Agents', 'Chains', 'Document Loaders', 'Embeddings', 'Language Models', 'Memory', 'Miscellaneous', 'Model Context Protocol', 'Output Parsers', 'Rerankers', 'Retrievers', 'Root Nodes', 'Text Splitters', 'Tools', 'Vector Stores']);

// ---------------------------------------------------------------------------------------------
// Walking descriptions

/** @param {unknown} value @returns {value is Obj} */
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** ` "name"` when the object has a string name. @param {Obj} object */
const named = (object) => (typeof object.name === 'string' ? ` "${object.name}"` : '');

/**
 * Every object in a tree, with its path (`properties[3].options[0]`) and the key it sits under
 * (`options` for both `x.options` and `x.options[0]`), as the upstream rules walk a description's
 * object literal.
 * @param {unknown} value @param {string} path @param {string} key
 * @returns {Generator<{ object: Obj, path: string, key: string }>}
 */
function* objectsIn(value, path, key = '', seen = new WeakSet()) {
	if (typeof value !== 'object' || value === null || seen.has(value)) return;
	seen.add(value);
	if (Array.isArray(value)) {
		for (let index = 0; index < value.length; index++) yield* objectsIn(value[index], `${path}[${index}]`, key, seen);
		return;
	}
	yield { object: value, path, key };
	for (const [childKey, child] of Object.entries(value)) yield* objectsIn(child, path ? `${path}.${childKey}` : childKey, childKey, seen);
}

/**
 * Every parameter: the top-level properties, a collection's options, a fixedCollection's values.
 * @param {unknown} properties @param {string} path
 * @returns {Generator<{ param: Obj, path: string, topLevel: boolean }>}
 */
function* parametersIn(properties, path = 'properties', topLevel = true) {
	if (!Array.isArray(properties)) return;
	for (let index = 0; index < properties.length; index++) {
		const param = properties[index];
		if (!isObject(param)) continue;
		const at = `${path}[${index}]`;
		yield { param, path: at, topLevel };
		if (param.type === 'collection') yield* parametersIn(param.options, `${at}.options`, false);
		if (param.type === 'fixedCollection' && Array.isArray(param.options)) {
			for (let group = 0; group < param.options.length; group++) {
				yield* parametersIn(param.options[group]?.values, `${at}.options[${group}].values`, false);
			}
		}
	}
}

/** @param {NodeInput} node @returns {NodeVersion[]} */
const versionsOf = (node) => node.versions ?? [{ description: node.description, executeSource: node.executeSource }];

/** @param {NodeInput} node @param {NodeVersion} version */
const whereIn = (node, version) => `${node.file}${version.version === undefined ? '' : ` v${version.version}`}`;

// ---------------------------------------------------------------------------------------------
// Rules on one node description

/** @typedef {(rule: keyof typeof RULES, where: string, message: string) => void} Report */

/** @param {Obj} description @param {string} where @param {Report} report */
function checkDescriptionTree(description, where, report) {
	for (const { object, path, key } of objectsIn(description, '')) {
		if (typeof object.hint === 'string' && object.hint.length > MAX_HINT_LENGTH) {
			report('hint-max-length', `${where}: ${path}${named(object)}`, `The "hint" is ${object.hint.length} characters long, over the limit of ${MAX_HINT_LENGTH}. A hint is a short inline nudge. Move the longer text to "description", which renders as the tooltip.`);
		}
		if (Array.isArray(object.options)) {
			object.options.forEach((option, index) => {
				if (isObject(option) && typeof option.name === 'string' && option.name.includes('*')) {
					report('no-asterisk-in-option-names', `${where}: ${path}.options[${index}]`, `Option name "${option.name}" contains "*", which renders ambiguously in the n8n UI. Use bracketed notation like "[All]" instead.`);
				}
			});
		}
		// A resourceLocator's modes are not parameters (INodePropertyMode has no `default`).
		if (key !== 'modes' && typeof object.name === 'string' && PARAM_TYPES.has(object.type) && !Object.prototype.hasOwnProperty.call(object, 'default')) {
			report('require-param-default', `${where}: ${path}${named(object)}`, `Node parameter '${object.name}' is missing a \`default\` value. Add a \`default\` property so the parameter initialises consistently.`);
		}
	}
}

/** @param {Obj} param @param {string} base the node (and version) @param {string} path the parameter's path @param {Report} report */
function checkOptionList(param, base, path, report) {
	if (!Array.isArray(param.options)) return;
	const where = `${base}: ${path}${named(param)}`;
	const label = param.displayName ?? param.name ?? 'unknown';
	if (param.type === 'options' || param.type === 'multiOptions') {
		const names = new Set();
		const values = new Set();
		param.options.forEach((option, index) => {
			if (!isObject(option)) return;
			if (typeof option.name === 'string') {
				if (names.has(option.name)) report('no-duplicate-param-options', `${base}: ${path}.options[${index}]`, `Duplicate option name "${option.name}" in parameter "${label}".`);
				names.add(option.name);
			}
			if (['string', 'number', 'boolean'].includes(typeof option.value)) {
				const key = `${typeof option.value}:${option.value}`;
				if (values.has(key)) report('no-duplicate-param-options', `${base}: ${path}.options[${index}]`, `Duplicate option value "${option.value}" in parameter "${label}".`);
				values.add(key);
			}
		});
	}
	if (param.type !== 'options') return;
	if (!param.options.every((option) => isObject(option) && typeof option.name === 'string')) return; // dynamic names: skipped
	/** @type {string[]} */
	let names = param.options.map((option) => option.name);
	// n8n appends its own "Custom API Call" as the last resource and operation entry unless the last
	// entry already is one: that entry stays last, outside the order.
	if (SELECTOR_NAMES.has(param.name) && names[names.length - 1] === CUSTOM_API_CALL_NAME) names = names.slice(0, -1);
	if (names.length <= 1) return;
	const sorted = [...names].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }));
	if (names.every((name, index) => name === sorted[index])) return;
	report('options-sorted-alphabetically', where, `Options in "${label}" are not sorted alphabetically. Expected order: ${sorted.join(', ')}.`);
}

/** @param {Obj} description @param {string} where @param {Report} report */
function checkParameters(description, where, report) {
	for (const { param, path, topLevel } of parametersIn(description.properties)) {
		const at = `${where}: ${path}${named(param)}`;
		checkOptionList(param, where, path, report);
		if (!topLevel) continue;
		if (param.type === 'json' && param.required !== true) {
			report('open-ended-node-fields', at, 'Optional JSON fields can hide configuration. Use typed parameters under Additional Options or Additional Fields instead.');
		}
		const exempt = typeof param.name !== 'string' || SELECTOR_NAMES.has(param.name) || CONTAINER_TYPES.has(param.type) || NON_INPUT_TYPES.has(param.type);
		if (!exempt && param.required !== true) {
			report('non-required-fields-in-collection', at, `"${param.name}" is not required. Move it into an "Additional Options" or "Additional Fields" collection.`);
		}
	}
}

/** @param {Obj} description @param {string} where @param {Report} report */
function checkIdentity(description, where, report) {
	if (typeof description.name === 'string' && !CAMEL_CASE.test(description.name)) {
		report('node-class-description-name-camelcase', `${where}: name`, `description.name "${description.name}" must be camelCase (^[a-z][a-zA-Z0-9]*$).`);
	}
	const colors = [['color', description.color], ['defaults.color', description.defaults?.color]];
	for (const [path, color] of colors) {
		if (typeof color === 'string' && color.toLowerCase() === CORE_COLOR) {
			report('node-class-description-non-core-color', `${where}: ${path}`, `Node class description uses the n8n core color \`${color}\`. Use a custom color to distinguish your community node from built-in nodes.`);
		}
	}
	if (isObject(description.defaults) && 'color' in description.defaults) {
		report('n8n-3-no-defaults-color', `${where}: defaults.color`, 'n8n 3.0 removes defaults.color from the node description (it only tinted Font Awesome icons). Remove it; use a file icon.');
	}
}

/**
 * single-credential-per-node: two credentials are alternatives only when, for one property that
 * is not a multiOptions, every value one shows on differs from every value the other shows on.
 * @param {Obj} description @param {string} where @param {Report} report
 */
function checkCredentials(description, where, report) {
	const credentials = Array.isArray(description.credentials) ? description.credentials : [];
	if (credentials.length < 2) return;
	const multi = new Set((description.properties ?? []).filter((p) => isObject(p) && p.type === 'multiOptions').map((p) => p.name));
	/** @param {unknown} credential @returns {Map<string, string[]>} */
	const conditions = (credential) => {
		const show = isObject(credential) ? credential.displayOptions?.show : undefined;
		const found = new Map();
		for (const [name, values] of Object.entries(isObject(show) ? show : {})) {
			if (Array.isArray(values) && values.length && values.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
				found.set(name, values.map((v) => `${typeof v}:${v}`));
			}
		}
		return found;
	};
	const exclusive = (/** @type {unknown} */ left, /** @type {unknown} */ right) => {
		const rightConditions = conditions(right);
		return [...conditions(left)].some(([name, values]) => !multi.has(name) && rightConditions.has(name) && values.every((v) => !rightConditions.get(name)?.includes(v)));
	};
	for (let left = 0; left < credentials.length - 1; left++) {
		for (let right = left + 1; right < credentials.length; right++) {
			if (!exclusive(credentials[left], credentials[right])) {
				report('single-credential-per-node', `${where}: credentials`, 'A node can use only one credential at a time. Use mutually exclusive displayOptions for alternative authentication methods. Move non-authentication settings to a node property or collection so users can set them with expressions.');
				return;
			}
		}
	}
}

// ---------------------------------------------------------------------------------------------
// execute(): require-continue-on-fail, node-operation-error-itemindex (on the compiled method)

/** @param {string} source the text of a method or function @returns {import('typescript').Node | undefined} its body */
function bodyOf(source) {
	for (const text of [`class __Node { ${source} }`, `(${source})`]) {
		const file = ts.createSourceFile('execute.js', text, ts.ScriptTarget.ES2021, true, ts.ScriptKind.JS);
		/** @type {import('typescript').Node | undefined} */
		let body;
		const visit = (/** @type {import('typescript').Node} */ node) => {
			if (!body && ts.isFunctionLike(node) && 'body' in node && node.body) body = node.body;
			else ts.forEachChild(node, visit);
		};
		visit(file);
		if (body && !(/** @type {any} */ (file).parseDiagnostics ?? []).length) return body;
	}
	return undefined;
}

/** `this.<name>(…)` @param {import('typescript').Node} node @param {string} name */
const isThisCall = (node, name) =>
	ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.expression.kind === ts.SyntaxKind.ThisKeyword && node.expression.name.text === name;

/** @param {import('typescript').Node} root @param {(node: import('typescript').Node) => boolean} test */
function some(root, test) {
	let found = false;
	const visit = (/** @type {import('typescript').Node} */ node) => {
		if (found) return;
		if (test(node)) found = true;
		else ts.forEachChild(node, visit);
	};
	visit(root);
	return found;
}

/**
 * `new NodeOperationError(…)` / `new NodeApiError(…)` (also `n8n_workflow_1.NodeApiError` once
 * compiled) inside a loop over this.getInputData() without `{ itemIndex }` as the third argument.
 * @param {import('typescript').Node} body @returns {string[]} the offending expressions
 */
function errorsWithoutItemIndex(body) {
	const items = new Set();
	some(body, (node) => {
		if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && isThisCall(node.initializer, 'getInputData')) items.add(node.name.text);
		return false;
	});
	const isLength = (/** @type {import('typescript').Node} */ node) => ts.isPropertyAccessExpression(node) && node.name.text === 'length' && ts.isIdentifier(node.expression) && items.has(node.expression.text);
	const isItemLoop = (/** @type {import('typescript').Node} */ node) =>
		(ts.isForStatement(node) && !!node.condition && ts.isBinaryExpression(node.condition) && (isLength(node.condition.left) || isLength(node.condition.right))) ||
		(ts.isForOfStatement(node) && ((ts.isIdentifier(node.expression) && items.has(node.expression.text)) || isThisCall(node.expression, 'getInputData')));
	const errorClass = (/** @type {import('typescript').Expression} */ callee) =>
		ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
	const hasItemIndex = (/** @type {import('typescript').NewExpression} */ node) => {
		const options = node.arguments?.[2];
		if (!options) return false;
		if (!ts.isObjectLiteralExpression(options)) return true; // a variable: not knowable, as upstream
		return options.properties.some((p) => ts.isSpreadAssignment(p) || (p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === 'itemIndex'));
	};
	/** @type {string[]} */
	const found = [];
	const visit = (/** @type {import('typescript').Node} */ node, /** @type {boolean} */ inLoop) => {
		const loop = inLoop || isItemLoop(node);
		if (loop && ts.isNewExpression(node) && ['NodeOperationError', 'NodeApiError'].includes(errorClass(node.expression)) && !hasItemIndex(node)) {
			found.push(node.getText().slice(0, 80));
		}
		ts.forEachChild(node, (child) => visit(child, loop));
	};
	visit(body, false);
	return found;
}

/** @param {NodeVersion} version @param {string} where @param {Report} report */
function checkExecute(version, where, report) {
	if (!version.executeSource) return;
	const body = bodyOf(version.executeSource);
	if (!body) {
		report('require-continue-on-fail', `${where}: execute()`, 'execute() could not be parsed, so its this.continueOnFail() handling could not be checked.');
		return;
	}
	if (!some(body, (node) => isThisCall(node, 'continueOnFail'))) {
		report('require-continue-on-fail', `${where}: execute()`, 'execute() method must handle this.continueOnFail() for proper error handling. Wrap item processing in a try/catch and check this.continueOnFail() in the catch block.');
	}
	for (const expression of errorsWithoutItemIndex(body)) {
		report('node-operation-error-itemindex', `${where}: execute()`, `\`${expression}\` inside an item loop must include \`{ itemIndex }\` as the third argument so n8n can associate the error with the failing item.`);
	}
}

// ---------------------------------------------------------------------------------------------
// Codex: categories and subcategories

/** Known values close to an unknown one, for a "did you mean". @param {string} value @param {Set<string>} known */
function didYouMean(value, known) {
	const lower = value.toLowerCase();
	const close = [...known].filter((candidate) => candidate.toLowerCase().includes(lower) || lower.includes(candidate.toLowerCase()));
	return close.length ? ` Did you mean ${close.map((c) => `'${c}'`).join(' or ')}?` : '';
}

/** valid-node-categories, as src/rules/valid-node-categories.ts. @param {Obj} codex @param {string} where @param {Report} report */
function checkCommunityCategories(codex, where, report) {
	const rule = 'valid-node-categories';
	const { categories, subcategories } = codex;
	if (categories === undefined && subcategories === undefined) return;
	let hasAi = false;
	if (categories !== undefined) {
		if (!Array.isArray(categories) || categories.length === 0) return report(rule, `${where}: categories`, '"categories" must be a non-empty array of community node categories.');
		for (const category of categories) {
			if (typeof category !== 'string') report(rule, `${where}: categories`, 'Each category must be a string from the community node category list.');
			else if (category === 'Marketing') report(rule, `${where}: categories`, '"Marketing" is not a supported category. Use "Marketing & Content".');
			else if (category === 'AI') hasAi = true;
			else if (!COMMUNITY_CATEGORIES.has(category)) report(rule, `${where}: categories`, `"${category}" is not a supported community node category. See https://docs.n8n.io/connect/create-nodes/build-your-node/reference/codex-files/#node-categories for the allowed values.`);
		}
	}
	if (subcategories !== undefined && !isObject(subcategories)) return report(rule, `${where}: subcategories`, 'subcategories must be an object with an AI category.');
	const ai = isObject(subcategories) && Object.prototype.hasOwnProperty.call(subcategories, 'AI') ? subcategories.AI : undefined;
	if (hasAi && ai === undefined) report(rule, `${where}: categories`, 'The "AI" category requires a non-empty subcategories.AI array.');
	if (ai !== undefined && !hasAi) report(rule, `${where}: subcategories.AI`, 'subcategories.AI requires "AI" in categories.');
	if (subcategories !== undefined && !hasAi && ai === undefined) report(rule, `${where}: subcategories`, 'subcategories must be an object with an AI category.');
	if (ai === undefined) return;
	if (!Array.isArray(ai) || ai.length === 0) return report(rule, `${where}: subcategories.AI`, 'The "AI" category requires a non-empty subcategories.AI array.');
	for (const subcategory of ai) {
		if (typeof subcategory !== 'string') report(rule, `${where}: subcategories.AI`, 'Each AI subcategory must be a supported string value.');
		else if (!COMMUNITY_AI_SUBCATEGORIES.has(subcategory)) report(rule, `${where}: subcategories.AI`, `"${subcategory}" is not a supported AI subcategory.`);
	}
}

/**
 * valid-codex-categories, as src/rules/valid-codex-categories.ts.
 * @param {Obj} codex @param {string} where @param {boolean | null} mainOutput @param {Report} report
 */
function checkCodexTaxonomy(codex, where, mainOutput, report) {
	const rule = 'valid-codex-categories';
	const categories = Array.isArray(codex.categories) ? codex.categories : null;
	for (const category of categories ?? []) {
		if (typeof category === 'string' && !KNOWN_CATEGORIES.has(category)) {
			report(rule, `${where}: categories`, `Codex category "${category}" is not part of n8n's known category taxonomy. An unrecognized value can silently hide the node from the node panel search.${didYouMean(category, KNOWN_CATEGORIES)}`);
		}
	}
	const { subcategories } = codex;
	if (Array.isArray(subcategories)) {
		return report(rule, `${where}: subcategories`, '`codex.subcategories` must map category names to arrays of subcategory strings (e.g. `{ "Core Nodes": ["Helpers"] }`), not a plain array.');
	}
	for (const [key, values] of Object.entries(isObject(subcategories) ? subcategories : {})) {
		if (!KNOWN_CATEGORIES.has(key)) report(rule, `${where}: subcategories`, `"${key}" is not a recognized category, so it cannot be used as a key in \`codex.subcategories\`.`);
		for (const value of Array.isArray(values) ? values : []) {
			if (typeof value === 'string' && !KNOWN_SUBCATEGORIES.has(value)) {
				report(rule, `${where}: subcategories.${key}`, `Codex subcategory "${value}" is not part of n8n's known subcategory taxonomy. An unrecognized value can silently hide the node from the node panel search.${didYouMean(value, KNOWN_SUBCATEGORIES)}`);
			}
		}
	}
	if (!categories?.includes('AI') || mainOutput !== true) return;
	const ai = isObject(subcategories) && Array.isArray(subcategories.AI) ? subcategories.AI : [];
	if (!ai.includes('Root Nodes')) {
		report(rule, `${where}: categories`, 'This node outputs "main" data (it can be used as a standalone step) but declares codex category "AI" without "Root Nodes" in `subcategories.AI`; the node panel hides it from the main "Add node" search.');
	}
}

/**
 * The codex of one node: inline (description.codex, which n8n then uses as-is) and the sibling
 * .node.json (which n8n reads only when there is no inline codex).
 * @param {NodeInput} node @param {Record<string, Obj>} codexFiles @param {Report} report
 */
function checkCodex(node, codexFiles, report) {
	const jsonFile = node.file.replace(/\.(ts|js)$/, '.json');
	const inline = isObject(node.description.codex) ? node.description.codex : undefined;
	/** @type {Array<{ codex: Obj, where: string, loaded: boolean }>} */
	const sources = [];
	if (inline) sources.push({ codex: inline, where: `${node.file}: description.codex`, loaded: true });
	if (isObject(codexFiles[jsonFile])) sources.push({ codex: codexFiles[jsonFile], where: jsonFile, loaded: !inline });
	// "main" output: true when a version lists it in an array of outputs, null when no version's outputs are static.
	const outputs = versionsOf(node).map((v) => v.description.outputs).filter(Array.isArray);
	const mainOutput = outputs.length ? outputs.some((list) => list.some((o) => o === 'main' || (isObject(o) && o.type === 'main'))) : null;
	for (const { codex, where, loaded } of sources) {
		checkCommunityCategories(codex, where, report);
		checkCodexTaxonomy(codex, where, mainOutput, report);
		const lists = [codex.categories, ...Object.values(isObject(codex.subcategories) ? codex.subcategories : {})];
		for (const value of lists.flatMap((list) => (Array.isArray(list) ? list : []))) {
			if (value === 'Logic' || value === 'Flow') report('no-logic-or-flow-nodes', where, `Logic and Flow nodes are not allowed ("${value}").`);
		}
		if (!loaded || node.importsAiSdk) continue;
		if (Array.isArray(codex.categories) && codex.categories.includes('AI')) {
			report('no-ai-codex-category', `${where}: categories`, 'The "AI" codex category is reserved for nodes that import @n8n/ai-node-sdk: without the SDK the node can silently disappear from the main "Add node" search. Remove it.');
		}
		if (codex.subcategories !== undefined) {
			report('no-codex-subcategories', `${where}: subcategories`, 'codex.subcategories is only allowed in nodes that import @n8n/ai-node-sdk. Remove it.');
		}
	}
}

// ---------------------------------------------------------------------------------------------
// icon-contrast

const NAMED_COLORS = Object.fromEntries(
	'aliceblue:f0f8ff antiquewhite:faebd7 aqua:00ffff aquamarine:7fffd4 azure:f0ffff beige:f5f5dc bisque:ffe4c4 black:000000 blanchedalmond:ffebcd blue:0000ff blueviolet:8a2be2 brown:a52a2a burlywood:deb887 cadetblue:5f9ea0 chartreuse:7fff00 chocolate:d2691e coral:ff7f50 cornflowerblue:6495ed cornsilk:fff8dc crimson:dc143c cyan:00ffff darkblue:00008b darkcyan:008b8b darkgoldenrod:b8860b darkgray:a9a9a9 darkgreen:006400 darkgrey:a9a9a9 darkkhaki:bdb76b darkmagenta:8b008b darkolivegreen:556b2f darkorange:ff8c00 darkorchid:9932cc darkred:8b0000 darksalmon:e9967a darkseagreen:8fbc8f darkslateblue:483d8b darkslategray:2f4f4f darkslategrey:2f4f4f darkturquoise:00ced1 darkviolet:9400d3 deeppink:ff1493 deepskyblue:00bfff dimgray:696969 dimgrey:696969 dodgerblue:1e90ff firebrick:b22222 floralwhite:fffaf0 forestgreen:228b22 fuchsia:ff00ff gainsboro:dcdcdc ghostwhite:f8f8ff gold:ffd700 goldenrod:daa520 gray:808080 green:008000 greenyellow:adff2f grey:808080 honeydew:f0fff0 hotpink:ff69b4 indianred:cd5c5c indigo:4b0082 ivory:fffff0 khaki:f0e68c lavender:e6e6fa lavenderblush:fff0f5 lawngreen:7cfc00 lemonchiffon:fffacd lightblue:add8e6 lightcoral:f08080 lightcyan:e0ffff lightgoldenrodyellow:fafad2 lightgray:d3d3d3 lightgreen:90ee90 lightgrey:d3d3d3 lightpink:ffb6c1 lightsalmon:ffa07a lightseagreen:20b2aa lightskyblue:87cefa lightslategray:778899 lightslategrey:778899 lightsteelblue:b0c4de lightyellow:ffffe0 lime:00ff00 limegreen:32cd32 linen:faf0e6 magenta:ff00ff maroon:800000 mediumaquamarine:66cdaa mediumblue:0000cd mediumorchid:ba55d3 mediumpurple:9370db mediumseagreen:3cb371 mediumslateblue:7b68ee mediumspringgreen:00fa9a mediumturquoise:48d1cc mediumvioletred:c71585 midnightblue:191970 mintcream:f5fffa mistyrose:ffe4e1 moccasin:ffe4b5 navajowhite:ffdead navy:000080 oldlace:fdf5e6 olive:808000 olivedrab:6b8e23 orange:ffa500 orangered:ff4500 orchid:da70d6 palegoldenrod:eee8aa palegreen:98fb98 paleturquoise:afeeee palevioletred:db7093 papayawhip:ffefd5 peachpuff:ffdab9 peru:cd853f pink:ffc0cb plum:dda0dd powderblue:b0e0e6 purple:800080 rebeccapurple:663399 red:ff0000 rosybrown:bc8f8f royalblue:4169e1 saddlebrown:8b4513 salmon:fa8072 sandybrown:f4a460 seagreen:2e8b57 seashell:fff5ee sienna:a0522d silver:c0c0c0 skyblue:87ceeb slateblue:6a5acd slategray:708090 slategrey:708090 snow:fffafa springgreen:00ff7f steelblue:4682b4 tan:d2b48c teal:008080 thistle:d8bfd8 tomato:ff6347 turquoise:40e0d0 violet:ee82ee wheat:f5deb3 white:ffffff whitesmoke:f5f5f5 yellow:ffff00 yellowgreen:9acd32'
		.split(' ')
		.map((entry) => entry.split(':')),
);

/** @typedef {{ r: number, g: number, b: number, alpha: number }} Rgb channels 0–1 */

/** @param {string} hex without # @returns {Rgb | undefined} */
function fromHex(hex) {
	if (!/^([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(hex)) return undefined;
	const full = hex.length <= 4 ? [...hex].map((c) => c + c).join('') : hex;
	const [r, g, b, a = 255] = (full.match(/../g) ?? []).map((pair) => parseInt(pair, 16));
	return { r: r / 255, g: g / 255, b: b / 255, alpha: a / 255 };
}

/** A CSS colour as the SVG renderer reads it; undefined for none, url() and what does not parse. @param {string} value @returns {Rgb | undefined} */
function parseColor(value) {
	const paint = value.trim().toLowerCase();
	if (paint === 'currentcolor') return { r: 0, g: 0, b: 0, alpha: 1 }; // an SVG used as an image inherits no colour
	if (paint.startsWith('var(')) {
		const variable = /^var\(\s*--[^,()]+(?:,\s*(.+))?\)$/s.exec(paint);
		return variable ? parseColor(variable[1] ?? '#000') : undefined;
	}
	if (paint === 'transparent') return { r: 0, g: 0, b: 0, alpha: 0 };
	if (paint.startsWith('#')) return fromHex(paint.slice(1));
	if (NAMED_COLORS[paint]) return fromHex(NAMED_COLORS[paint]);
	const fn = /^(rgba?|hsla?)\(([^)]*)\)$/.exec(paint);
	if (!fn) return undefined;
	const parts = fn[2].split(/[\s,/]+/).filter(Boolean);
	if (parts.length < 3) return undefined;
	const number = (/** @type {string} */ part, /** @type {number} */ scale) => (part.endsWith('%') ? parseFloat(part) / 100 : parseFloat(part) / scale);
	const alpha = parts[3] === undefined ? 1 : number(parts[3], 1);
	if (fn[1].startsWith('rgb')) return { r: number(parts[0], 255), g: number(parts[1], 255), b: number(parts[2], 255), alpha };
	const [h, s, l] = [((parseFloat(parts[0]) % 360) + 360) % 360, number(parts[1], 100), number(parts[2], 100)];
	const k = (/** @type {number} */ n) => (n + h / 30) % 12;
	const f = (/** @type {number} */ n) => l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
	return { r: f(0), g: f(8), b: f(4), alpha };
}

/** @param {Rgb} color */
function luminance(color) {
	const linear = (/** @type {number} */ channel) => {
		const value = Math.max(0, Math.min(1, channel));
		return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
	};
	return 0.2126 * linear(color.r) + 0.7152 * linear(color.g) + 0.0722 * linear(color.b);
}

/** WCAG contrast of a paint (composited by its alpha) on a background. @param {Rgb} paint @param {Rgb} background */
function contrastRatio(paint, background) {
	const alpha = Math.max(0, Math.min(1, paint.alpha));
	const mix = (/** @type {'r' | 'g' | 'b'} */ c) => paint[c] * alpha + background[c] * (1 - alpha);
	const a = luminance({ r: mix('r'), g: mix('g'), b: mix('b'), alpha: 1 });
	const b = luminance(background);
	return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/**
 * The paints of an SVG (fill, stroke and stop-color from attributes, style attributes and <style>
 * blocks), black when nothing sets a fill; null when the rule skips it (not an SVG, an embedded
 * image, url() paint without gradient stops).
 * @param {string} svg @returns {Rgb[] | null}
 */
function svgPaints(svg) {
	const text = svg.replace(/<!--[\s\S]*?-->/g, '');
	if (!/<svg[\s>]/i.test(text)) return null;
	/** @type {Rgb[]} */
	const colors = [];
	const state = { fill: false, url: false, stops: false, image: false };
	const addPaint = (/** @type {string} */ property, /** @type {string} */ value) => {
		const name = property.toLowerCase();
		if (!['fill', 'stroke', 'stop-color'].includes(name)) return;
		if (name === 'fill') state.fill = true;
		if (/url\(/i.test(value)) state.url = true;
		const color = parseColor(value);
		if (color) colors.push(color);
	};
	const addStyle = (/** @type {string} */ style) => {
		for (const match of style.matchAll(/(?:^|[;{])\s*(fill|stroke|stop-color)\s*:\s*([^;}]+)/gi)) addPaint(match[1], match[2].trim());
	};
	for (const tag of text.matchAll(/<([a-zA-Z][\w:.-]*)((?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/g)) {
		const element = (tag[1].split(':').pop() ?? '').toLowerCase();
		if (element === 'image') state.image = true;
		if (element === 'stop') state.stops = true;
		for (const attribute of tag[2].matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
			const name = attribute[1].toLowerCase();
			const value = attribute[2] ?? attribute[3] ?? '';
			if (name === 'style') addStyle(value);
			else addPaint(name, value);
		}
	}
	// <style> text (CDATA sections are not text to n8n's XML parser, so it skips them too).
	for (const block of text.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)) addStyle(block[1].replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, ''));
	if (state.image || (state.url && !state.stops)) return null;
	if (!state.fill) colors.push({ r: 0, g: 0, b: 0, alpha: 1 });
	return colors.length ? colors : null;
}

const BACKGROUNDS = { light: { r: 1, g: 1, b: 1, alpha: 1 }, dark: { r: 43 / 255, g: 43 / 255, b: 43 / 255, alpha: 1 } };

/**
 * @param {unknown} icon a description's or credential's icon
 * @param {string} file the file the icon path is relative to
 * @param {Record<string, string>} svgs @param {string} where @param {Report} report
 */
function checkIconContrast(icon, file, svgs, where, report) {
	/** @type {Array<['light' | 'dark', unknown]>} */
	const variants = isObject(icon) ? [['light', icon.light], ['dark', icon.dark]] : [['light', icon], ['dark', icon]];
	for (const [theme, path] of variants) {
		if (typeof path !== 'string' || !path.startsWith('file:') || !path.toLowerCase().endsWith('.svg')) continue;
		const svgPath = posix.normalize(posix.join(posix.dirname(file), path.slice(5)));
		const paints = svgs[svgPath] === undefined ? null : svgPaints(svgs[svgPath]);
		if (!paints) continue;
		const ratio = Math.max(...paints.map((paint) => contrastRatio(paint, BACKGROUNDS[theme])));
		if (ratio < MIN_ICON_CONTRAST) report('icon-contrast', `${where}: ${svgPath}`, `Icon has ${ratio.toFixed(2)}:1 contrast on the ${theme} theme (minimum ${MIN_ICON_CONTRAST}:1).`);
	}
}

// ---------------------------------------------------------------------------------------------
// no-hardcoded-ids (on the TypeScript sources)

/** @param {{ file: string, text: string }} source @param {Report} report */
function checkHardcodedIds(source, report) {
	const file = ts.createSourceFile(source.file, source.text, ts.ScriptTarget.ES2021, true);
	const literal = (/** @type {import('typescript').Node | undefined} */ node) => !!node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node));
	const nameOf = (/** @type {import('typescript').Node} */ name) => (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name) ? name.text : null);
	const visit = (/** @type {import('typescript').Node} */ node) => {
		/** @type {[string | null, import('typescript').Node | undefined] | null} */
		let pair = null;
		if (ts.isVariableDeclaration(node)) pair = [nameOf(node.name), node.initializer];
		else if (ts.isPropertyAssignment(node) || ts.isPropertyDeclaration(node)) pair = [nameOf(node.name), node.initializer];
		else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
			const left = node.left;
			const name = ts.isIdentifier(left) ? left.text : ts.isPropertyAccessExpression(left) ? left.name.text : ts.isElementAccessExpression(left) && ts.isStringLiteral(left.argumentExpression) ? left.argumentExpression.text : null;
			pair = [name, node.right];
		}
		if (pair && pair[0] && CONFIGURABLE_ID_NAME.test(pair[0]) && literal(pair[1])) {
			const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
			report('no-hardcoded-ids', `${source.file}:${line}`, `Hardcoded \`${pair[0]}\`. Read this ID from a node parameter or credential so users can configure it.`);
		}
		ts.forEachChild(node, visit);
	};
	visit(file);
}

// ---------------------------------------------------------------------------------------------
// The check

/**
 * Every finding of the rules above on the pack described by `input`.
 * @param {Input} input @returns {Finding[]}
 */
function checkCommunityRules(input) {
	/** @type {Finding[]} */
	const findings = [];
	/** @type {Report} */
	const report = (rule, where, message) => {
		findings.push({ rule, where, message, level: RULES[rule] });
	};
	const pkg = input.packageJson ?? {};
	if (pkg.license !== 'MIT') report('require-mit-license', 'package.json: license', `The "license" field must be "MIT"${pkg.license === undefined ? ' (it is missing)' : `, not ${JSON.stringify(pkg.license)}`}.`);
	if (!Array.isArray(pkg.keywords) || !pkg.keywords.includes('n8n-community-node-package')) {
		report('require-community-node-keyword', 'package.json: keywords', 'The "keywords" array must include "n8n-community-node-package".');
	}
	if (isObject(pkg.repository) && pkg.repository.directory !== undefined) {
		report('no-monorepo', 'package.json: repository.directory', 'Community node packages must use a single-package repository: remove "repository.directory".');
	}

	const svgs = input.svgs ?? {};
	for (const node of input.nodes ?? []) {
		if (node.file.endsWith('.node.ts') && typeof node.description.name === 'string') {
			const expected = node.description.name.charAt(0).toUpperCase() + node.description.name.slice(1);
			const actual = posix.basename(node.file, '.node.ts').replace(/V\d+$/, '');
			if (actual !== expected) report('node-filename-against-convention', node.file, `Node filename must match \`description.name\`. Rename file to "${expected}.node.ts".`);
		}
		checkCodex(node, input.codex ?? {}, report);
		const icons = new Set();
		for (const version of versionsOf(node)) {
			const where = whereIn(node, version);
			checkIdentity(version.description, where, report);
			checkDescriptionTree(version.description, where, report);
			checkParameters(version.description, where, report);
			checkCredentials(version.description, where, report);
			checkExecute(version, where, report);
			const icon = JSON.stringify(version.description.icon ?? null);
			if (!icons.has(icon)) checkIconContrast(version.description.icon, node.file, svgs, node.file, report);
			icons.add(icon);
		}
	}

	for (const { file, className, credential } of input.credentials ?? []) {
		if (!className.endsWith('Api')) report('cred-class-name-suffix', `${file}: class ${className}`, `Credential class name '${className}' must end with 'Api'`);
		if (typeof credential.name === 'string') {
			if (/^[A-Z]/.test(credential.name)) report('cred-class-name-field-conventions', `${file}: name`, `Credential \`name\` field '${credential.name}' must start with a lowercase letter`);
			if (!credential.name.endsWith('Api')) report('cred-class-name-field-conventions', `${file}: name`, `Credential \`name\` field '${credential.name}' must end with 'Api'`);
		}
		if (file.endsWith('.credentials.ts') && posix.basename(file, '.credentials.ts') !== className) {
			report('cred-filename-against-convention', file, `Credential filename must match the class name: rename the file to "${className}.credentials.ts" (or the class).`);
		}
		checkIconContrast(credential.icon, file, svgs, file, report);
	}

	for (const source of input.sources ?? []) checkHardcodedIds(source, report);
	return findings;
}

/**
 * What fails: every error, and every warning whose rule is not allow-listed.
 * @param {Finding[]} findings @param {Record<string, string | { reason: string, parameters: string[] }>} [allowed]
 */
function verdict(findings, allowed = ALLOWED_WARNINGS) {
	const problems = Object.keys(allowed)
		.filter((rule) => /** @type {Record<string, string>} */ (RULES)[rule] !== 'warning')
		.map((rule) => `ALLOWED_WARNINGS lists ${rule}, which is ${rule in RULES ? 'an error rule: errors cannot be allowed' : 'not a rule checked here'}`);
	const failing = findings.filter((f) => f.level === 'error' || !allows(Object.prototype.hasOwnProperty.call(allowed, f.rule) ? allowed[f.rule] : undefined, f));
	const tolerated = findings.filter((f) => !failing.includes(f));
	return { failing, tolerated, problems, passed: failing.length === 0 && problems.length === 0 };
}

// ---------------------------------------------------------------------------------------------
// Loading a built checkout

/** @param {string} root @param {string} distFile @returns {Array<{ className: string, instance: Obj }>} */
function classesIn(root, distFile) {
	const path = resolve(root, distFile);
	if (!existsSync(path)) throw new Error(`${distFile} is missing: build first (npm run build)`);
	const exports = require(path);
	/** @type {Array<{ className: string, instance: Obj }>} */
	const found = [];
	for (const [className, value] of Object.entries(exports)) {
		if (typeof value !== 'function' || !value.prototype || !/^class\b/.test(Function.prototype.toString.call(value))) continue;
		found.push({ className, instance: new value() });
	}
	return found;
}

/** `dist/nodes/Flux/Flux.node.js` → `nodes/Flux/Flux.node.ts` @param {string} distFile */
const sourceOf = (distFile) => distFile.replace(/^(\.\/)?dist\//, '').replace(/\.js$/, '.ts');
/** @param {string} sourceFile */
const distOf = (sourceFile) => `dist/${sourceFile.replace(/\.ts$/, '.js')}`;

/** @param {unknown} fn */
const sourceText = (fn) => (typeof fn === 'function' ? Function.prototype.toString.call(fn) : undefined);

/**
 * The input of checkCommunityRules from a built checkout: the node and credential files
 * package.json registers, and any other *.node.ts / *.credentials.ts, as dist/ has them.
 * @param {string} root @returns {Input}
 */
function loadRepository(root) {
	const read = (/** @type {string} */ file) => readFileSync(join(root, file), 'utf8');
	const packageJson = JSON.parse(read('package.json'));
	const files = glob.sync(['nodes/**/*', 'credentials/**/*'], { cwd: root, dot: true }).sort();
	const registered = (/** @type {string} */ key, /** @type {string} */ suffix) =>
		[...new Set([...(packageJson.n8n?.[key] ?? []).map(sourceOf), ...files.filter((f) => f.endsWith(suffix))])].sort();

	/** @type {NodeInput[]} */
	const nodes = [];
	for (const file of registered('nodes', '.node.ts')) {
		const text = existsSync(join(root, file)) ? read(file) : '';
		const importsAiSdk = /['"]@n8n\/ai-node-sdk['"]/.test(text);
		for (const { instance } of classesIn(root, distOf(file))) {
			if (!isObject(instance.description)) continue;
			if (isObject(instance.nodeVersions) && typeof instance.getNodeType === 'function') {
				const versions = Object.keys(instance.nodeVersions).map(Number).sort((a, b) => a - b).map((version) => {
					const type = instance.getNodeType(version);
					return { version, description: type.description, executeSource: sourceText(type.execute) };
				});
				nodes.push({ file, description: instance.description, versions, importsAiSdk });
			} else {
				nodes.push({ file, description: instance.description, executeSource: sourceText(instance.execute), importsAiSdk });
			}
		}
	}

	/** @type {Record<string, Obj>} */
	const codex = {};
	for (const file of files.filter((f) => f.endsWith('.node.json'))) {
		codex[file] = JSON.parse(existsSync(join(root, 'dist', file)) ? read(join('dist', file)) : read(file)); // what n8n loads
	}

	/** @type {CredentialInput[]} */
	const credentials = [];
	for (const file of registered('credentials', '.credentials.ts')) {
		for (const { className, instance } of classesIn(root, distOf(file))) {
			if (typeof instance.name === 'string' && Array.isArray(instance.properties)) credentials.push({ file, className, credential: instance });
		}
	}

	const sources = files.filter((f) => f.endsWith('.ts')).map((file) => ({ file, text: read(file) }));
	/** @type {Record<string, string>} */
	const svgs = {};
	for (const file of glob.sync(['icons/**/*.svg', 'nodes/**/*.svg', 'credentials/**/*.svg'], { cwd: root })) svgs[file] = read(file);
	return { packageJson, nodes, codex, credentials, files, sources, svgs };
}

/** Findings as lines, grouped by rule; at most `limit` lines per rule. @param {Finding[]} findings */
function formatFindings(findings, limit = Infinity) {
	/** @type {Map<string, Finding[]>} */
	const byRule = new Map();
	for (const finding of findings) byRule.set(finding.rule, [...(byRule.get(finding.rule) ?? []), finding]);
	/** @type {string[]} */
	const lines = [];
	for (const [rule, list] of [...byRule].sort(([a], [b]) => a.localeCompare(b))) {
		lines.push(`${list[0].level} ${rule} (${list.length}):`);
		for (const finding of list.slice(0, limit)) lines.push(`  ${finding.where}: ${finding.message}`);
		if (list.length > limit) lines.push(`  … and ${list.length - limit} more (node scripts/community-rules.js lists all)`);
	}
	return lines;
}

module.exports = { checkCommunityRules, loadRepository, verdict, formatFindings, svgPaints, contrastRatio, parseColor, RULES, NOT_APPLICABLE, ALLOWED_WARNINGS };

if (require.main === module) {
	const findings = checkCommunityRules(loadRepository(join(__dirname, '..')));
	const result = verdict(findings);
	for (const line of [...formatFindings(findings), ...result.problems]) console.log(line);
	for (const [rule, why] of Object.entries(NOT_APPLICABLE)) console.log(`n/a ${rule}: ${why}`);
	console.log(`community rules: ${result.passed ? 'passed' : `${result.failing.length} failing finding(s)`}${result.tolerated.length ? `, ${result.tolerated.length} allowed warning(s)` : ''}`);
	process.exit(result.passed ? 0 : 1);
}
