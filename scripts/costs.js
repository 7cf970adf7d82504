// @ts-check
'use strict';
/**
 * What things cost, from the model table's own prices (dist/, so build first): a table of every
 * model node version 2 offers (its price per image, per megapixel or per second, and a typical
 * request), and what one run of each shipped example costs. Used by scripts/readme-models.js,
 * which writes them into the README (`npm run docs`) and fails when they are stale
 * (`npm run docs:check`).
 *
 * Nothing here is a price: every figure is a call of the model's price() (or of the node's own
 * expectedCost(), the figure its spend cap reserves), with the request spelled out next to it.
 * Figures BFL does not publish are marked [uncertain] where the model table sets them.
 */
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { displayNameOf, fieldsFor, MEGAPIXEL, MODELS, modelLabel, OPERATIONS, parameterOf } = require('../dist/nodes/Flux/models/index.js');
const { expectedCost } = require('../dist/nodes/Flux/engine/price.js');

const EXAMPLES = join(__dirname, '..', 'examples');
const FLUX_TYPES = ['n8n-nodes-bfl.flux', 'n8n-nodes-bfl.fluxTool'];

/** The typical image: 1024×1024, 1 MP. */
const SIDE = 1024;
/** The typical clip: 5 s, 1280×720 (HD, 16:9). */
const CLIP = { width: 1280, height: 720, seconds: 5 };
const CLIP_MP = (CLIP.width * CLIP.height) / MEGAPIXEL;

/** Credits as BFL shows them (0.1), without float noise. @param {number} credits */
function round(credits) {
	return Math.round(credits * 10) / 10;
}

/** `4.8 (US$0.048)`: 1 credit = US$0.01. @param {number} credits */
function money(credits) {
	const dollars = (round(credits) / 100).toFixed(3).replace(/0$/, '');
	return `${round(credits)} (US$${dollars})`;
}

/** @param {any} model @param {any} operation */
function operationName(model, operation) {
	return OPERATIONS.find((entry) => entry.resource === model.resource && entry.value === operation)?.name ?? operation;
}

/** The defaults the node sends for a model's main option fields, plus what the operation fixes. @param {any} model @param {any} operation */
function defaultBody(model, operation) {
	/** @type {Record<string, unknown>} */
	const body = { ...(model.fixed?.[operation] ?? {}) };
	for (const field of fieldsFor(model, operation)) {
		if (field.advanced || field.kind === 'media' || field.kind === 'string') continue;
		if ((field.kind === 'integer' || field.kind === 'number') && field.zeroMeansAuto && field.default === 0) continue;
		body[field.api] = field.default;
	}
	return body;
}

/** The required image inputs of an operation (a list counts its minimum), each 1024×1024. @param {any} model @param {any} operation */
function typicalImages(model, operation) {
	return fieldsFor(model, operation).flatMap((field) =>
		field.kind === 'media' && field.media === 'image' && field.required ? Array.from({ length: field.list?.min ?? 1 }, () => displayNameOf(field)) : [],
	);
}

/** @param {any} model @param {any} operation */
function takesVideo(model, operation) {
	return fieldsFor(model, operation).some((field) => field.kind === 'media' && field.media !== 'image' && field.required);
}

/**
 * The price input of a typical request: 1024×1024 images in and out, a 5 s 1280×720 clip.
 * @param {any} model @param {any} operation @param {Record<string, unknown>} [overrides]
 * @returns {{ body: Record<string, unknown>, outputMp: number, inputMp: number, seconds?: number, videoMp?: number }}
 */
function typicalInput(model, operation, overrides = {}) {
	const body = { ...defaultBody(model, operation), ...overrides };
	if (model.resource === 'video') {
		return { body, outputMp: 0, inputMp: 0, seconds: CLIP.seconds, ...(takesVideo(model, operation) ? { videoMp: CLIP_MP } : {}) };
	}
	const images = operation === 'generate' ? 0 : typicalImages(model, operation).length;
	return { body, outputMp: 1, inputMp: images, seconds: undefined };
}

/** Option and boolean fields whose value changes the price of the typical request. @param {any} model @param {any} operation */
function priceChoices(model, operation) {
	const base = model.price(typicalInput(model, operation));
	return fieldsFor(model, operation).filter((field) => {
		if (field.kind === 'options') return field.values.some((value) => model.price(typicalInput(model, operation, { [field.api]: value })) !== base);
		if (field.kind === 'boolean') return model.price(typicalInput(model, operation, { [field.api]: !field.default })) !== base;
		return false;
	});
}

/** @param {any} field @param {unknown} value */
function valueLabel(field, value) {
	return field.labels?.[String(value)] ?? String(value);
}

/** Credits per unit, measured on a long run of it (100 s, 10 MP) so the table's 0.1 rounding does not show. @param {number} credits */
function rate(credits) {
	return Math.round(credits * 100) / 100;
}

/** Whether the price follows the source video's size (an upscale). @param {any} model @param {any} operation */
function followsSource(model, operation) {
	const input = typicalInput(model, operation);
	return input.videoMp !== undefined && model.price({ ...input, videoMp: input.videoMp * 2 }) !== model.price(input);
}

/** Whether a model's price is one figure per image, whatever the sizes. @param {any} model */
function perImage(model) {
	return model.resource === 'image' && model.operations.every((/** @type {string} */ operation) => {
		const input = typicalInput(model, operation);
		return model.price({ ...input, outputMp: 4, inputMp: input.inputMp + 4 }) === model.price(input);
	});
}

/** How one operation is priced: per image, per megapixel or per second, by choice where a field changes it. @param {any} model @param {any} operation */
function rateText(model, operation) {
	const choices = priceChoices(model, operation);
	const options = choices.find((field) => field.kind === 'options');
	const flags = choices.filter((field) => field.kind === 'boolean');
	const price = (/** @type {Record<string, unknown>} */ overrides, /** @type {Partial<{ outputMp: number, inputMp: number, seconds: number }>} */ sizes = {}) =>
		model.price({ ...typicalInput(model, operation, overrides), ...sizes });
	if (model.resource === 'video') {
		const perSecond = (/** @type {Record<string, unknown>} */ overrides) => rate(price(overrides, { seconds: 100 }) / 100);
		const values = options ? options.values.map((value) => `${valueLabel(options, value)} ${perSecond({ [options.api]: value })}`) : [String(perSecond({}))];
		for (const flag of flags) values.push(`${displayNameOf(flag)} ${perSecond({ [flag.api]: !flag.default })}`);
		const source = followsSource(model, operation) ? ` of a ${CLIP.width}×${CLIP.height} source` : '';
		return `per second${source}: ${values.join(' · ')}`;
	}
	if (options) return `per image: ${options.values.map((value) => `${valueLabel(options, value)} ${round(price({ [options.api]: value }))}`).join(' · ')}`;
	if (perImage(model)) return 'per image';
	const withInputs = model.operations.find((/** @type {string} */ op) => op !== 'generate' && typicalImages(model, op).length) ?? operation;
	const inputs = typicalInput(model, withInputs).inputMp;
	const perOutput = rate((model.price({ ...typicalInput(model, withInputs), outputMp: 11 }) - model.price({ ...typicalInput(model, withInputs), outputMp: 1 })) / 10);
	const perInput = inputs ? rate((model.price({ ...typicalInput(model, withInputs), inputMp: inputs + 10 }) - model.price(typicalInput(model, withInputs))) / 10) : 0;
	const parts = [`+${perOutput} per MP of output beyond the first`];
	if (perInput) parts.push(`+${perInput} per MP of input`);
	return `per megapixel: ${parts.join(', ')}`;
}

/** The typical request of one operation, in words, and its credits. @param {any} model @param {any} operation */
function typicalText(model, operation) {
	const input = typicalInput(model, operation);
	const credits = money(model.price(input));
	const choice = priceChoices(model, operation).find((field) => field.kind === 'options');
	const chosen = choice ? valueLabel(choice, input.body[choice.api] ?? choice.default) : undefined;
	if (perImage(model)) return `one image${chosen ? `, ${chosen}` : ''}: ${credits}`;
	let words;
	if (model.resource === 'video') {
		const factor = fieldsFor(model, operation).find((field) => field.api === 'upscale_factor');
		const source = followsSource(model, operation) ? ` of a ${CLIP.width}×${CLIP.height} clip${factor ? ` at ${factor.default}×` : ''}` : '';
		words = `${CLIP.seconds} s${source}${chosen ? `, ${chosen}` : ''}`;
	} else {
		const images = operation === 'generate' ? [] : typicalImages(model, operation);
		const size = chosen ?? `${SIDE}×${SIDE}`;
		words = images.length ? `${images.join(' + ')} ${SIDE}×${SIDE} → ${size}` : size;
	}
	return `${words}: ${credits}`;
}

/** Per-operation texts, merged where operations agree; prefixed with the operation when they differ. @param {any} model @param {(model: any, operation: string) => string} text */
function perOperation(model, text) {
	/** @type {Map<string, string[]>} */
	const distinct = new Map();
	for (const operation of model.operations) {
		const value = text(model, operation);
		distinct.set(value, [...(distinct.get(value) ?? []), operationName(model, operation)]);
	}
	if (distinct.size === 1) return [...distinct.keys()][0];
	return [...distinct.entries()].map(([value, names]) => `*${names.join(', ')}:* ${value}`).join('<br>');
}

/** The models version 2 offers: best for, price, a typical request, webhook. */
function modelCostTable() {
	const rows = MODELS.filter((model) => model.versions.includes(2)).map((model) => {
		const webhook = model.fields.some((/** @type {any} */ field) => field.api === 'webhook_url') ? 'yes' : 'no';
		return `| ${modelLabel(model)} | ${model.description} | ${perOperation(model, rateText)} | ${perOperation(model, typicalText)} | ${webhook} |`;
	});
	return [
		`| Model | Best for | Price in credits | A typical request: credits (US$) | Webhook |`,
		'|---|---|---|---|---|',
		...rows,
	].join('\n');
}

/**
 * What one run of each example sends: items per FLUX node, and the sizes of inputs the workflow
 * itself makes (an earlier node's output). Every FLUX node of an example must be listed, and only
 * those, so a changed example fails `npm run docs:check` until this says what it costs.
 * @type {Record<string, { per: string, items: Record<string, number>, images?: Record<string, Array<[number, number]>>, video?: Record<string, { width: number, height: number, seconds: number }>, assumption?: string }>}
 */
const EXAMPLE_RUNS = {
	'flux-demo.json': { per: 'a run', items: { Generate: 3, Edit: 1 }, images: { Edit: [[1024, 768]] } },
	'image-tools.json': { per: 'a run', items: { Generate: 1, Outpaint: 1, Deblur: 1 }, images: { Outpaint: [[1024, 768]], Deblur: [[1792, 1024]] } },
	'video.json': {
		per: 'a run',
		items: { 'Generate Video': 1, Upscale: 1 },
		video: { Upscale: CLIP },
		assumption: `the clip taken as ${CLIP.width}×${CLIP.height}: with Aspect Ratio Auto, BFL picks the shape`,
	},
	'get-result-later.json': { per: 'a run', items: { Submit: 1, 'Get Result': 1 } },
	'get-result-loop.json': { per: 'a run', items: { 'Submit Video': 1, 'Get Result': 1 } },
	'free-the-execution.json': { per: 'a run', items: { Generate: 12 } },
	'mcp-server.json': {
		per: 'an image made and edited once over MCP',
		items: { 'Generate Image': 1, 'Edit Image': 1, 'Credit Balance': 1 },
		images: { 'Edit Image': [[1024, 1024]] },
	},
	'flux-trigger.json': { per: 'a run', items: {} },
	'submit-to-trigger.json': { per: 'a run', items: { Submit: 3 } },
	'spend-cap-and-moderation.json': { per: 'a run', items: { Generate: 24 } },
	'finetunes.json': { per: 'a run', items: { 'List Finetunes': 1, 'Generate with Finetune': 1 } },
	'agent-tool.json': { per: 'a chat that generates one image and edits it once', items: { 'Generate Image': 1, 'Edit Image': 1 }, images: { 'Edit Image': [[1024, 1024]] } },
	'scheduled-google-drive.json': { per: 'a day', items: { 'Generate Postcard': 1 } },
	'slack-to-image.json': { per: 'a mention', items: { Generate: 1 } },
};

/** The model and body a FLUX node of an example sends (expressions left out: they do not set a price). @param {any} node */
function requestOf(node) {
	const { resource, operation } = node.parameters;
	if (resource !== 'image' && resource !== 'video') return undefined;
	const id = node.parameters.model ?? OPERATIONS.find((entry) => entry.resource === resource && entry.value === operation)?.defaultModel;
	const model = MODELS.find((candidate) => candidate.id === id);
	if (!model) throw new Error(`${node.name}: unknown model ${id}`);
	/** @type {Record<string, unknown>} */
	const body = { ...(model.fixed?.[operation] ?? {}) };
	for (const field of fieldsFor(model, operation)) {
		const value = node.parameters[parameterOf(field)] ?? node.parameters.modelOptions?.[parameterOf(field)];
		if (typeof value === 'string' && value.startsWith('=')) continue;
		if (value !== undefined && field.kind !== 'media') body[field.api] = value;
		else if (!field.advanced && field.kind !== 'media' && field.kind !== 'string' && !((field.kind === 'integer' || field.kind === 'number') && field.zeroMeansAuto && field.default === 0)) {
			body[field.api] = field.default;
		}
	}
	// In an AI Agent's tool, FLUX.2's size defaults to 1024×1024 (nodes/Flux/agent.ts).
	if (node.type === 'n8n-nodes-bfl.fluxTool' && operation === 'generate' && body.width === undefined && fieldsFor(model, operation).some((field) => field.api === 'width')) {
		Object.assign(body, { width: SIDE, height: SIDE });
	}
	return { model, body };
}

/** One FLUX node's credits for a run: the node's own expected cost per item, times the items its spend cap lets through. */
function nodeCost(node, run) {
	const request = requestOf(node);
	const items = run.items[node.name];
	if (!request) return { name: node.name, label: node.parameters.operation, items, each: 0, total: 0 };
	const sizes = run.images?.[node.name] ?? [];
	const video = run.video?.[node.name];
	const facts = {
		inputMp: sizes.reduce((sum, [width, height]) => sum + (width * height) / MEGAPIXEL, 0),
		sizes: sizes.length ? { first: { width: sizes[0][0], height: sizes[0][1] } } : {},
		unknownSizes: 0,
		...(video ? { videoMp: (video.width * video.height) / MEGAPIXEL, videoSeconds: video.seconds } : {}),
	};
	const each = round(expectedCost(/** @type {any} */ (request), /** @type {any} */ (facts)));
	const cap = Number(node.parameters.options?.maxCredits ?? 0);
	const sent = cap > 0 && each > 0 ? Math.min(items, Math.floor(cap / each + 1e-9)) : items;
	return { name: node.name, label: request.model.operations.length > 1 ? `${request.model.displayName} ${operationName(request.model, node.parameters.operation)}` : request.model.displayName, items: sent, asked: items, each, total: round(sent * each) };
}

/** Every example with its FLUX nodes' credits, checked against EXAMPLE_RUNS. */
function exampleCosts() {
	const files = readdirSync(EXAMPLES).filter((file) => file.endsWith('.json')).sort();
	const unknown = files.filter((file) => !EXAMPLE_RUNS[file]);
	if (unknown.length) throw new Error(`scripts/costs.js: say in EXAMPLE_RUNS what one run of ${unknown.join(', ')} sends`);
	return files.map((file) => {
		const workflow = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));
		const run = EXAMPLE_RUNS[file];
		const fluxNodes = workflow.nodes.filter((/** @type {any} */ node) => FLUX_TYPES.includes(node.type));
		const names = fluxNodes.map((/** @type {any} */ node) => node.name).sort();
		if (JSON.stringify(names) !== JSON.stringify(Object.keys(run.items).sort())) {
			throw new Error(`scripts/costs.js: EXAMPLE_RUNS["${file}"] lists ${Object.keys(run.items).join(', ') || 'no node'}; the workflow's FLUX nodes are ${names.join(', ') || 'none'}`);
		}
		const nodes = fluxNodes.map((/** @type {any} */ node) => nodeCost(node, run));
		const total = round(nodes.reduce((sum, node) => sum + node.total, 0));
		const notes = workflow.nodes.filter((/** @type {any} */ node) => node.type === 'n8n-nodes-base.stickyNote').map((/** @type {any} */ node) => String(node.parameters.content));
		return { file, name: workflow.name, per: run.per, assumption: run.assumption, nodes, total, notes };
	});
}

/** `8.3 credits (US$0.083) a run`, as the README's Before-you-run lines and the sticky notes say it. @param {{ total: number, per: string }} example */
function exampleCostText(example) {
	if (!example.total) return 'nothing (receiving a result and downloading it are free)';
	const [credits, dollars] = money(example.total).split(' ');
	return `about ${credits} credits ${dollars} ${example.per}`;
}

function exampleCostTable() {
	const rows = exampleCosts().map((example) => {
		const steps = example.nodes
			.filter((node) => node.each > 0)
			.map((node) => `${node.label}: ${node.items}${node.asked !== node.items ? ` of ${node.asked} (the spend cap)` : ''} × ${node.each}`);
		const assumption = example.assumption ? `<br>*${example.assumption}*` : '';
		return `| \`${example.file}\` | ${steps.join('<br>') || '—'}${assumption} | ${example.total ? money(example.total) : '0'} | ${example.per} |`;
	});
	return ['| Example | FLUX steps: items × credits | Credits (US$) | Per |', '|---|---|---|---|', ...rows].join('\n');
}

/** Sticky notes that state a cost must state this one. */
function staleNotes() {
	return exampleCosts()
		.filter((example) => example.notes.some((note) => /credits/.test(note)) && !example.notes.some((note) => note.includes(exampleCostText(example))))
		.map((example) => `examples/${example.file}: its note must say "${exampleCostText(example)}"`);
}

/** `1.4 credits (US$0.014)`: the typical request of one model's operation (see typicalText). @param {string} id @param {any} operation */
function typicalPrice(id, operation) {
	const model = MODELS.find((candidate) => candidate.id === id);
	if (!model || !model.operations.includes(operation)) throw new Error(`no model ${id} with the operation ${operation}`);
	const [credits, dollars] = money(model.price(typicalInput(model, operation))).split(' ');
	return `${credits} credits ${dollars}`;
}

module.exports = { modelCostTable, exampleCostTable, exampleCosts, exampleCostText, staleNotes, money, typicalPrice };
