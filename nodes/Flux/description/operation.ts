import type { INodeProperties } from 'n8n-workflow';

import { agentDefault, agentDescription } from '../agent';
import {
	CUSTOM_SIZE,
	fieldsFor,
	modelLabel,
	presetsFor,
	type FieldSpec,
	type ModelSpec,
	type Operation,
	type OperationSpec,
	type Resource,
	type SizePreset,
} from '../models';
import type { DescriptionDialect } from './dialect';
import { byName, groupBy, toProperty } from './fields';

/**
 * The panel of one model operation, derived from the model table: the Model selector, the main
 * fields and the Model Options collection. A field that differs between models (say
 * `safetyTolerance`, 0–5 on FLUX.2 and 0–6 on FLUX.1) becomes one n8n property per distinct
 * definition, each shown only for its models, so every model shows exactly its own fields with its
 * own range and default.
 */

/** Where a set of fields shows: one operation (and resource, where scoped), some of its models. */
interface Scope {
	dialect: DescriptionDialect;
	resource: Resource;
	operation: Operation;
	/** The operation's models; the Model selector only exists where the dialect shows one. */
	models: ModelSpec[];
}

function scopeOf(dialect: DescriptionDialect, operation: OperationSpec): Scope {
	return {
		dialect,
		resource: operation.resource,
		operation: operation.value,
		models: dialect.modelsFor(operation.resource, operation.value),
	};
}

function show(scope: Scope, modelIds?: string[]): INodeProperties['displayOptions'] {
	return {
		show: {
			...(scope.dialect.scopeByResource ? { resource: [scope.resource] } : {}),
			operation: [scope.operation],
			...(modelIds && scope.dialect.modelSelector(scope.models) ? { model: modelIds } : {}),
		},
	};
}

function scopedFields(scope: Scope, model: ModelSpec): FieldSpec[] {
	return fieldsFor(model, scope.operation).filter(
		(field) => !scope.dialect.managedFields.has(field.api),
	);
}

function modelProperty(scope: Scope, defaultModel: string): INodeProperties {
	return {
		displayName: 'Model',
		name: 'model',
		type: 'options',
		default: defaultModel,
		description: 'The FLUX model; its endpoint name is the value, e.g. flux-2-pro',
		displayOptions: show(scope),
		options: byName(
			scope.models.map((model) => ({
				name: modelLabel(model),
				value: model.id,
				description: model.description,
			})),
		),
	};
}

/**
 * As an agent's tool, the prompt and the media inputs default to `$fromAI(...)`, so the agent
 * fills them in (media as URLs: tool calls carry no binary data).
 */
function withToolVariant(
	field: FieldSpec,
	property: INodeProperties,
	scope: Scope,
): Array<{ property: INodeProperties; tool?: boolean }> {
	const agent = scope.dialect.toolVariants ? agentDefault(field, scope.operation) : undefined;
	if (agent === undefined) return [{ property }];
	return [
		{ property, tool: false },
		{
			property: { ...property, default: agent, hint: undefined, placeholder: undefined },
			tool: true,
		},
	];
}

interface Entry {
	model: string;
	property: INodeProperties;
	tool?: boolean;
	/** Shown only while Size is Custom (width and height beside Size presets). */
	customSizeOnly?: boolean;
}

/** Main-panel fields of every model in one operation, one property per distinct definition. */
function mainProperties(scope: Scope): INodeProperties[] {
	const entries = scope.models.flatMap((model) => modelEntries(scope, model));
	return groupBy(
		entries,
		(entry) => `${entry.tool}:${entry.customSizeOnly}:${JSON.stringify(entry.property)}`,
	).map((group) => {
		const displayOptions = show(
			scope,
			group.map((entry) => entry.model),
		);
		if (group[0].tool !== undefined) displayOptions!.show!['@tool'] = [group[0].tool];
		if (group[0].customSizeOnly) displayOptions!.show!.size = [CUSTOM_SIZE];
		return { ...group[0].property, displayOptions };
	});
}

/** One model's main fields, with its Size presets just before width and height where it has some. */
function modelEntries(scope: Scope, model: ModelSpec): Entry[] {
	const presets = scope.dialect.sizePresets ? presetsFor(model) : [];
	const entries: Entry[] = [];
	for (const field of scopedFields(scope, model).filter((candidate) => !candidate.advanced)) {
		const sized = presets.length > 0 && (field.api === 'width' || field.api === 'height');
		if (sized && field.api === 'width')
			entries.push({ model: model.id, property: sizeProperty(presets) });
		for (const variant of withToolVariant(field, toProperty(field, scope.dialect), scope)) {
			entries.push({ model: model.id, ...variant, customSizeOnly: sized || undefined });
		}
	}
	return entries;
}

/** Size: a common format, or Custom for the width and height fields. */
function sizeProperty(presets: SizePreset[]): INodeProperties {
	return {
		displayName: 'Size',
		name: 'size',
		type: 'options',
		default: CUSTOM_SIZE,
		description:
			'A common format, or Custom: your own width and height, moved to the nearest size the model makes',
		options: byName([
			{ name: 'Custom (Width and Height)', value: CUSTOM_SIZE },
			...presets.map((preset) => ({ name: preset.name, value: preset.value })),
		]),
	};
}

/** What the agent reads about the tool: one description per operation and model (tool variant only). */
export function toolDescriptionProperties(
	dialect: DescriptionDialect,
	operation: OperationSpec,
): INodeProperties[] {
	const scope = scopeOf(dialect, operation);
	return scope.models.map((model) => {
		const displayOptions = show(scope, [model.id]);
		displayOptions!.show!['@tool'] = [true];
		return {
			displayName: 'Description',
			name: 'toolDescription',
			type: 'string',
			typeOptions: { rows: 3 },
			default: agentDescription(
				operation,
				model,
				scopedFields(scope, model).filter((field) => !field.advanced),
			),
			description: 'What the AI agent reads about this tool',
			displayOptions,
		};
	});
}

/** One "Model Options" collection per distinct set of advanced fields in one operation. */
function modelOptionsProperties(scope: Scope): INodeProperties[] {
	const entries = scope.models
		.map((model) => ({
			model: model.id,
			options: scopedFields(scope, model)
				.filter((field) => field.advanced)
				.map((field) => toProperty(field, scope.dialect))
				.sort((a, b) => a.displayName.localeCompare(b.displayName)),
		}))
		.filter((entry) => entry.options.length > 0);
	return groupBy(entries, (entry) => JSON.stringify(entry.options)).map((group) => ({
		displayName: 'Model Options',
		name: 'modelOptions',
		type: 'collection',
		placeholder: 'Add Model Option',
		default: {},
		displayOptions: show(
			scope,
			group.map((entry) => entry.model),
		),
		options: group[0].options,
	}));
}

/** Model selector (where shown), main fields and Model Options of one operation. */
export function operationProperties(
	dialect: DescriptionDialect,
	operation: OperationSpec,
): INodeProperties[] {
	const scope = scopeOf(dialect, operation);
	return [
		...(dialect.modelSelector(scope.models) ? [modelProperty(scope, operation.defaultModel)] : []),
		...mainProperties(scope),
		...modelOptionsProperties(scope),
	];
}
