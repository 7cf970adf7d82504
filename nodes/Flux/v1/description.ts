import type { INodeProperties } from 'n8n-workflow';

import { byName } from '../description/fields';
import { operationProperties } from '../description/operation';
import { V1 } from './dialect';
import { V1_OPTIONS } from './options';

/** Version 1's panel: Operation → Model → fields, in the order saved workflows know. */
export function v1Properties(): INodeProperties[] {
	const scopes = V1.operations.map((operation) => operationProperties(V1, operation));
	// Version 1's order: the operation, every Model selector, every main field, every Model Options.
	const byKind = (kind: 'model' | 'main' | 'modelOptions') =>
		scopes.flatMap((properties) =>
			properties.filter((property) =>
				kind === 'model'
					? property.name === 'model'
					: kind === 'modelOptions'
						? property.name === 'modelOptions'
						: property.name !== 'model' && property.name !== 'modelOptions',
			),
		);
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			default: 'generate',
			options: byName(
				V1.operations.map(({ value, name, action, description }) => ({
					value,
					name,
					action,
					description,
				})),
			),
		},
		...byKind('model'),
		...byKind('main'),
		...byKind('modelOptions'),
		V1_OPTIONS,
	];
}
