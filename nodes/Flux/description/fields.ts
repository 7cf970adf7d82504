import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { ASPECT_RATIOS, displayNameOf, parameterOf, type FieldSpec } from '../models';
import type { DescriptionDialect } from './dialect';

/** One field of the model table as an n8n property: its type, range, default and help. */

function optionName(field: FieldSpec & { kind: 'options' }, value: string | number): string {
	const label = field.labels?.[String(value)];
	if (label) return label;
	return field.api === 'output_format' ? String(value).toUpperCase() : String(value);
}

/** The type-specific part of a field's n8n property. */
function typeOf(
	field: FieldSpec,
): Pick<INodeProperties, 'type' | 'typeOptions' | 'options' | 'placeholder'> {
	switch (field.kind) {
		case 'string':
			return {
				type: 'string',
				typeOptions: field.multiline
					? { rows: 4 }
					: field.password
						? { password: true }
						: undefined,
			};
		case 'integer':
		case 'number':
			return {
				type: 'number',
				typeOptions: {
					minValue: field.zeroMeansAuto ? 0 : field.min,
					maxValue: field.max,
					numberPrecision: field.kind === 'integer' ? 0 : 2,
				},
			};
		case 'boolean':
			return { type: 'boolean' };
		case 'options': {
			const options = field.values.map((value) => ({ name: optionName(field, value), value }));
			return { type: 'options', options: field.scale ? options : byName(options) };
		}
		case 'aspectRatio': {
			const options: INodePropertyOptions[] = ASPECT_RATIOS.map((ratio) => ({
				name: ratio,
				value: ratio,
			}));
			if (field.default === '')
				options.unshift({ name: 'Auto (Input Image Shape, or 1:1)', value: '' });
			return { type: 'options', options };
		}
		case 'media':
			// An empty optional field must look empty, not already set to `data`.
			return {
				type: 'string',
				placeholder: field.list
					? 'data, data2'
					: field.required
						? 'data'
						: `e.g. ${field.api} or https://…`,
			};
	}
}

export function toProperty(field: FieldSpec, dialect: DescriptionDialect): INodeProperties {
	const property: INodeProperties = {
		displayName: displayNameOf(field),
		name: parameterOf(field),
		default: field.default,
		description: field.description,
		required: field.required && !field.advanced ? true : undefined,
		...typeOf(field),
	};
	if (dialect.fieldHints && !field.advanced && field.hint) property.hint = field.hint;
	if (dialect.finetuneLocator && field.api === 'finetune_id') return finetuneLocator(property);
	return property;
}

/** Finetune ID as a list from GET /v1/my_finetunes, or an ID typed in. */
export function finetuneLocator(property: INodeProperties): INodeProperties {
	return {
		...property,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchFinetunes', searchable: true },
			},
			{
				displayName: 'ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. my-finetune or org/lora-name',
			},
		],
	};
}

/**
 * Options sorted by name, as n8n's panels list them (its `options-sorted-alphabetically` rule);
 * a trailing Custom API Call stays last, where n8n expects it.
 */
export function byName<T extends { name: string; value?: unknown }>(options: readonly T[]): T[] {
	const custom = options.filter((option) => option.name === 'Custom API Call');
	const rest = options.filter((option) => option.name !== 'Custom API Call');
	return [
		...[...rest].sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' })),
		...custom,
	];
}

/** Groups values by a key, keeping first-seen order. */
export function groupBy<T>(values: T[], keyOf: (value: T) => string): T[][] {
	const groups = new Map<string, T[]>();
	for (const value of values) {
		const key = keyOf(value);
		groups.set(key, [...(groups.get(key) ?? []), value]);
	}
	return [...groups.values()];
}
