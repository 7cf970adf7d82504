import { NodeConnectionTypes } from 'n8n-workflow';

import { OTHER_OPERATIONS } from './fields';
import { modelsFor, MODELS, OPERATIONS, V1_OPERATIONS } from '../models';

/** Parts of the node's description computed from the model table, for both versions. */

/** `FLUX.2 [pro]` under the node on the canvas (the action where the operation has no model). */
export function subtitle(version: number): string {
	const names = Object.fromEntries(MODELS.map((model) => [model.id, model.displayName]));
	const operations = version >= 2 ? OPERATIONS : V1_OPERATIONS;
	const labels: Record<string, string> = {};
	const soleModels: Record<string, string> = {};
	for (const operation of operations) {
		const key = `${operation.resource}:${operation.value}`;
		labels[key] = operation.action;
		const models = modelsFor(version, operation.resource, operation.value);
		if (models.length === 1 && version >= 2) soleModels[key] = models[0].displayName;
	}
	for (const operation of OTHER_OPERATIONS) labels[`${operation.resource}:${operation.value}`] = operation.action;
	const key = version >= 2 ? '$parameter["resource"] + ":" + $parameter["operation"]' : '"image:" + $parameter["operation"]';
	return `={{ (function (key, model) { var labels = ${JSON.stringify(labels)}; var names = ${JSON.stringify(names)}; var sole = ${JSON.stringify(soleModels)}; return names[model] || sole[key] || labels[key] || "Custom API call"; })(${key}, $parameter["model"]) }}`;
}

/** Version 2's outputs: a second one, Moderated, when Route Moderated Items is on. */
export const V2_OUTPUTS =
	`={{ $parameter.options && $parameter.options.routeModerated ? [{ "type": "${NodeConnectionTypes.Main}", "displayName": "Done" }, { "type": "${NodeConnectionTypes.Main}", "displayName": "Moderated" }] : ["${NodeConnectionTypes.Main}"] }}` as const;
