import { fieldsFor, MAX_ASPECT_RATIO, MIN_ASPECT_RATIO } from './table';
import type { FieldSpec, ModelSpec, Operation, Problem } from './types';

/**
 * Checks a request body (API field names) against the model table. The node runs it before any
 * paid request, naming its own parameters; the emulator runs it to answer 422 like BFL does.
 */
export type { Problem };

export function rangeText(field: FieldSpec): string {
	switch (field.kind) {
		case 'integer':
		case 'number': {
			const bounds = field.nullable
				? 'any whole number (negative allowed)'
				: field.max === undefined
					? `at least ${field.min}`
					: `${field.min} to ${field.max}`;
			const multiple = field.multipleOf ? `, a multiple of ${field.multipleOf}` : '';
			const auto = field.autoKeyword
				? ` (or "${field.autoKeyword}")`
				: field.zeroMeansAuto
					? ' (or 0 for automatic)'
					: '';
			return `${field.kind === 'integer' && !field.nullable ? 'a whole number ' : ''}${bounds}${multiple}${auto}`;
		}
		case 'options':
			return `one of ${field.values.join(', ')}`;
		case 'aspectRatio':
			return 'a ratio W:H between 21:9 and 9:21, e.g. 16:9';
		case 'boolean':
			return 'true or false';
		case 'media': {
			const what =
				field.media === 'bundle'
					? 'a draft cache'
					: `${field.media === 'video' ? 'a video' : 'an image'}`;
			const list = field.list ? `${field.list.min} to ${field.list.max} entries, each ` : '';
			return `${list}${what} as base64${field.acceptsUrl ? ' or an http(s) URL' : ''}`;
		}
		default:
			return 'text';
	}
}

function isMissing(value: unknown): boolean {
	return (
		value === undefined ||
		value === null ||
		value === '' ||
		(Array.isArray(value) && value.length === 0)
	);
}

function checkMedia(
	field: FieldSpec & { kind: 'media' },
	value: unknown,
	problem: (type: string, detail: string) => Problem,
): Problem | undefined {
	const got = `got ${JSON.stringify(value).slice(0, 80)}`;
	if (!field.list) return typeof value === 'string' ? undefined : problem('string_type', got);
	// BFL takes a single string, or a single [seconds, image] pair, as a list of one.
	const single =
		typeof value === 'string' ||
		(field.list.timed &&
			Array.isArray(value) &&
			value.length === 2 &&
			typeof value[0] === 'number');
	const entries = single ? [value] : value;
	if (!Array.isArray(entries)) return problem('list_type', got);
	if (entries.length < field.list.min || entries.length > field.list.max) {
		return problem(
			entries.length > field.list.max ? 'too_long' : 'too_short',
			`got ${entries.length}`,
		);
	}
	let previousSecond = -Infinity;
	for (const entry of entries) {
		if (typeof entry === 'string') continue;
		const timed =
			field.list.timed &&
			Array.isArray(entry) &&
			entry.length === 2 &&
			typeof entry[0] === 'number' &&
			typeof entry[1] === 'string';
		if (!timed) return problem('value_error', `got an entry ${JSON.stringify(entry).slice(0, 60)}`);
		if (
			entry[0] < 0 ||
			entry[0] < previousSecond ||
			(field.list.maxSeconds !== undefined && entry[0] > field.list.maxSeconds)
		) {
			return problem(
				'value_error',
				`timed entries must be in time order from 0 to ${field.list.maxSeconds ?? '…'} s; got ${entry[0]} s`,
			);
		}
		previousSecond = entry[0];
	}
	return undefined;
}

function checkField(field: FieldSpec, value: unknown): Problem | undefined {
	const problem = (type: string, detail: string): Problem => ({
		field: field.api,
		type,
		message: `must be ${rangeText(field)}; ${detail}`,
	});
	const got = `got ${JSON.stringify(value)}`;
	switch (field.kind) {
		case 'integer':
		case 'number': {
			if (field.autoKeyword !== undefined && value === field.autoKeyword) return undefined;
			if (typeof value !== 'number' || !Number.isFinite(value))
				return problem(`${field.kind === 'integer' ? 'int' : 'float'}_type`, got);
			if (field.kind === 'integer' && !Number.isInteger(value)) return problem('int_type', got);
			if (field.zeroMeansAuto && value === 0 && field.autoKeyword === undefined) return undefined;
			if (field.nullable) return undefined;
			if (value < field.min) return problem('greater_than_equal', got);
			if (field.max !== undefined && value > field.max) return problem('less_than_equal', got);
			if (field.multipleOf && value % field.multipleOf !== 0) return problem('multiple_of', got);
			return undefined;
		}
		case 'boolean':
			return typeof value === 'boolean' ? undefined : problem('bool_type', got);
		case 'options':
			return field.values.includes(value as string | number) ? undefined : problem('enum', got);
		case 'aspectRatio': {
			const match = typeof value === 'string' ? /^(\d+):(\d+)$/.exec(value.trim()) : null;
			if (!match) return problem('value_error', got);
			const ratio = Number(match[1]) / Number(match[2]);
			return ratio >= MIN_ASPECT_RATIO - 1e-9 && ratio <= MAX_ASPECT_RATIO + 1e-9
				? undefined
				: problem('value_error', got);
		}
		case 'media':
			return checkMedia(field, value, problem);
		default:
			if (typeof value !== 'string') return problem('string_type', got);
			if (field.maxLength !== undefined && value.length > field.maxLength)
				return problem('string_too_long', `got ${value.length} characters`);
			return undefined;
	}
}

/**
 * What the body is checked against: one operation of the node, or 'api' for a body as BFL sees it
 * (every field of the endpoint, or of the operation its `mode` names).
 */
export type ValidationScope = Operation | 'api';

function resolveScope(
	model: ModelSpec,
	scope: ValidationScope,
	body: Record<string, unknown>,
): Operation | undefined {
	if (scope !== 'api') return scope;
	return model.operationOf?.(body);
}

function scopedFields(model: ModelSpec, operation: Operation | undefined): FieldSpec[] {
	return operation ? fieldsFor(model, operation) : model.fields;
}

export function validateRequest(
	model: ModelSpec,
	scope: ValidationScope,
	body: Record<string, unknown>,
): Problem[] {
	const operation = resolveScope(model, scope, body);
	if (model.operationOf && !operation) {
		return [
			{
				field: 'mode',
				type: 'enum',
				message: `must be one of ${Object.values(model.fixed ?? {})
					.map((fixed) => fixed.mode)
					.join(', ')}; got ${JSON.stringify(body.mode)}`,
			},
		];
	}
	const problems: Problem[] = [];
	for (const field of scopedFields(model, operation)) {
		const value = body[field.api];
		// An edit's input image is required by the node's Edit operation, not by the endpoint.
		const required =
			field.required && (scope !== 'api' || !field.operations || operation !== undefined);
		if (isMissing(value)) {
			if (required) problems.push({ field: field.api, type: 'missing', message: 'is required' });
			continue;
		}
		const problem = checkField(field, value);
		if (problem) problems.push(problem);
	}
	if (model.requireOneOf && model.requireOneOf.every((api) => isMissing(body[api]))) {
		problems.push({
			field: model.requireOneOf[0],
			type: 'missing',
			message: `or ${model.requireOneOf.slice(1).join(' or ')} is required`,
		});
	}
	const width = body.width;
	const height = body.height;
	if (
		model.maxPixels &&
		typeof width === 'number' &&
		typeof height === 'number' &&
		width * height > model.maxPixels
	) {
		problems.push({
			field: 'width',
			type: 'value_error',
			message: `× height must be at most ${model.maxPixels.toLocaleString('en-US')} pixels (4 MP, e.g. 2048×2048); got ${width}×${height} = ${(width * height).toLocaleString('en-US')}`,
		});
	}
	for (const check of model.checks ?? []) {
		const problem = check(body, operation);
		if (problem) problems.push(problem);
	}
	return problems;
}

/** Fields of the body that the endpoint does not know (the node never sends any). */
export function unknownFields(
	model: ModelSpec,
	scope: ValidationScope,
	body: Record<string, unknown>,
): string[] {
	const operation = resolveScope(model, scope, body);
	const known = new Set([
		...scopedFields(model, operation).map((field) => field.api),
		...Object.values(model.fixed ?? {}).flatMap((fixed) => Object.keys(fixed)),
	]);
	return Object.keys(body).filter((key) => !known.has(key));
}
