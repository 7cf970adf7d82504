import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/** Reading an item's parameters: once per run where they hold no expression, and refusing bad ones before anything is paid. */

/** Reads a node parameter for one item (expressions evaluated for it). */
export type ParameterReader = (
	name: string,
	itemIndex: number,
	fallback?: unknown,
	options?: { extractValue?: boolean },
) => unknown;

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
		if (hasExpression(raw[name]))
			return context.getNodeParameter(name, itemIndex, fallback, options);
		const key = `${name}|${options?.extractValue ? 1 : 0}`;
		if (!cache.has(key))
			cache.set(key, context.getNodeParameter(name, itemIndex, fallback, options));
		const value = cache.get(key);
		// A fresh copy per item: callers may change what they get.
		return value && typeof value === 'object' ? structuredClone(value) : value;
	};
}

/** A refusal before anything was sent, naming the field. */
export function invalid(
	context: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description?: string,
): NodeOperationError {
	return new NodeOperationError(context.getNode(), message, {
		itemIndex,
		description: description ?? 'Nothing was sent to BFL; fix the field and run again.',
	});
}
