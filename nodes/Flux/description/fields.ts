import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import {
	ASPECT_RATIOS,
	fieldDisplayName,
	fieldsFor,
	modelLabel,
	MODELS,
	modelsFor,
	OPERATIONS,
	parameterOf,
	V1_OPERATIONS,
	type FieldSpec,
	type ModelSpec,
	type Operation,
	type OperationSpec,
	type Resource,
} from '../models';
import { agentDefault, agentDescription } from '../agent';
import { rangeText } from '../models/validation';

/**
 * n8n fields derived from the model table, for both node versions. A field that differs between
 * models (say `safetyTolerance`, 0–5 on FLUX.2 and 0–6 on FLUX.1) becomes one n8n property per
 * distinct definition, each shown only for its models, so every model shows exactly its own
 * fields with its own range and default.
 */

const DISPLAY_NAMES: Record<string, string> = {
	disable_pup: 'Disable Prompt Upsampling',
	finetune_id: 'Finetune ID',
	webhook_url: 'Webhook URL',
	image_prompt: 'Image Prompt (Image)',
	input_image: 'Input Image',
	images: 'Reference Images',
	start_video: 'Video to Extend',
	input_video: 'Video',
	draft_cache: 'Draft Cache',
	dilate_pixels: 'Dilate Mask (Pixels)',
	reference_offset_x: 'Image Offset X',
	reference_offset_y: 'Image Offset Y',
	generate_audio: 'Generate Audio',
};

/** Fields the node fills itself in version 2 (the FLUX Trigger option), never typed by hand. */
const V2_MANAGED_FIELDS = new Set(['webhook_url', 'webhook_secret']);

export function displayNameOf(field: FieldSpec): string {
	if (field.api === 'width' && field.required) return 'Canvas Width';
	if (field.api === 'height' && field.required) return 'Canvas Height';
	return DISPLAY_NAMES[field.api] ?? fieldDisplayName(field.api);
}

/** `Width (width)`: how errors name a field, so a person finds it on the panel. */
export function fieldLabel(field: FieldSpec): string {
	return `${displayNameOf(field)} (${parameterOf(field)})`;
}

function optionName(field: FieldSpec & { kind: 'options' }, value: string | number): string {
	const label = field.labels?.[String(value)];
	if (label) return label;
	return field.api === 'output_format' ? String(value).toUpperCase() : String(value);
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
			return { type: 'options', options: field.values.map((value) => ({ name: optionName(field, value), value })) };
		case 'aspectRatio': {
			const options: INodePropertyOptions[] = ASPECT_RATIOS.map((ratio) => ({ name: ratio, value: ratio }));
			if (field.default === '') options.unshift({ name: 'Auto (Input Image Shape, or 1:1)', value: '' });
			return { type: 'options', options };
		}
		case 'media':
			// An empty optional field must look empty, not already set to `data`.
			return {
				type: 'string',
				placeholder: field.list ? 'data, data2' : field.required ? 'data' : `e.g. ${field.api} or https://…`,
			};
	}
}

function toProperty(field: FieldSpec, version: number): INodeProperties {
	const property: INodeProperties = {
		displayName: displayNameOf(field),
		name: parameterOf(field),
		default: field.default,
		description: field.description,
		required: field.required && !field.advanced ? true : undefined,
		...typeOf(field),
	};
	// Version 1 stays as it was saved; help under the fields is new in version 2.
	if (version >= 2 && !field.advanced && field.hint) property.hint = field.hint;
	if (version >= 2 && field.api === 'finetune_id') return finetuneLocator(property);
	return property;
}

/** Finetune ID in version 2: pick from GET /v1/my_finetunes, or type an ID. */
function finetuneLocator(property: INodeProperties): INodeProperties {
	return {
		...property,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchFinetunes', searchable: true },
			},
			{ displayName: 'ID', name: 'id', type: 'string', placeholder: 'e.g. my-finetune or org/lora-name' },
		],
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

/** Where a set of fields shows: one operation (and resource, in version 2), some of its models. */
interface Scope {
	version: number;
	resource?: Resource;
	operation: Operation;
	/** The operation's models; the Model selector only exists when there are several. */
	models: ModelSpec[];
}

/** Version 1 always has a Model selector; version 2 only where there is a choice. */
export function hasModelSelector(version: number, models: ModelSpec[]): boolean {
	return version < 2 || models.length > 1;
}

function show(scope: Scope, modelIds?: string[]): INodeProperties['displayOptions'] {
	return {
		show: {
			...(scope.resource ? { resource: [scope.resource] } : {}),
			operation: [scope.operation],
			...(modelIds && hasModelSelector(scope.version, scope.models) ? { model: modelIds } : {}),
		},
	};
}

function scopedFields(scope: Scope, model: ModelSpec): FieldSpec[] {
	return fieldsFor(model, scope.operation).filter((field) => scope.version < 2 || !V2_MANAGED_FIELDS.has(field.api));
}

function modelProperty(scope: Scope, defaultModel: string): INodeProperties {
	return {
		displayName: 'Model',
		name: 'model',
		type: 'options',
		default: defaultModel,
		description: 'The FLUX model; its endpoint name is the value, e.g. flux-2-pro',
		displayOptions: show(scope),
		options: scope.models.map((model) => ({ name: modelLabel(model), value: model.id, description: model.description })),
	};
}

/**
 * Version 2 as an agent's tool: the prompt and the media inputs default to `$fromAI(...)`, so the
 * agent fills them in (media as URLs: tool calls carry no binary data).
 */
function withToolVariant(field: FieldSpec, property: INodeProperties, scope: Scope): Array<{ property: INodeProperties; tool?: boolean }> {
	const agent = scope.version >= 2 ? agentDefault(field, scope.operation) : undefined;
	if (!agent) return [{ property }];
	return [
		{ property, tool: false },
		{ property: { ...property, default: agent, hint: undefined, placeholder: undefined }, tool: true },
	];
}

/** Main-panel fields of every model in one operation, one property per distinct definition. */
function mainProperties(scope: Scope): INodeProperties[] {
	const entries = scope.models.flatMap((model) =>
		scopedFields(scope, model)
			.filter((field) => !field.advanced)
			.flatMap((field) =>
				withToolVariant(field, toProperty(field, scope.version), scope).map((variant) => ({ model: model.id, ...variant })),
			),
	);
	return groupBy(entries, (entry) => `${entry.tool}:${JSON.stringify(entry.property)}`).map((group) => {
		const displayOptions = show(scope, group.map((entry) => entry.model));
		if (group[0].tool !== undefined) displayOptions!.show!['@tool'] = [group[0].tool];
		return { ...group[0].property, displayOptions };
	});
}

/** What the agent reads about the tool: one description per operation and model (tool variant only). */
function toolDescriptionProperties(version: number, operation: OperationSpec): INodeProperties[] {
	const models = modelsFor(version, operation.resource, operation.value);
	const scope: Scope = { version, resource: operation.resource, operation: operation.value, models };
	return models.map((model) => {
		const displayOptions = show(scope, [model.id]);
		displayOptions!.show!['@tool'] = [true];
		return {
			displayName: 'Description',
			name: 'toolDescription',
			type: 'string',
			typeOptions: { rows: 3 },
			default: agentDescription(operation, model, scopedFields(scope, model).filter((field) => !field.advanced)),
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
				.map((field) => toProperty(field, scope.version))
				.sort((a, b) => a.displayName.localeCompare(b.displayName)),
		}))
		.filter((entry) => entry.options.length > 0);
	return groupBy(entries, (entry) => JSON.stringify(entry.options)).map((group) => ({
		displayName: 'Model Options',
		name: 'modelOptions',
		type: 'collection',
		placeholder: 'Add Model Option',
		default: {},
		displayOptions: show(scope, group.map((entry) => entry.model)),
		options: group[0].options,
	}));
}

/** Model selector (where there is a choice), main fields and Model Options of one operation. */
function operationProperties(version: number, operation: OperationSpec): INodeProperties[] {
	const scope: Scope = {
		version,
		resource: version >= 2 ? operation.resource : undefined,
		operation: operation.value,
		models: modelsFor(version, operation.resource, operation.value),
	};
	return [
		...(hasModelSelector(version, scope.models) ? [modelProperty(scope, operation.defaultModel)] : []),
		...mainProperties(scope),
		...modelOptionsProperties(scope),
	];
}

// ---------------------------------------------------------------------------------------------
// Version 1: Operation → Model → fields, as saved workflows know it.

function v1OptionsProperty(): INodeProperties {
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

export function v1Properties(): INodeProperties[] {
	const operations = V1_OPERATIONS;
	const scopes = operations.map((operation) => operationProperties(1, operation));
	// Version 1's order: the operation, every Model selector, every main field, every Model Options.
	const byKind = (kind: 'model' | 'main' | 'modelOptions') =>
		scopes.flatMap((properties) =>
			properties.filter((property) =>
				kind === 'model' ? property.name === 'model' : kind === 'modelOptions' ? property.name === 'modelOptions' : property.name !== 'model' && property.name !== 'modelOptions',
			),
		);
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			default: 'generate',
			options: operations.map(({ value, name, action, description }) => ({ value, name, action, description })),
		},
		...byKind('model'),
		...byKind('main'),
		...byKind('modelOptions'),
		v1OptionsProperty(),
	];
}

// ---------------------------------------------------------------------------------------------
// Version 2: Resource → Operation → Model → fields, plus tasks, account and finetunes.

export const TASK_RESOURCES: Resource[] = ['image', 'video'];

/** Operations that do not start a task, per resource. */
export const OTHER_OPERATIONS = [
	{ resource: 'task', value: 'getResult', name: 'Get Result', action: "Get a task's result", description: 'Wait for a task submitted earlier and download its result' },
	{ resource: 'account', value: 'getCredits', name: 'Get Credits', action: 'Get the credit balance', description: "The account's credits (1 credit = US$0.01); free" },
	{ resource: 'finetune', value: 'list', name: 'List', action: 'List finetunes', description: "The account's finetunes (GET /v1/my_finetunes)" },
	{ resource: 'finetune', value: 'get', name: 'Get Details', action: "Get a finetune's details", description: "A finetune's training settings (GET /v1/finetune_details)" },
] as const;

function resourceProperty(): INodeProperties {
	return {
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		default: 'image',
		options: [
			{ name: 'Image', value: 'image', description: 'Generate and edit images' },
			{ name: 'Video', value: 'video', description: 'Generate, extend, upscale and edit videos' },
			{ name: 'Task', value: 'task', description: 'Collect the result of a task submitted earlier' },
			{ name: 'Account', value: 'account', description: 'Credits' },
			{ name: 'Finetune', value: 'finetune', description: 'Your FLUX finetunes' },
			{ ...CUSTOM_API_CALL },
		],
	};
}

/**
 * Any BFL endpoint, with the credential's key and region. n8n would otherwise add its own "Custom API
 * Call" entry (pointing to the HTTP Request node, which knows nothing of the region) to every
 * resource and operation list whose last entry is not one; this one works.
 */
export const CUSTOM_API_CALL_VALUE = 'customApiCall';
const CUSTOM_API_CALL = {
	name: 'Custom API Call',
	value: CUSTOM_API_CALL_VALUE,
	action: 'Make a custom API call',
	description: "Call any BFL endpoint with this credential's key and region",
};

function customApiCallProperties(): INodeProperties[] {
	const shown = { show: { operation: [CUSTOM_API_CALL_VALUE] } };
	return [
		{
			displayName:
				'Calls the BFL API directly, with the key and region (or base URL) of the credential. Nothing is validated, waited for or downloaded: submits made here are paid like any other.',
			name: 'customApiCallNotice',
			type: 'notice',
			default: '',
			displayOptions: shown,
		},
		{
			displayName: 'Method',
			name: 'method',
			type: 'options',
			default: 'GET',
			options: [
				{ name: 'GET', value: 'GET' },
				{ name: 'POST', value: 'POST' },
			],
			displayOptions: shown,
		},
		{
			displayName: 'Path',
			name: 'path',
			type: 'string',
			default: '/v1/credits',
			required: true,
			placeholder: '/v1/flux-2-pro',
			hint: "Relative to the credential's base URL, e.g. /v1/credits or /v1/get_result?id=…",
			displayOptions: shown,
		},
		{
			displayName: 'Body (JSON)',
			name: 'body',
			type: 'json',
			default: '{}',
			displayOptions: { show: { operation: [CUSTOM_API_CALL_VALUE], method: ['POST'] } },
		},
	];
}

function operationSelector(resource: string, options: Array<{ value: string; name: string; action: string; description: string }>): INodeProperties {
	const first = options[0].value;
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		default: first,
		options: [...options.map(({ value, name, action, description }) => ({ value, name, action, description })), CUSTOM_API_CALL],
	};
}

const TASK_OPERATIONS = { resource: TASK_RESOURCES } as const;

/** Where the FLUX.1 finetune lives; version 2 only. */
function finetuneRegionProperty(models: ModelSpec[]): INodeProperties {
	return {
		displayName: 'Finetune Host',
		name: 'finetuneRegion',
		type: 'options',
		default: 'auto',
		description: 'FLUX.1 finetunes only run on the regional host they were trained on',
		options: [
			{ name: 'Auto (From the Credential: EU1 for EU, Else US1)', value: 'auto' },
			{ name: 'US1 (api.us1.bfl.ai)', value: 'us1' },
			{ name: 'EU1 (api.eu1.bfl.ai)', value: 'eu1' },
		],
		displayOptions: {
			show: {
				resource: ['image', 'finetune'],
				operation: [...new Set(models.flatMap((model) => model.operations)), 'list', 'get'],
			},
			hide: { model: MODELS.filter((model) => !model.finetuneHost).map((model) => model.id) },
		},
	};
}

function completionProperties(): INodeProperties[] {
	return [
		{
			displayName: 'Wait for Result',
			name: 'waitForResult',
			type: 'boolean',
			default: true,
			displayOptions: { show: TASK_OPERATIONS },
			description:
				'Whether to wait for the result and download it. Off: the item returns right after submitting, with the task ID and polling URL, for a Get Result operation or a FLUX Trigger.',
		},
		{
			displayName: 'FLUX Trigger URL',
			name: 'triggerUrl',
			type: 'string',
			default: '',
			placeholder: 'https://n8n.example.com/webhook/…/flux',
			displayOptions: { show: { ...TASK_OPERATIONS, waitForResult: [false] } },
			description:
				"Optional: the production URL of a FLUX Trigger node. BFL calls it when the task ends, with the BFL credential's Webhook Secret, which the trigger checks; endpoints that take no webhook (FLUX 3, Outpainting, Video Edit) refuse it.",
			hint: 'Copy it from the FLUX Trigger: Webhook URLs → Production URL',
		},
		{
			displayName: 'Task',
			name: 'task',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. https://api.eu2.bfl.ai/v1/get_result?…',
			displayOptions: { show: { resource: ['task'], operation: ['getResult'] } },
			description: "The task's polling URL (pollingUrl), or its ID",
			hint: 'Prefer the polling URL: a task lives on one BFL cluster, and an ID alone is looked up on the credential\'s host, which may answer "Task not found"',
		},
		finetuneLocator({
			displayName: 'Finetune',
			name: 'finetuneId',
			type: 'string',
			required: true,
			default: '',
			displayOptions: { show: { resource: ['finetune'], operation: ['get'] } },
		}),
	];
}

function v2OptionsProperty(): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: [...TASK_RESOURCES, 'task'] } },
		options: [
			{
				displayName: 'Download Result',
				name: 'download',
				type: 'boolean',
				default: true,
				description:
					'Whether to download the image or video into binary data. Off: only JSON with the result URL (images expire 10 minutes after the task ends).',
			},
			{
				displayName: 'Max Concurrent Tasks',
				name: 'maxConcurrentTasks',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 0 },
				default: 0,
				description:
					"How many tasks this execution keeps running at BFL at once. 0 = BFL's limit for the account (24; 6 for Kontext [max]; 5 for videos). Executions share the account's limit: the node backs off when BFL says it is full.",
			},
			{
				displayName: 'Max Credits per Execution',
				name: 'maxCredits',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 1 },
				default: 0,
				description:
					"Spend cap, in credits (1 credit = US$0.01), for all FLUX nodes of one execution. A task that could pass it is not started. 0 = no cap.",
			},
			{
				displayName: 'Minimum Balance',
				name: 'minimumBalance',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 1 },
				default: 0,
				description:
					'Credits the account must keep: checked once (free) before the first task; below it, nothing is submitted. 0 = not checked.',
			},
			{
				displayName: 'Put Output File in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				description: 'The name of the output binary field to put the image or video in',
			},
			{
				displayName: 'Route Moderated Items',
				name: 'routeModerated',
				type: 'boolean',
				default: false,
				description:
					"Whether moderated items go to a second output, Moderated, with BFL's reasons, instead of failing",
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 0 },
				default: 0,
				description:
					'How long to wait for one result, from submitting to download. 0 = automatic: 5 minutes for images, 30 for videos.',
			},
		],
	};
}

export function v2Properties(): INodeProperties[] {
	const byResource = (resource: Resource) => OPERATIONS.filter((operation) => operation.resource === resource);
	const taskModels = MODELS.filter((model) => model.versions.includes(2) && model.finetuneHost);
	return [
		resourceProperty(),
		...TASK_RESOURCES.map((resource) => operationSelector(resource, byResource(resource))),
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [CUSTOM_API_CALL_VALUE] } },
			default: CUSTOM_API_CALL_VALUE,
			options: [{ ...CUSTOM_API_CALL }],
		},
		...['task', 'account', 'finetune'].map((resource) =>
			operationSelector(
				resource,
				OTHER_OPERATIONS.filter((operation) => operation.resource === resource),
			),
		),
		...OPERATIONS.flatMap((operation) => toolDescriptionProperties(2, operation)),
		...OPERATIONS.flatMap((operation) => operationProperties(2, operation)),
		finetuneRegionProperty(taskModels),
		...completionProperties(),
		...customApiCallProperties(),
		v2OptionsProperty(),
	];
}

/** The default of one entry of a version's Options collection. */
export function nodeOptionDefault(version: number, name: string): unknown {
	const options = (version >= 2 ? v2OptionsProperty() : v1OptionsProperty()).options ?? [];
	const option = options.find((candidate) => candidate.name === name);
	return option && 'default' in option ? option.default : undefined;
}

/** "Width (width) must be a whole number 256 to 1440, a multiple of 32": for hints and errors. */
export function allowedText(field: FieldSpec): string {
	return rangeText(field);
}
