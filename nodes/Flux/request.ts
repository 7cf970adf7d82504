import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { displayNameOf, nodeOptionDefault } from './fields';
import {
	fieldsFor,
	MODELS_BY_ENDPOINT,
	modelLabel,
	parameterName,
	type ModelSpec,
	type Operation,
} from './models';
import { validateRequest } from './validation';

/** Everything one item needs, read from its parameters (expressions evaluated for that item). */
export interface ItemRequest {
	model: ModelSpec;
	operation: Operation;
	/** Request body with API field names; image fields still hold what the user typed. */
	body: Record<string, unknown>;
	/** API names of the image fields present in `body`. */
	imageFields: string[];
	binaryPropertyName: string;
	downloadImage: boolean;
	timeoutMs: number;
}

export function readModel(context: IExecuteFunctions, itemIndex: number): { model: ModelSpec; operation: Operation } {
	const operation = context.getNodeParameter('operation', itemIndex) as Operation;
	const endpoint = context.getNodeParameter('model', itemIndex) as string;
	const model = MODELS_BY_ENDPOINT.get(endpoint);
	if (!model || !model.operations.includes(operation)) {
		throw new NodeOperationError(context.getNode(), `Model "${endpoint}" cannot ${operation} images`, {
			itemIndex,
			description: `Pick a model offered for the ${operation} operation.`,
		});
	}
	return { model, operation };
}

function normalise(value: unknown): unknown {
	return typeof value === 'string' ? value.trim() : value;
}

/** Reads and validates one item's parameters; throws a NodeOperationError naming the field. */
export function readItemRequest(context: IExecuteFunctions, itemIndex: number): ItemRequest {
	const { model, operation } = readModel(context, itemIndex);
	const modelOptions = context.getNodeParameter('modelOptions', itemIndex, {}) as IDataObject;
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;

	const body: Record<string, unknown> = {};
	const imageFields: string[] = [];
	const fields = fieldsFor(model, operation);
	for (const field of fields) {
		const name = parameterName(field.api);
		const value = normalise(
			field.advanced ? modelOptions[name] : context.getNodeParameter(name, itemIndex, field.default),
		);
		const autoZero = field.kind === 'integer' && field.zeroMeansAuto === true && value === 0;
		const omitted = value === undefined || value === null || value === '' || autoZero;
		if (omitted) continue;
		body[field.api] = value;
		if (field.kind === 'image') imageFields.push(field.api);
	}

	const problems = validateRequest(model, operation, body);
	if (problems.length > 0) {
		const byApi = new Map(fields.map((field) => [field.api, field]));
		const lines = problems.map((problem) => {
			const field = byApi.get(problem.field);
			const label = field ? `${displayNameOf(field)} (${parameterName(field.api)})` : problem.field;
			return `${label} ${problem.message}`;
		});
		throw new NodeOperationError(
			context.getNode(),
			`Invalid parameters for ${modelLabel(model)}: ${lines.join('; ')}`,
			{ itemIndex, description: 'Nothing was sent to BFL; fix the field and run again.' },
		);
	}

	const option = (name: string) => options[name] ?? nodeOptionDefault(name);
	const timeoutSeconds = Number(option('timeoutSeconds'));
	if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
		throw new NodeOperationError(context.getNode(), `Timeout (Seconds) (timeoutSeconds) must be above 0; got ${options.timeoutSeconds}`, { itemIndex });
	}
	return {
		model,
		operation,
		body,
		imageFields,
		binaryPropertyName: String(option('binaryPropertyName') || nodeOptionDefault('binaryPropertyName')),
		downloadImage: Boolean(option('downloadImage')),
		timeoutMs: timeoutSeconds * 1000,
	};
}
