/** What the editor shows: for each model, exactly its own fields, with its own range and default. */
import { NodeHelpers, type INodeProperties } from 'n8n-workflow';

import { Flux } from '../nodes/Flux/Flux.node';
import { fieldsFor, MODELS, parameterName, type Operation } from '../nodes/Flux/models';

const description = new Flux().description;
const node = { typeVersion: 1 };

function visible(values: Record<string, string>): INodeProperties[] {
	return description.properties.filter((property) => NodeHelpers.displayParameter(values, property, node, description));
}

const cases = MODELS.flatMap((model) => model.operations.map((operation) => [operation, model.endpoint] as const));

describe.each(cases)('%s with %s', (operation: Operation, endpoint: string) => {
	const model = MODELS.find((candidate) => candidate.endpoint === endpoint)!;
	const shown = visible({ operation, model: endpoint });
	const modelOptions = shown.filter((property) => property.name === 'modelOptions');
	const fieldProperties = [
		...shown.filter((property) => !['operation', 'model', 'options', 'modelOptions'].includes(property.name)),
		...modelOptions.flatMap((collection) => (collection.options ?? []) as INodeProperties[]),
	];

	test('shows exactly the fields of this model, each once', () => {
		const expected = fieldsFor(model, operation).map((field) => parameterName(field.api));
		expect(fieldProperties.map((property) => property.name).sort()).toEqual(expected.sort());
		expect(shown.filter((property) => property.name === 'model')).toHaveLength(1);
		expect(modelOptions.length).toBeLessThanOrEqual(1);
	});

	test("shows this model's ranges and defaults", () => {
		for (const field of fieldsFor(model, operation)) {
			const property = fieldProperties.find((candidate) => candidate.name === parameterName(field.api))!;
			expect({ name: property.name, default: property.default }).toEqual({ name: property.name, default: field.default });
			if (field.kind === 'integer' || field.kind === 'number') {
				expect(property.typeOptions?.maxValue).toBe(field.max);
				expect(property.typeOptions?.minValue).toBe(field.zeroMeansAuto ? 0 : field.min);
			}
			if (field.kind === 'options') {
				expect(property.options?.map((option) => ('value' in option ? option.value : undefined))).toEqual(field.values);
			}
		}
	});

	test('offers the model under its endpoint name', () => {
		const modelProperty = shown.find((property) => property.name === 'model')!;
		expect(modelProperty.options?.map((option) => ('value' in option ? option.value : ''))).toContain(endpoint);
	});
});

test('every model is reachable from some operation', () => {
	const offered = new Set(
		description.properties
			.filter((property) => property.name === 'model')
			.flatMap((property) => property.options?.map((option) => ('value' in option ? option.value : '')) ?? []),
	);
	expect([...offered].sort()).toEqual(MODELS.map((model) => model.endpoint).sort());
});

test('safetyTolerance is 0–5 on FLUX.2 and 0–6 on FLUX.1, each shown only for its own models', () => {
	const tolerance = (endpoint: string) =>
		(visible({ operation: 'generate', model: endpoint }).find((property) => property.name === 'modelOptions')?.options as INodeProperties[])
			.find((option) => option.name === 'safetyTolerance')?.typeOptions?.maxValue;
	expect(tolerance('flux-2-pro')).toBe(5);
	expect(tolerance('flux-dev')).toBe(6);
});
