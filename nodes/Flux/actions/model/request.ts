import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { hash, stableJson } from '../../engine/ledger';
import { jobKey, type NewTask, type TaskRequest } from '../../engine/types';
import { parseMediaList } from '../../media/inputs';
import {
	fieldLabel,
	fieldsFor,
	modelLabel,
	MODELS_BY_ID,
	CUSTOM_SIZE,
	MAX_IMAGES_PER_ITEM,
	parameterOf,
	presetsFor,
	pathOf,
	SEED_MAX,
	sizeOnGrid,
	type MediaField,
	type ModelSpec,
	type Operation,
	type Resource,
} from '../../models';
import { validateRequest } from '../../models/validation';
import { POLL_SCHEDULES } from '../../transport/cadence';
import { DEFAULT_TIMEOUT_SECONDS } from '../../transport/clock';
import { finetuneBaseUrl, type FinetuneRegion } from '../../transport/hosts';
import type { RequestDialect } from './dialect';
import { invalid, type ParameterReader } from './parameters';

/** One item's parameters → the task to start: model, validated body, where it goes, how it completes. */

export interface ReadContext {
	context: IExecuteFunctions;
	dialect: RequestDialect;
	param: ParameterReader;
	credentials: ICredentialDataDecryptedObject;
	baseUrl: string;
	/** Running as an AI agent's tool: no download unless the option asks for one. */
	toolMode: boolean;
}

/** The resource, operation and model of one item. */
export function readModel(
	read: ReadContext,
	itemIndex: number,
): { model: ModelSpec; resource: Resource; operation: Operation } {
	const { dialect, param } = read;
	const resource = dialect.resourceOf(param, itemIndex);
	const operation = param('operation', itemIndex) as Operation;
	const spec = dialect.operations.find(
		(candidate) => candidate.resource === resource && candidate.value === operation,
	);
	const offered = spec ? dialect.modelsFor(resource, operation) : [];
	const id = dialect.modelSelector(offered)
		? (param('model', itemIndex, spec?.defaultModel) as string)
		: offered[0]?.id;
	const model = id ? MODELS_BY_ID.get(id) : undefined;
	if (!model || !offered.includes(model)) {
		throw invalid(
			read.context,
			itemIndex,
			`Model "${id}" cannot ${operation} ${resource === 'video' ? 'videos' : 'images'}`,
			`Pick a model offered for the ${operation} operation.`,
		);
	}
	return { model, resource, operation };
}

/** Reads and validates one item's tasks (one per image asked for); throws a NodeOperationError naming the field. */
export function readTasks(read: ReadContext, itemIndex: number): NewTask[] {
	const { context, param } = read;
	const { model, resource, operation } = readModel(read, itemIndex);
	const { body, mediaFields, requestedSize } = readBody(read, itemIndex, model, operation);
	const output = readOutput(read, itemIndex, resource);
	const completion = read.dialect.readCompletion({
		context,
		param,
		itemIndex,
		model,
		body,
		credentials: read.credentials,
	});
	const base =
		read.dialect.finetuneHosts && model.finetuneHost ? finetuneBase(read, itemIndex) : undefined;
	const request: TaskRequest = {
		model,
		operation,
		body,
		mediaFields,
		submitUrl: `${base ?? read.baseUrl}/v1/${pathOf(model)}`,
		apiHosts: base ? [read.baseUrl, base] : [read.baseUrl],
		requestedSize,
		webhook: completion.webhook,
		waitForResult: completion.waitForResult,
		...output,
		schedule: POLL_SCHEDULES[resource],
	};
	const count = imageCount(read, itemIndex, resource);
	return Array.from({ length: count }, (_, variant) => {
		const varied = variant === 0 ? request : { ...request, body: nextSeed(request.body, variant) };
		const fingerprint = fingerprintOf(context, itemIndex, varied, completion.trigger, variant);
		return {
			kind: 'new',
			itemIndex,
			variant,
			images: count,
			key: jobKey(itemIndex, variant),
			request: varied,
			fingerprint,
		};
	});
}

/** Number of Images (version 2, images): one task per image, 1 to 8. */
function imageCount(read: ReadContext, itemIndex: number, resource: Resource): number {
	if (!read.dialect.imagesPerItem || resource !== 'image') return 1;
	const options = (read.param('options', itemIndex, {}) ?? {}) as IDataObject;
	const count = options.numberOfImages ?? 1;
	if (
		typeof count !== 'number' ||
		!Number.isInteger(count) ||
		count < 1 ||
		count > MAX_IMAGES_PER_ITEM
	) {
		throw invalid(
			read.context,
			itemIndex,
			`Number of Images (numberOfImages) must be a whole number 1 to ${MAX_IMAGES_PER_ITEM}; got ${JSON.stringify(count)}`,
		);
	}
	return count;
}

/** A set made with a seed is reproducible: image n gets seed + n. Without a seed each is random. */
function nextSeed(
	body: Readonly<Record<string, unknown>>,
	variant: number,
): Readonly<Record<string, unknown>> {
	return typeof body.seed === 'number'
		? { ...body, seed: (body.seed + variant) % (SEED_MAX + 1) }
		: body;
}

function normalise(value: unknown): unknown {
	return typeof value === 'string' ? value.trim() : value;
}

/** The body BFL gets, with API field names (media still as typed), checked against the table. */
function readBody(read: ReadContext, itemIndex: number, model: ModelSpec, operation: Operation) {
	const { param, dialect } = read;
	const modelOptions = (param('modelOptions', itemIndex, {}) ?? {}) as IDataObject;
	const body: Record<string, unknown> = { ...model.fixed?.[operation] };
	const mediaFields: MediaField[] = [];
	const fields = fieldsFor(model, operation);
	for (const field of fields) {
		if (dialect.managedFields.has(field.api)) continue;
		const name = parameterOf(field);
		let value = normalise(
			field.advanced
				? modelOptions[name]
				: param(name, itemIndex, field.default, { extractValue: field.api === 'finetune_id' }),
		);
		if (field.kind === 'media' && field.list && value !== undefined && value !== '')
			value = parseMediaList(value, Boolean(field.list.timed));
		const autoZero = field.kind === 'integer' && field.zeroMeansAuto === true && value === 0;
		if (value === undefined || value === null || value === '' || autoZero) continue;
		body[field.api] = value;
		if (field.kind === 'media') mediaFields.push(field);
	}
	const requestedSize = applySize(read, itemIndex, model, body);
	const problems = validateRequest(model, operation, body);
	if (problems.length > 0) {
		const byApi = new Map(fields.map((field) => [field.api, field]));
		const lines = problems.map((problem) => {
			const field = byApi.get(problem.field);
			return `${field ? fieldLabel(field) : problem.field} ${problem.message}`;
		});
		throw invalid(
			read.context,
			itemIndex,
			`Invalid parameters for ${modelLabel(model)}: ${lines.join('; ')}`,
		);
	}
	return { body: body as Readonly<Record<string, unknown>>, mediaFields, requestedSize };
}

/**
 * A Size preset replaces width and height; a typed size inside the model's range goes to the
 * nearest point of its grid. Returns the size asked for when it is not the size sent.
 */
function applySize(
	read: ReadContext,
	itemIndex: number,
	model: ModelSpec,
	body: Record<string, unknown>,
): TaskRequest['requestedSize'] {
	const presets = read.dialect.sizePresets ? presetsFor(model) : [];
	const choice = presets.length
		? String(read.param('size', itemIndex, CUSTOM_SIZE) ?? CUSTOM_SIZE)
		: CUSTOM_SIZE;
	if (choice !== CUSTOM_SIZE) {
		const preset = presets.find((candidate) => candidate.value === choice);
		if (!preset) {
			throw invalid(
				read.context,
				itemIndex,
				`Size (size) must be one of ${[CUSTOM_SIZE, ...presets.map((candidate) => candidate.value)].join(', ')} for ${modelLabel(model)}; got "${choice}"`,
			);
		}
		Object.assign(body, { width: preset.width, height: preset.height });
		return undefined;
	}
	if (typeof body.width !== 'number' && typeof body.height !== 'number') return undefined;
	const asked = { width: body.width, height: body.height };
	const made = sizeOnGrid(model, body.width, body.height);
	if (made.width === asked.width && made.height === asked.height) return undefined;
	for (const side of ['width', 'height'] as const)
		if (made[side] !== undefined) body[side] = made[side];
	return {
		width: typeof asked.width === 'number' ? asked.width : null,
		height: typeof asked.height === 'number' ? asked.height : null,
	};
}

/** The Options that shape the item's output: download, the binary field, the timeout. */
function readOutput(
	read: ReadContext,
	itemIndex: number,
	resource: Resource,
): Pick<TaskRequest, 'download' | 'binaryPropertyName' | 'timeoutSeconds'> {
	const { dialect, param } = read;
	const options = (param('options', itemIndex, {}) ?? {}) as IDataObject;
	const option = (name: string) => options[name] ?? dialect.optionDefaults[name];
	const timeout = Number(option('timeoutSeconds') ?? 0);
	if (
		!Number.isFinite(timeout) ||
		timeout < 0 ||
		(!dialect.zeroTimeoutMeansAuto && timeout === 0)
	) {
		throw invalid(
			read.context,
			itemIndex,
			`Timeout (Seconds) (timeoutSeconds) must be above 0; got ${options.timeoutSeconds}`,
		);
	}
	// An agent gets the URL; the bytes only when the tool asks for them.
	const download = read.toolMode
		? options[dialect.downloadOption] === true
		: Boolean(option(dialect.downloadOption));
	return {
		download,
		binaryPropertyName: String(option('binaryPropertyName') || 'data'),
		timeoutSeconds: timeout || DEFAULT_TIMEOUT_SECONDS[resource],
	};
}

function finetuneBase(read: ReadContext, itemIndex: number): string {
	const choice = read.param('finetuneRegion', itemIndex, 'auto') as FinetuneRegion;
	return finetuneBaseUrl(read.context.getNode(), read.credentials, choice);
}

/** What identifies a request across n8n's retries: its body as typed and the identity of every binary it names. */
function fingerprintOf(
	context: IExecuteFunctions,
	itemIndex: number,
	request: TaskRequest,
	trigger: string | undefined,
	variant: number,
): string {
	const binaries = context.getInputData()[itemIndex].binary ?? {};
	const identities: Record<string, string> = {};
	for (const field of request.mediaFields) {
		const value = request.body[field.api];
		const names = (Array.isArray(value) ? value : [value]).map((entry) =>
			String(Array.isArray(entry) ? entry[1] : entry),
		);
		for (const name of names) {
			const binary = binaries[name];
			if (!binary) continue;
			identities[name] = [
				binary.id ?? '',
				binary.fileName ?? '',
				binary.mimeType,
				binary.data?.length ?? 0,
				hash(binary.data?.slice(0, 65536) ?? ''),
			].join('|');
		}
	}
	return hash(
		stableJson({
			model: request.model.id,
			operation: request.operation,
			body: request.body,
			identities,
			trigger: trigger ?? null,
			wait: request.waitForResult,
			...(variant ? { variant } : {}),
		}),
	);
}
