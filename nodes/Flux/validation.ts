import {
	fieldsFor,
	MAX_ASPECT_RATIO,
	MIN_ASPECT_RATIO,
	type FieldSpec,
	type ModelSpec,
	type Operation,
} from './models';

/**
 * Checks a request body (API field names) against the model table. The node runs it before any
 * paid request, naming its own parameters; the emulator runs it to answer 422 like BFL does.
 */
export interface Problem {
	/** API field name, e.g. `width`. */
	field: string;
	/** FastAPI-style error type, e.g. `multiple_of`. */
	type: string;
	/** Says what is allowed, e.g. `must be a multiple of 32 (256 to 1440); got 1000`. */
	message: string;
}

export function rangeText(field: FieldSpec): string {
	switch (field.kind) {
		case 'integer':
		case 'number': {
			const bounds = field.max === undefined ? `at least ${field.min}` : `${field.min} to ${field.max}`;
			const multiple = field.multipleOf ? `, a multiple of ${field.multipleOf}` : '';
			const auto = field.zeroMeansAuto ? ' (or 0 for automatic)' : '';
			return `${field.kind === 'integer' ? 'a whole number ' : ''}${bounds}${multiple}${auto}`;
		}
		case 'options':
			return `one of ${field.values.join(', ')}`;
		case 'aspectRatio':
			return 'a ratio W:H between 21:9 and 9:21, e.g. 16:9';
		case 'boolean':
			return 'true or false';
		case 'image':
			return field.acceptsUrl ? 'base64 image data or an http(s) URL' : 'base64 image data';
		default:
			return 'text';
	}
}

function isMissing(value: unknown): boolean {
	return value === undefined || value === null || value === '';
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
			if (typeof value !== 'number' || !Number.isFinite(value)) return problem(`${field.kind === 'integer' ? 'int' : 'float'}_type`, got);
			if (field.kind === 'integer' && !Number.isInteger(value)) return problem('int_type', got);
			if (field.zeroMeansAuto && value === 0) return undefined;
			if (value < field.min) return problem('greater_than_equal', got);
			if (field.max !== undefined && value > field.max) return problem('less_than_equal', got);
			if (field.multipleOf && value % field.multipleOf !== 0) return problem('multiple_of', got);
			return undefined;
		}
		case 'boolean':
			return typeof value === 'boolean' ? undefined : problem('bool_type', got);
		case 'options':
			return typeof value === 'string' && field.values.includes(value)
				? undefined
				: problem('enum', got);
		case 'aspectRatio': {
			const match = typeof value === 'string' ? /^(\d+):(\d+)$/.exec(value.trim()) : null;
			if (!match) return problem('value_error', got);
			const ratio = Number(match[1]) / Number(match[2]);
			return ratio >= MIN_ASPECT_RATIO - 1e-9 && ratio <= MAX_ASPECT_RATIO + 1e-9
				? undefined
				: problem('value_error', got);
		}
		default:
			return typeof value === 'string' ? undefined : problem('string_type', got);
	}
}

/** 'api' checks a body as BFL sees it: every field of the endpoint, whatever the node's operation. */
export type ValidationScope = Operation | 'api';

function scopedFields(model: ModelSpec, scope: ValidationScope): FieldSpec[] {
	return scope === 'api' ? model.fields : fieldsFor(model, scope);
}

export function validateRequest(
	model: ModelSpec,
	scope: ValidationScope,
	body: Record<string, unknown>,
): Problem[] {
	const problems: Problem[] = [];
	for (const field of scopedFields(model, scope)) {
		const value = body[field.api];
		// An edit's input image is required by the node's Edit operation, not by the endpoint.
		const required = field.required && (scope !== 'api' || !field.operations);
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
	if (model.maxPixels && typeof width === 'number' && typeof height === 'number' && width * height > model.maxPixels) {
		problems.push({
			field: 'width',
			type: 'value_error',
			message: `× height must be at most ${model.maxPixels} pixels (4 MP, e.g. 2048×2048); got ${width}×${height}`,
		});
	}
	return problems;
}

/** Fields of the body that the model does not know (the node never sends any). */
export function unknownFields(model: ModelSpec, scope: ValidationScope, body: Record<string, unknown>): string[] {
	const known = new Set(scopedFields(model, scope).map((field) => field.api));
	return Object.keys(body).filter((key) => !known.has(key));
}
