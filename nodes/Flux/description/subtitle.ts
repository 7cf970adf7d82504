import { MODELS } from '../models';
import type { DescriptionDialect } from './dialect';

/** An operation the subtitle names: its resource, value and the action text the picker shows. */
export interface NamedOperation {
	resource: string;
	value: string;
	action: string;
}

/**
 * `FLUX.2 [pro]` under the node on the canvas: the model's name, or the operation's sole model,
 * or the action where the operation runs no model.
 */
export function subtitle(
	dialect: DescriptionDialect,
	others: readonly NamedOperation[] = [],
): string {
	const names = Object.fromEntries(MODELS.map((model) => [model.id, model.displayName]));
	const labels: Record<string, string> = {};
	const soleModels: Record<string, string> = {};
	for (const operation of dialect.operations) {
		const key = `${operation.resource}:${operation.value}`;
		labels[key] = operation.action;
		const models = dialect.modelsFor(operation.resource, operation.value);
		if (models.length === 1 && !dialect.modelSelector(models))
			soleModels[key] = models[0].displayName;
	}
	for (const operation of others)
		labels[`${operation.resource}:${operation.value}`] = operation.action;
	const key = dialect.scopeByResource
		? '$parameter["resource"] + ":" + $parameter["operation"]'
		: '"image:" + $parameter["operation"]';
	return `={{ (function (key, model) { var labels = ${JSON.stringify(labels)}; var names = ${JSON.stringify(names)}; var sole = ${JSON.stringify(soleModels)}; return names[model] || sole[key] || labels[key] || "Custom API call"; })(${key}, $parameter["model"]) }}`;
}
