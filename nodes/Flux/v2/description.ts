import { NodeConnectionTypes, type INodeProperties } from 'n8n-workflow';

import * as getCredits from '../actions/account/getCredits';
import {
	CUSTOM_API_CALL,
	CUSTOM_API_CALL_VALUE,
	description as customApiCallProperties,
} from '../actions/customApiCall';
import * as getFinetune from '../actions/finetune/get';
import * as listFinetunes from '../actions/finetune/list';
import * as getResult from '../actions/task/getResult';
import { OTHER_TOOLS } from '../agent';
import { byName } from '../description/fields';
import { operationProperties, toolDescriptionProperties } from '../description/operation';
import type { NamedOperation } from '../description/subtitle';
import { MODELS, type Resource } from '../models';
import { COMPLETION_PROPERTIES } from './completion';
import { V2 } from './dialect';
import { V2_OPTIONS } from './options';

/** Version 2's panel: Resource → Operation → Model → fields, plus tasks, the account and finetunes. */

/** The operations that run no model, per resource (each is one file under actions/). */
export const OTHER_OPERATIONS: ReadonlyArray<
	NamedOperation & { name: string; description: string }
> = [getResult.operation, getCredits.operation, listFinetunes.operation, getFinetune.operation];

const TASK_RESOURCES: Resource[] = ['image', 'video'];

function resourceProperty(): INodeProperties {
	return {
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		default: 'image',
		options: byName([
			{ name: 'Image', value: 'image', description: 'Generate and edit images' },
			{ name: 'Video', value: 'video', description: 'Generate, extend, upscale and edit videos' },
			{
				name: 'Task',
				value: 'task',
				description: 'Collect the result of a task submitted earlier',
			},
			{ name: 'Account', value: 'account', description: 'Credits' },
			{ name: 'Finetune', value: 'finetune', description: 'Your FLUX finetunes' },
			{ ...CUSTOM_API_CALL },
		]),
	};
}

function operationSelector(
	resource: string,
	options: ReadonlyArray<{ value: string; name: string; action: string; description: string }>,
): INodeProperties {
	const first = options[0].value;
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		default: first,
		options: byName([
			...options.map(({ value, name, action, description }) => ({
				value,
				name,
				action,
				description,
			})),
			CUSTOM_API_CALL,
		]),
	};
}

/** Where the FLUX.1 finetune lives: shown for the finetuned models and the finetune operations. */
function finetuneRegionProperty(): INodeProperties {
	const finetuned = MODELS.filter((model) => model.versions.includes(2) && model.finetuneHost);
	return {
		displayName: 'Finetune Host',
		name: 'finetuneRegion',
		type: 'options',
		default: 'auto',
		description: 'FLUX.1 finetunes only run on the regional host they were trained on',
		options: [
			{ name: 'Auto (From the Credential: EU1 for EU, Else US1)', value: 'auto' },
			{ name: 'EU1 (api.eu1.bfl.ai)', value: 'eu1' },
			{ name: 'US1 (api.us1.bfl.ai)', value: 'us1' },
		],
		displayOptions: {
			show: {
				resource: ['image', 'finetune'],
				operation: [...new Set(finetuned.flatMap((model) => model.operations)), 'list', 'get'],
			},
			hide: { model: MODELS.filter((model) => !model.finetuneHost).map((model) => model.id) },
		},
	};
}

export function v2Properties(): INodeProperties[] {
	const byResource = (resource: string) =>
		[...V2.operations, ...OTHER_OPERATIONS].filter((operation) => operation.resource === resource);
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
			operationSelector(resource, byResource(resource)),
		),
		...V2.operations.flatMap((operation) => toolDescriptionProperties(V2, operation)),
		...V2.operations.flatMap((operation) => operationProperties(V2, operation)),
		finetuneRegionProperty(),
		...COMPLETION_PROPERTIES,
		...otherToolDescriptions(),
		...withToolInputs(getResult.description),
		...withToolInputs(getFinetune.description),
		...customApiCallProperties,
		V2_OPTIONS,
	];
}

/** As an agent's tool, the operations that run no model describe themselves to the model too (agent.ts). */
function otherToolDescriptions(): INodeProperties[] {
	return Object.entries(OTHER_TOOLS).map(([key, { description }]) => {
		const [resource, operation] = key.split(':');
		// The Custom API Call is offered under every resource.
		const scope =
			operation === CUSTOM_API_CALL_VALUE
				? { operation: [operation] }
				: { resource: [resource], operation: [operation] };
		return {
			displayName: 'Description',
			name: 'toolDescription',
			type: 'string',
			typeOptions: { rows: 3 },
			default: description,
			description: 'What the AI agent reads about this tool',
			displayOptions: { show: { ...scope, '@tool': [true] } },
		};
	});
}

/** Fields an agent fills in: in the tool variant they default to `$fromAI(...)` (agent.ts). */
function withToolInputs(properties: INodeProperties[]): INodeProperties[] {
	const inputs: Record<string, unknown> = Object.assign(
		{},
		...Object.values(OTHER_TOOLS).map((tool) => tool.inputs ?? {}),
	);
	return properties.flatMap((property) => {
		if (!(property.name in inputs)) return [property];
		const show = property.displayOptions?.show ?? {};
		return [
			{
				...property,
				displayOptions: { ...property.displayOptions, show: { ...show, '@tool': [false] } },
			},
			{
				...property,
				default: inputs[property.name] as INodeProperties['default'],
				hint: undefined,
				displayOptions: { ...property.displayOptions, show: { ...show, '@tool': [true] } },
			},
		];
	});
}

/** An output of version 2, as n8n's outputs expression lists it. */
const output = (name: string) =>
	`{ "type": "${NodeConnectionTypes.Main}", "displayName": "${name}" }`;
const MODERATED = '($parameter.options && $parameter.options.routeModerated)';
const RUNNING =
	'($parameter.resource === "task" && $parameter.options && $parameter.options.stillRunningOutput)';

/**
 * Version 2's outputs: Done, then Moderated when Route Moderated Items is on, then Still Running
 * when Get Result looks once (the engine's run.ts fills them in this order).
 */
export const V2_OUTPUTS =
	`={{ ${MODERATED} && ${RUNNING} ? [${output('Done')}, ${output('Moderated')}, ${output('Still Running')}] : ${MODERATED} ? [${output('Done')}, ${output('Moderated')}] : ${RUNNING} ? [${output('Done')}, ${output('Still Running')}] : ["${NodeConnectionTypes.Main}"] }}` as `={{${string}}}`;
