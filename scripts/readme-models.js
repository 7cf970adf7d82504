#!/usr/bin/env node
// @ts-check
'use strict';
// Writes, from the model table (dist/, so build first): the README's operations list, its "What it
// costs" tables and each example's cost (scripts/costs.js), and the full model table in
// docs/models.md. `--check` fails instead when any of them is out of date, or when an example's
// sticky note states another cost (part of `npm test`).
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const {
	BUCKET_LIMITS,
	fieldsFor,
	formatBytes,
	limitsOf,
	MODELS,
	modelLabel,
	modelsFor,
	OPERATIONS,
	parameterOf,
	pathOf,
} = require('../dist/nodes/Flux/models/index.js');
const { rangeText } = require('../dist/nodes/Flux/models/validation.js');
const { OTHER_OPERATIONS } = require('../dist/nodes/Flux/v2/description.js');

const { exampleCosts, exampleCostTable, exampleCostText, modelCostTable, staleNotes, typicalPrice } = require('./costs');

const README = join(__dirname, '..', 'README.md');
const MODELS_DOC = join(__dirname, '..', 'docs', 'models.md');

/** @param {any} field */
function limitText(field) {
	const limits = limitsOf(field);
	const parts = [`≤ ${formatBytes(limits.maxBytes)}`];
	if (limits.maxMegapixels) parts.push(`≤ ${limits.maxMegapixels} MP`);
	if (limits.minSide) parts.push(`≥ ${limits.minSide}×${limits.minSide}`);
	if (limits.maxWidth) parts.push(`≤ ${limits.maxWidth}×${limits.maxHeight}`);
	if (limits.maxSeconds) parts.push(`≤ ${limits.maxSeconds} s`);
	return parts.join(', ');
}

/** @param {any} field */
function fieldText(field) {
	const name = `\`${parameterOf(field)}\``;
	const details = [];
	if (field.required) details.push('required');
	if (field.kind === 'media') {
		const what = field.media === 'bundle' ? 'file' : field.media;
		details.push(`${field.list ? `${field.list.min}–${field.list.max} ${what}s${field.list.timed ? ', optionally timed' : ''}` : what}: binary${field.acceptsUrl ? ' or URL' : ', or URL fetched by the node'}`);
		if (field.media !== 'bundle') details.push(limitText(field));
	} else if (field.kind !== 'string' && field.kind !== 'boolean') {
		details.push(rangeText(field));
	}
	if (field.default !== '' && field.default !== undefined && field.kind !== 'media') details.push(`default ${JSON.stringify(field.default)}`);
	return details.length ? `${name} (${details.join(', ')})` : name;
}

/** Lists fields, folding the extra reference slots into one line (`inputImage2` … `inputImage8`). */
function fieldsText(fields) {
	const extraRefs = fields.filter((field) => /^input_image_\d+$/.test(field.api));
	const lines = fields.filter((field) => !extraRefs.includes(field)).map(fieldText);
	if (extraRefs.length) {
		lines.unshift(`\`inputImage2\` … \`${parameterOf(extraRefs[extraRefs.length - 1])}\` (image: binary or URL)`);
	}
	return lines.join('<br>') || '—';
}

/** A model's fields per operation, merged where operations share them. */
function modelFields(model, advanced) {
	const byOperation = model.operations.map((operation) => ({
		operation,
		fields: fieldsFor(model, operation).filter((field) => Boolean(field.advanced) === advanced),
	}));
	const distinct = new Map();
	for (const { operation, fields } of byOperation) {
		const key = fieldsText(fields);
		distinct.set(key, [...(distinct.get(key) ?? []), operation]);
	}
	if (distinct.size === 1) return [...distinct.keys()][0];
	return [...distinct.entries()].map(([text, operations]) => `*${operations.join(', ')}:*<br>${text}`).join('<br>');
}

function versionsText(model) {
	return model.versions.length === 2 ? '1, 2' : String(model.versions[0]);
}

function modelTable() {
	const rows = MODELS.map((model) => {
		const webhooks = model.fields.some((field) => field.api === 'webhook_url') ? 'yes' : 'no';
		return `| \`${model.id}\`<br>${modelLabel(model)} | \`/v1/${pathOf(model)}\` | ${model.resource}: ${model.operations.join(', ')} | ${modelFields(model, false)} | ${modelFields(model, true)} | ${BUCKET_LIMITS[model.bucket]} (${model.bucket}) | ${webhooks} | ${versionsText(model)} |`;
	});
	return [
		'| Model (value) | Path | Resource: operations | Fields | Model Options | Active tasks | Webhook | Node versions |',
		'|---|---|---|---|---|---|---|---|',
		...rows,
	].join('\n');
}

function operationsTable() {
	const rows = OPERATIONS.map((operation) => {
		const models = modelsFor(2, operation.resource, operation.value).map((model) =>
			model.id === operation.defaultModel ? `**${model.displayName}**` : model.displayName,
		);
		return `| ${operation.resource === 'image' ? 'Image' : 'Video'} | ${operation.name} | ${operation.action} | ${models.join(', ')} |`;
	});
	for (const operation of OTHER_OPERATIONS) {
		const resource = operation.resource.charAt(0).toUpperCase() + operation.resource.slice(1);
		rows.push(`| ${resource} | ${operation.name} | ${operation.action} | — |`);
	}
	rows.push('| any | Custom API Call | Make a custom API call | any BFL path, with the credential\'s key and region |');
	return ['| Resource | Operation | Action (node picker) | Models (default in bold) |', '|---|---|---|---|', ...rows].join('\n');
}

/** Replaces the text between `<!-- name:start … -->` and `<!-- name:end -->`. */
function replaceBlock(text, file, name, content) {
	const start = text.indexOf(`<!-- ${name}:start`);
	const startEnd = text.indexOf('-->', start) + 3;
	const end = text.indexOf(`<!-- ${name}:end -->`);
	if (start < 0 || end < 0) throw new Error(`${file} lacks the ${name} markers`);
	return `${text.slice(0, startEnd)}\n${content}\n${text.slice(end)}`;
}

/**
 * Fills every `<!-- cost:<example file> -->…<!-- /cost -->` with what one run of that example
 * costs, and every `<!-- price:<model>:<operation> -->…<!-- /price -->` with that operation's
 * typical request (1024×1024 images, 5 s clips: scripts/costs.js).
 */
function replaceCosts(text) {
	const costs = new Map(exampleCosts().map((example) => [example.file, exampleCostText(example)]));
	const priced = text.replace(/<!-- price:([^: ]+):([^ ]+) -->[^<]*<!-- \/price -->/g, (_, id, operation) => `<!-- price:${id}:${operation} -->${typicalPrice(id, operation)}<!-- /price -->`);
	return priced.replace(/<!-- cost:([^ ]+) -->[^<]*<!-- \/cost -->/g, (_, file) => {
		if (!costs.has(file)) throw new Error(`README.md names the cost of ${file}, which is not in examples/`);
		return `<!-- cost:${file} -->${costs.get(file)}<!-- /cost -->`;
	});
}

const readme = readFileSync(README, 'utf8');
let updatedReadme = replaceBlock(readme, 'README.md', 'operations', operationsTable());
updatedReadme = replaceBlock(updatedReadme, 'README.md', 'costs', modelCostTable());
updatedReadme = replaceBlock(updatedReadme, 'README.md', 'example-costs', exampleCostTable());
updatedReadme = replaceCosts(updatedReadme);
const modelsDoc = readFileSync(MODELS_DOC, 'utf8');
const updatedModels = replaceBlock(modelsDoc, 'docs/models.md', 'models', modelTable());
const notes = staleNotes();
const unpriced = exampleCosts().filter((example) => !updatedReadme.includes(`<!-- cost:${example.file} -->`)).map((example) => example.file);

if (process.argv.includes('--check')) {
	const stale = [
		...(updatedReadme !== readme ? ['README.md (operations, costs)'] : []),
		...(updatedModels !== modelsDoc ? ['docs/models.md (the model table)'] : []),
	];
	for (const file of stale) console.error(`${file} is out of date: run \`npm run docs\``);
	for (const note of notes) console.error(note);
	if (unpriced.length) console.error(`README.md's Examples do not state the cost of ${unpriced.join(', ')}: add <!-- cost:<file> --><!-- /cost -->`);
	if (stale.length || notes.length || unpriced.length) process.exit(1);
	console.log('README operations and costs, docs/models.md and the examples\' notes match the model table.');
} else {
	writeFileSync(README, updatedReadme);
	writeFileSync(MODELS_DOC, updatedModels);
	for (const note of notes) console.error(note);
	if (unpriced.length) console.error(`README.md's Examples do not state the cost of ${unpriced.join(', ')}: add <!-- cost:<file> --><!-- /cost -->`);
	console.log('README operations and costs, and docs/models.md, updated.');
	if (notes.length || unpriced.length) process.exit(1);
}
