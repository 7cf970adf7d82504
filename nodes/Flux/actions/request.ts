import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { DEFAULT_TIMEOUT_SECONDS, POLL_SCHEDULES, type PollSchedule } from '../transport/clock';
import { fieldLabel, hasModelSelector, nodeOptionDefault } from '../description/fields';
import { parseMediaList } from '../media/inputs';
import {
	fieldsFor,
	modelLabel,
	MODELS_BY_ID,
	modelsFor,
	OPERATIONS,
	parameterOf,
	V1_OPERATIONS,
	type MediaField,
	type ModelSpec,
	type Operation,
	type Resource,
} from '../models';
import { validateRequest } from '../models/validation';

/** Everything one item needs to start a task, read from its parameters (expressions evaluated for that item). */
export interface TaskRequest {
	model: ModelSpec;
	resource: Resource;
	operation: Operation;
	/** Request body with API field names; media fields still hold what the user typed. */
	body: Record<string, unknown>;
	/** The media fields present in `body`. */
	mediaFields: MediaField[];
	binaryPropertyName: string;
	download: boolean;
	timeoutSeconds: number;
	/** Off: return right after the submit. Also off when a webhook is set: BFL calls it instead. */
	waitForResult: boolean;
	/** Version 2's FLUX Trigger URL; its secret comes from the webhook credential. */
	triggerUrl?: string;
	schedule: PollSchedule;
}

/** Reads a node parameter for one item (expressions evaluated for it). */
export type ParameterReader = (name: string, itemIndex: number, fallback?: unknown, options?: { extractValue?: boolean }) => unknown;

function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (value && typeof value === 'object') return Object.values(value).some(hasExpression);
	return false;
}

/**
 * A reader that evaluates a parameter once when it holds no expression (its value is then the
 * same for every item): reading a thousand items' parameters costs what reading one does.
 */
export function cachedParameters(context: IExecuteFunctions): ParameterReader {
	const raw = context.getNode().parameters;
	const cache = new Map<string, unknown>();
	return (name, itemIndex, fallback, options) => {
		if (hasExpression(raw[name])) return context.getNodeParameter(name, itemIndex, fallback, options);
		const key = `${name}|${options?.extractValue ? 1 : 0}`;
		if (!cache.has(key)) cache.set(key, context.getNodeParameter(name, itemIndex, fallback, options));
		const value = cache.get(key);
		// A fresh copy per item: callers may change what they get.
		return value && typeof value === 'object' ? structuredClone(value) : value;
	};
}

function invalid(context: IExecuteFunctions, itemIndex: number, message: string, description?: string) {
	return new NodeOperationError(context.getNode(), message, {
		itemIndex,
		description: description ?? 'Nothing was sent to BFL; fix the field and run again.',
	});
}

/** The resource, operation and model of one item, in either node version. */
export function readModel(
	context: IExecuteFunctions,
	itemIndex: number,
	version: number,
	param: ParameterReader = context.getNodeParameter.bind(context) as ParameterReader,
): { model: ModelSpec; resource: Resource; operation: Operation } {
	const resource = (version >= 2 ? param('resource', itemIndex) : 'image') as Resource;
	const operation = param('operation', itemIndex) as Operation;
	const spec = (version >= 2 ? OPERATIONS : V1_OPERATIONS).find(
		(candidate) => candidate.resource === resource && candidate.value === operation,
	);
	const offered = spec ? modelsFor(version, resource, operation) : [];
	const id = hasModelSelector(version, offered)
		? (param('model', itemIndex, spec?.defaultModel) as string)
		: offered[0]?.id;
	const model = id ? MODELS_BY_ID.get(id) : undefined;
	if (!model || !offered.includes(model)) {
		throw invalid(
			context,
			itemIndex,
			`Model "${id}" cannot ${operation} ${resource === 'video' ? 'videos' : 'images'}`,
			`Pick a model offered for the ${operation} operation.`,
		);
	}
	return { model, resource, operation };
}

function normalise(value: unknown): unknown {
	return typeof value === 'string' ? value.trim() : value;
}

/** Reads and validates one item's task parameters; throws a NodeOperationError naming the field. */
export function readTaskRequest(
	context: IExecuteFunctions,
	itemIndex: number,
	version: number,
	param: ParameterReader = context.getNodeParameter.bind(context) as ParameterReader,
): TaskRequest {
	const { model, resource, operation } = readModel(context, itemIndex, version, param);
	const modelOptions = (param('modelOptions', itemIndex, {}) ?? {}) as IDataObject;
	const options = (param('options', itemIndex, {}) ?? {}) as IDataObject;

	const body: Record<string, unknown> = { ...model.fixed?.[operation] };
	const mediaFields: MediaField[] = [];
	const fields = fieldsFor(model, operation);
	for (const field of fields) {
		const name = parameterOf(field);
		if (version >= 2 && (field.api === 'webhook_url' || field.api === 'webhook_secret')) continue;
		let value = normalise(
			field.advanced
				? modelOptions[name]
				: param(name, itemIndex, field.default, { extractValue: field.api === 'finetune_id' }),
		);
		if (field.kind === 'media' && field.list && value !== undefined && value !== '') value = parseMediaList(value, Boolean(field.list.timed));
		const autoZero = field.kind === 'integer' && field.zeroMeansAuto === true && value === 0;
		const omitted = value === undefined || value === null || value === '' || autoZero;
		if (omitted) continue;
		body[field.api] = value;
		if (field.kind === 'media') mediaFields.push(field);
	}

	const problems = validateRequest(model, operation, body);
	if (problems.length > 0) {
		const byApi = new Map(fields.map((field) => [field.api, field]));
		const lines = problems.map((problem) => {
			const field = byApi.get(problem.field);
			return `${field ? fieldLabel(field) : problem.field} ${problem.message}`;
		});
		throw invalid(context, itemIndex, `Invalid parameters for ${modelLabel(model)}: ${lines.join('; ')}`);
	}

	const option = (name: string) => options[name] ?? nodeOptionDefault(version, name);
	const timeoutOption = Number(option('timeoutSeconds') ?? 0);
	if (!Number.isFinite(timeoutOption) || timeoutOption < 0 || (version < 2 && timeoutOption === 0)) {
		throw invalid(context, itemIndex, `Timeout (Seconds) (timeoutSeconds) must be above 0; got ${options.timeoutSeconds}`);
	}

	let waitForResult = version >= 2 ? (param('waitForResult', itemIndex, true) as boolean) : true;
	let triggerUrl: string | undefined;
	if (version >= 2 && !waitForResult) {
		triggerUrl = String(param('triggerUrl', itemIndex, '') ?? '').trim() || undefined;
		if (triggerUrl && !model.fields.some((field) => field.api === 'webhook_url')) {
			throw invalid(
				context,
				itemIndex,
				`FLUX Trigger URL (triggerUrl): ${modelLabel(model)} does not take webhooks; BFL would refuse the request`,
				'Leave FLUX Trigger URL empty and collect the result with the Task → Get Result operation, or pick another model.',
			);
		}
		if (triggerUrl && !/^https?:\/\/[^/]+/i.test(triggerUrl)) {
			throw invalid(context, itemIndex, `FLUX Trigger URL (triggerUrl) must be an http(s) URL; got "${triggerUrl}"`);
		}
	}
	if (body.webhook_url) waitForResult = false; // version 1: BFL calls the webhook, nothing to wait for

	return {
		model,
		resource,
		operation,
		body,
		mediaFields,
		binaryPropertyName: String(option('binaryPropertyName') || 'data'),
		download: Boolean(version >= 2 ? option('download') : option('downloadImage')),
		timeoutSeconds: timeoutOption || DEFAULT_TIMEOUT_SECONDS[resource],
		waitForResult,
		triggerUrl,
		schedule: POLL_SCHEDULES[resource],
	};
}
