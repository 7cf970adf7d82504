import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import {
	ASPECT_RATIOS,
	fieldDisplayName,
	fieldsFor,
	MODELS,
	modelLabel,
	OPERATIONS,
	parameterName,
	type FieldSpec,
	type Operation,
} from './models';

/**
 * n8n fields derived from the model table. A field that differs between models (say
 * `safetyTolerance`, 0–5 on FLUX.2 and 0–6 on FLUX.1) becomes one n8n property per distinct
 * definition, each shown only for its models, so every model shows exactly its own fields with its
 * own range and default.
 */

const DISPLAY_NAMES: Record<string, string> = {
	disable_pup: 'Disable Prompt Upsampling',
	finetune_id: 'Finetune ID',
	webhook_url: 'Webhook URL',
	image_prompt: 'Image Prompt (Image)',
	input_image: 'Input Image',
};

export const DEFAULT_MODEL: Record<Operation, string> = {
	generate: 'flux-2-pro',
	edit: 'flux-2-pro',
	fill: 'flux-pro-1.0-fill',
	expand: 'flux-pro-1.0-expand',
};

export function displayNameOf(field: FieldSpec): string {
	return DISPLAY_NAMES[field.api] ?? fieldDisplayName(field.api);
}

/** The type-specific part of a field's n8n property. */
function typeOf(field: FieldSpec): Pick<INodeProperties, 'type' | 'typeOptions' | 'options' | 'placeholder'> {
	switch (field.kind) {
		case 'string':
			return {
				type: 'string',
				typeOptions: field.multiline ? { rows: 4 } : field.password ? { password: true } : undefined,
			};
		case 'integer':
		case 'number':
			return {
				type: 'number',
				typeOptions: {
					minValue: field.zeroMeansAuto ? 0 : field.min,
					maxValue: field.max,
					numberPrecision: field.kind === 'integer' ? 0 : 2,
				},
			};
		case 'boolean':
			return { type: 'boolean' };
		case 'options':
			return { type: 'options', options: field.values.map((value) => ({ name: value.toUpperCase(), value })) };
		case 'aspectRatio': {
			const options: INodePropertyOptions[] = ASPECT_RATIOS.map((ratio) => ({ name: ratio, value: ratio }));
			if (field.default === '') options.unshift({ name: 'Auto (Input Image Shape, or 1:1)', value: '' });
			return { type: 'options', options };
		}
		case 'image':
			return { type: 'string', placeholder: 'data' };
	}
}

function toProperty(field: FieldSpec): INodeProperties {
	return {
		displayName: displayNameOf(field),
		name: parameterName(field.api),
		default: field.default,
		description: field.description,
		required: field.required && !field.advanced ? true : undefined,
		...typeOf(field),
	};
}

/** Groups values by a key, keeping first-seen order. */
function groupBy<T>(values: T[], keyOf: (value: T) => string): T[][] {
	const groups = new Map<string, T[]>();
	for (const value of values) {
		const key = keyOf(value);
		groups.set(key, [...(groups.get(key) ?? []), value]);
	}
	return [...groups.values()];
}

function operationProperty(): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'generate',
		options: OPERATIONS.map(({ value, name, action, description }) => ({ value, name, action, description })),
	};
}

function modelProperty(operation: Operation): INodeProperties {
	const defaultModel = DEFAULT_MODEL[operation];
	return {
		displayName: 'Model',
		name: 'model',
		type: 'options',
		default: defaultModel,
		description: 'The FLUX model; its endpoint name is the value, e.g. flux-2-pro',
		displayOptions: { show: { operation: [operation] } },
		options: MODELS.filter((model) => model.operations.includes(operation)).map((model) => ({
			name: modelLabel(model),
			value: model.endpoint,
			description: model.description,
		})),
	};
}

/** Main-panel fields of every model in one operation, one property per distinct definition. */
function mainProperties(operation: Operation): INodeProperties[] {
	const entries = MODELS.filter((model) => model.operations.includes(operation)).flatMap((model) =>
		fieldsFor(model, operation)
			.filter((field) => !field.advanced)
			.map((field) => ({ model: model.endpoint, property: toProperty(field) })),
	);
	return groupBy(entries, (entry) => JSON.stringify(entry.property)).map((group) => ({
		...group[0].property,
		displayOptions: { show: { operation: [operation], model: group.map((entry) => entry.model) } },
	}));
}

/** One "Model Options" collection per distinct set of advanced fields in one operation. */
function modelOptionsProperties(operation: Operation): INodeProperties[] {
	const entries = MODELS.filter((model) => model.operations.includes(operation))
		.map((model) => ({
			model: model.endpoint,
			options: fieldsFor(model, operation)
				.filter((field) => field.advanced)
				.map(toProperty)
				.sort((a, b) => a.displayName.localeCompare(b.displayName)),
		}))
		.filter((entry) => entry.options.length > 0);
	return groupBy(entries, (entry) => JSON.stringify(entry.options)).map((group) => ({
		displayName: 'Model Options',
		name: 'modelOptions',
		type: 'collection',
		placeholder: 'Add Model Option',
		default: {},
		displayOptions: { show: { operation: [operation], model: group.map((entry) => entry.model) } },
		options: group[0].options,
	}));
}

function nodeOptionsProperty(): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Download Image',
				name: 'downloadImage',
				type: 'boolean',
				default: true,
				description:
					'Whether to download the image into binary data. Off: only JSON with the result URL, which expires 10 minutes after the task ends.',
			},
			{
				displayName: 'Max Concurrent Tasks',
				name: 'maxConcurrentTasks',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 0 },
				default: 0,
				description:
					"How many items run at once. 0 = the model's BFL limit of active tasks (24, or 6 for Kontext [max]); raise it if BFL raised yours.",
			},
			{
				displayName: 'Put Output File in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				description: 'The name of the output binary field to put the image in',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 1, numberPrecision: 0 },
				default: 300,
				description:
					'How long to wait for one image, from submitting to download, before the item fails. The slowest models take under a minute when BFL is not busy.',
			},
		],
	};
}

const NODE_OPTION_DEFAULTS: Record<string, unknown> = Object.fromEntries(
	(nodeOptionsProperty().options ?? []).map((option) => [option.name, 'default' in option ? option.default : undefined]),
);

/** The default of one entry of the node's Options collection. */
export function nodeOptionDefault(name: string): unknown {
	return NODE_OPTION_DEFAULTS[name];
}

export function fluxProperties(): INodeProperties[] {
	const operations = OPERATIONS.map(({ value }) => value);
	return [
		operationProperty(),
		...operations.map(modelProperty),
		...operations.flatMap(mainProperties),
		...operations.flatMap(modelOptionsProperties),
		nodeOptionsProperty(),
	];
}
