#!/usr/bin/env node
// @ts-check
'use strict';
// Writes the README's operations list and model table from the model table (dist/, so build
// first). `--check` fails instead when the README is out of date (part of `npm test`).
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

const README = join(__dirname, '..', 'README.md');

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
function replaceBlock(readme, name, content) {
	const start = readme.indexOf(`<!-- ${name}:start`);
	const startEnd = readme.indexOf('-->', start) + 3;
	const end = readme.indexOf(`<!-- ${name}:end -->`);
	if (start < 0 || end < 0) throw new Error(`README.md lacks the ${name} markers`);
	return `${readme.slice(0, startEnd)}\n${content}\n${readme.slice(end)}`;
}

const readme = readFileSync(README, 'utf8');
const updated = replaceBlock(replaceBlock(readme, 'operations', operationsTable()), 'models', modelTable());
if (process.argv.includes('--check')) {
	if (updated !== readme) {
		console.error('README.md operations or model list is out of date: run `npm run docs`');
		process.exit(1);
	}
	console.log('README operations and model list match the model table.');
} else {
	writeFileSync(README, updated);
	console.log('README operations and model list updated.');
}
