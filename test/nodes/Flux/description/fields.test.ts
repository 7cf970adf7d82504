/**
 * What the editor shows, through n8n's own NodeHelpers.displayParameter, in both node versions:
 * for each operation and model, exactly that model's fields with its own ranges and defaults.
 * Version 1 must also keep every parameter of the description as it was released, so workflows
 * saved before version 2 still load and run.
 */
import {
	type INodeProperties,
	type INodePropertyOptions,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { Flux } from '../../../../nodes/Flux/Flux.node';
import {
	fieldsFor,
	MODELS_BY_ID,
	parameterOf,
	SIZE_PRESETS,
	type FieldSpec,
	type ModelSpec,
	type Operation,
} from '../../../../nodes/Flux/models';
import head from '../../../support/fixtures/v1-description-head.json';
import { visibleProperties } from '../../../support/panel';

const flux = new Flux();
const DESCRIPTIONS: Record<number, INodeTypeDescription> = {
	1: flux.getNodeType(1).description,
	2: flux.getNodeType(2).description,
};

/** Parameters that are not a model's fields: selectors, node options, version 2's completion settings. */
const NODE_LEVEL = new Set([
	'resource',
	'operation',
	'model',
	'options',
	'modelOptions',
	'waitForResult',
	'triggerUrl',
	'finetuneRegion',
	'size',
]);

function visible(version: number, values: Record<string, unknown>): INodeProperties[] {
	// As the editor has them: the values set, and the defaults of the rest (Size is Custom unless chosen).
	return visibleProperties(DESCRIPTIONS[version], version, values);
}

/** The model fields a panel shows: main fields plus those in Model Options. */
function fieldProperties(shown: INodeProperties[]): INodeProperties[] {
	return [
		...shown.filter((property) => !NODE_LEVEL.has(property.name)),
		...shown
			.filter((property) => property.name === 'modelOptions')
			.flatMap((collection) => (collection.options ?? []) as INodeProperties[]),
	];
}

function optionValues(property: INodeProperties | undefined): unknown[] {
	return ((property?.options ?? []) as INodePropertyOptions[]).map((option) => option.value);
}

function optionNames(property: INodeProperties | undefined): string[] {
	return ((property?.options ?? []) as INodePropertyOptions[]).map((option) => option.name);
}

/** n8n's own order: by name, ignoring case. */
function byName(a: string, b: string): number {
	return a.localeCompare(b, 'en', { sensitivity: 'base' });
}

/** n8n's "Custom API Call" entry, which the node adds to its resource and operation lists. */
const CUSTOM_API_CALL = 'customApiCall';

function withoutCustomCall(values: unknown[]): unknown[] {
	return values.filter((value) => value !== CUSTOM_API_CALL);
}

// Transcribed independently of the table: the models each operation offers.
const FLUX2 = [
	'flux-2-max',
	'flux-2-pro-preview',
	'flux-2-pro',
	'flux-2-flex',
	'flux-2-klein-4b',
	'flux-2-klein-9b-preview',
	'flux-2-klein-9b',
];
const KLEIN_LORAS = [
	'flux-2-klein-4b-finetuned',
	'flux-2-klein-9b-finetuned',
	'flux-2-klein-9b-kv-finetuned',
	'flux-2-klein-9b-kv-bf16-finetuned',
	'flux-2-klein-base-4b-finetuned',
	'flux-2-klein-base-9b-finetuned',
];
const KONTEXT = ['flux-kontext-max', 'flux-kontext-pro'];
const FLUX1_GENERATE = [
	'flux-pro-1.1-ultra',
	'flux-pro-1.1',
	'flux-dev',
	'flux-pro-1.1-ultra-finetuned',
	'flux-pro',
];
const FILL = ['flux-pro-1.0-fill', 'flux-pro-1.0-fill-finetuned'];

const V1_MODELS: Record<string, string[]> = {
	generate: [...FLUX2, ...KONTEXT, ...FLUX1_GENERATE, 'flux-pro-1.0-canny', 'flux-pro-1.0-depth'],
	edit: [...FLUX2, ...KONTEXT],
	fill: FILL,
	expand: ['flux-pro-1.0-expand'],
};

const V2_MODELS: Record<string, string[]> = {
	'image:generate': ['flux-3-image', ...FLUX2, ...KLEIN_LORAS, ...KONTEXT, ...FLUX1_GENERATE],
	'image:edit': ['flux-3-image', ...FLUX2, ...KLEIN_LORAS, ...KONTEXT],
	'image:erase': ['erase-v1'],
	'image:expand': ['flux-pro-1.0-expand', 'outpainting-v1'],
	'image:fill': FILL,
	'image:deblur': ['deblur-v1'],
	'image:tryOn': ['vto-v1', 'vto-v2'],
	'video:generate': ['flux-3-video'],
	'video:animate': ['flux-3-video'],
	'video:extend': ['flux-3-video'],
	'video:enhance': ['flux-3-video'],
	'video:upscale': ['video-upscale-v1'],
	'video:edit': ['video-edit-v1'],
};

const WEBHOOK_PARAMETERS = ['webhookUrl', 'webhookSecret'];

function model(id: string): ModelSpec {
	const found = MODELS_BY_ID.get(id);
	if (!found) throw new Error(`the table has no model ${id}`);
	return found;
}

function isFinetuneLocator(version: number, field: FieldSpec): boolean {
	return version >= 2 && field.api === 'finetune_id';
}

/** Each field's property carries the table's default, range and option values. */
function expectRangesAndDefaults(
	version: number,
	fields: FieldSpec[],
	properties: INodeProperties[],
): void {
	for (const field of fields) {
		const property = properties.find((candidate) => candidate.name === parameterOf(field));
		expect({ field: field.api, found: Boolean(property) }).toEqual({
			field: field.api,
			found: true,
		});
		if (!property) continue;
		if (isFinetuneLocator(version, field)) {
			expect(property.type).toBe('resourceLocator');
			expect(property.default).toEqual({ mode: 'list', value: '' });
			const list = property.modes?.find((mode) => mode.name === 'list');
			expect(list?.typeOptions?.searchListMethod).toBe('searchFinetunes');
			expect(property.modes?.map((mode) => mode.name)).toContain('id');
			continue;
		}
		expect({ name: property.name, default: property.default }).toEqual({
			name: property.name,
			default: field.default,
		});
		if (field.kind === 'integer' || field.kind === 'number') {
			expect({
				name: property.name,
				type: property.type,
				min: property.typeOptions?.minValue,
				max: property.typeOptions?.maxValue,
			}).toEqual({
				name: property.name,
				type: 'number',
				min: field.zeroMeansAuto ? 0 : field.min,
				max: field.max,
			});
		}
		if (field.kind === 'options') {
			// The table's values; sorted by name unless they form a scale (n8n's options-sorted-alphabetically).
			expect({ name: property.name, values: [...optionValues(property)].sort() }).toEqual({
				name: property.name,
				values: [...field.values].sort(),
			});
			if (!field.scale)
				expect(optionNames(property)).toEqual([...optionNames(property)].sort(byName));
			else expect(optionValues(property)).toEqual(field.values);
		}
		if (field.kind === 'boolean') expect(property.type).toBe('boolean');
	}
}

/**
 * Media inputs: the first required image (or list) points at the `data` binary property; a second
 * required image of the same model (erase's mask, try-on's garment) at a property of its own name,
 * so both never name the same file; optional ones start empty and show no `data` placeholder, so
 * an empty optional Mask never looks set.
 */
function expectMediaDefaults(fields: FieldSpec[], properties: INodeProperties[]): void {
	let firstRequired = true;
	for (const field of fields) {
		if (field.kind !== 'media' || field.media === 'bundle') continue;
		const property = properties.find((candidate) => candidate.name === parameterOf(field));
		if (!property) continue;
		if (field.required || field.list) {
			expect({ field: field.api, default: property.default }).toEqual({
				field: field.api,
				default: firstRequired ? 'data' : field.api,
			});
			firstRequired = false;
		} else {
			expect({ field: field.api, default: property.default }).toEqual({
				field: field.api,
				default: '',
			});
			expect({ field: field.api, placeholder: property.placeholder ?? '' }).not.toEqual({
				field: field.api,
				placeholder: expect.stringMatching(/\bdata\b/),
			});
		}
	}
}

// -------------------------------------------------------------------------------------------
// Version 1: Operation → Model

const v1Cases = Object.entries(V1_MODELS).flatMap(([operation, ids]) =>
	ids.map((id) => [operation, id] as const),
);

describe.each(v1Cases)('version 1: %s with %s', (operation, id) => {
	const spec = model(id);
	const fields = fieldsFor(spec, operation as Operation);
	const shown = visible(1, { operation, model: id });
	const properties = fieldProperties(shown);

	test('shows exactly the fields of this model (webhook fields included), each once', () => {
		expect(properties.map((property) => property.name).sort()).toEqual(
			fields.map(parameterOf).sort(),
		);
		expect(shown.filter((property) => property.name === 'modelOptions').length).toBeLessThanOrEqual(
			1,
		);
		for (const name of WEBHOOK_PARAMETERS) {
			expect({ name, shown: properties.some((property) => property.name === name) }).toEqual({
				name,
				shown: fields.some((field) => parameterOf(field) === name),
			});
		}
	});

	test('has a Model selector offering this model', () => {
		const selectors = shown.filter((property) => property.name === 'model');
		expect(selectors).toHaveLength(1);
		expect(optionValues(selectors[0])).toContain(id);
	});

	test("shows this model's ranges and defaults", () => {
		expectRangesAndDefaults(1, fields, properties);
		expectMediaDefaults(fields, properties);
	});
});

test('version 1 offers each operation exactly its models, always with a Model selector (Expand too)', () => {
	const operation = DESCRIPTIONS[1].properties.find((property) => property.name === 'operation');
	expect(withoutCustomCall(optionValues(operation)).sort()).toEqual(Object.keys(V1_MODELS).sort());
	for (const [name, ids] of Object.entries(V1_MODELS)) {
		const selectors = visible(1, { operation: name }).filter(
			(property) => property.name === 'model',
		);
		expect({ name, selectors: selectors.length }).toEqual({ name, selectors: 1 });
		expect({ name, models: optionValues(selectors[0]).sort() }).toEqual({
			name,
			models: [...ids].sort(),
		});
		expect(ids).toContain(selectors[0].default);
	}
});

test('every version-1 model is reachable, and no version-2-only model is', () => {
	const offered = new Set(
		DESCRIPTIONS[1].properties
			.filter((property) => property.name === 'model')
			.flatMap(optionValues),
	);
	expect([...offered].sort()).toEqual([...new Set(Object.values(V1_MODELS).flat())].sort());
});

test('safetyTolerance is 0–5 on FLUX.2 and 0–6 on FLUX.1, each shown only for its own models', () => {
	const tolerance = (id: string) =>
		(
			(visible(1, { operation: 'generate', model: id }).find(
				(property) => property.name === 'modelOptions',
			)?.options ?? []) as INodeProperties[]
		).find((option) => option.name === 'safetyTolerance')?.typeOptions?.maxValue;
	expect(tolerance('flux-2-pro')).toBe(5);
	expect(tolerance('flux-dev')).toBe(6);
});

// -------------------------------------------------------------------------------------------
// Version 1 compatibility with the description as released

interface OldProperty {
	name: string;
	type: string;
	default: unknown;
	displayOptions?: { show?: Record<string, unknown[]>; hide?: Record<string, unknown[]> };
	typeOptions?: Record<string, unknown>;
	required?: boolean;
	noDataExpression?: boolean;
	options?: Array<string | number | boolean | OldProperty>;
}

/** displayOptions with every value list sorted: the order of models in a condition does not matter. */
function conditions(displayOptions: unknown): string {
	const normalised: Record<string, Record<string, string[]>> = {};
	for (const [kind, rules] of Object.entries(
		(displayOptions ?? {}) as Record<string, Record<string, unknown[]>>,
	)) {
		normalised[kind] = {};
		for (const name of Object.keys(rules).sort())
			normalised[kind][name] = rules[name].map(String).sort();
	}
	return JSON.stringify(normalised);
}

/** What a saved workflow depends on (option values apart: see optionSet). */
function essentials(property: OldProperty | INodeProperties): Record<string, unknown> {
	return {
		name: property.name,
		type: property.type,
		default: property.default,
		typeOptions: property.typeOptions,
		required: property.required || undefined,
		noDataExpression: property.noDataExpression || undefined,
	};
}

/** The values of an options parameter, as a set: their order on the panel may change. */
function optionSet(property: OldProperty | INodeProperties): string[] {
	return ((property.options ?? []) as unknown[])
		.map((option) =>
			String(
				typeof option === 'object' && option !== null
					? (option as { value: unknown }).value
					: option,
			),
		)
		.sort();
}

function isCollection(property: OldProperty | INodeProperties): boolean {
	return property.type === 'collection' || property.type === 'fixedCollection';
}

/**
 * The same parameter, as a saved workflow sees it: same essentials and, for options, every value it
 * had (new values, such as n8n's Custom API Call, may be added).
 */
function keeps(current: OldProperty | INodeProperties, old: OldProperty): boolean {
	if (JSON.stringify(essentials(current)) !== JSON.stringify(essentials(old))) return false;
	if (isCollection(old) || old.options === undefined) return true;
	const values = new Set(optionSet(current));
	return optionSet(old).every((value) => values.has(value));
}

const OLD = head as unknown as {
	name: string;
	version: number;
	properties: OldProperty[];
} & Record<string, unknown>;
const oldCases = OLD.properties.map(
	(property, index) => [`${index} ${property.name}`, property] as const,
);

describe.each(oldCases)('version 1 keeps the released parameter %s', (_label, old) => {
	const matches = DESCRIPTIONS[1].properties.filter(
		(property) =>
			property.name === old.name &&
			conditions(property.displayOptions) === conditions(old.displayOptions),
	);

	test('with the same name, type, default, option values and display conditions', () => {
		expect(matches.map(essentials)).toContainEqual(essentials(old));
		if (!isCollection(old) && old.options !== undefined) {
			const match = matches.find(
				(candidate) => JSON.stringify(essentials(candidate)) === JSON.stringify(essentials(old)),
			);
			expect(optionSet(match ?? ({} as INodeProperties))).toEqual(
				expect.arrayContaining(optionSet(old)),
			);
		}
	});

	if (isCollection(old)) {
		test('with every option it had, unchanged', () => {
			const children = (old.options ?? []) as OldProperty[];
			const candidates = matches.map((match) => (match.options ?? []) as INodeProperties[]);
			// The new collection with the same conditions holds every child as it was.
			const found = candidates.some((options) =>
				children.every((child) => options.some((option) => keeps(option, child))),
			);
			if (!found) {
				const options = candidates[0] ?? [];
				for (const child of children) {
					expect({
						child: child.name,
						kept: options.some((option) => keeps(option, child)),
						now: options.filter((option) => option.name === child.name).map(essentials),
					}).toEqual({
						child: child.name,
						kept: true,
						now: [essentials(child)],
					});
				}
			}
			expect(found).toBe(true);
		});
	}
});

test('version 1 keeps the released node name, version, credentials, inputs and outputs', () => {
	const description = DESCRIPTIONS[1];
	expect({
		name: description.name,
		version: description.version,
		defaults: description.defaults,
		inputs: description.inputs,
		outputs: description.outputs,
		credentials: description.credentials,
	}).toEqual({
		name: OLD.name,
		version: OLD.version,
		defaults: OLD.defaults,
		inputs: OLD.inputs,
		outputs: OLD.outputs,
		credentials: OLD.credentials,
	});
});

// -------------------------------------------------------------------------------------------
// Version 2: Resource → Operation → Model

const v2Cases = Object.entries(V2_MODELS).flatMap(([key, ids]) =>
	ids.map((id) => [key, id] as const),
);

describe.each(v2Cases)('version 2: %s with %s', (key, id) => {
	const [resource, operation] = key.split(':') as [string, Operation];
	const spec = model(id);
	const several = V2_MODELS[key].length > 1;
	const fields = fieldsFor(spec, operation).filter(
		(field) => !['webhook_url', 'webhook_secret'].includes(field.api),
	);
	const shown = visible(2, { resource, operation, ...(several ? { model: id } : {}) });
	const properties = fieldProperties(shown);

	test('shows exactly the fields of this model except the webhook fields, each once', () => {
		expect(properties.map((property) => property.name).sort()).toEqual(
			fields.map(parameterOf).sort(),
		);
		expect(shown.filter((property) => property.name === 'modelOptions').length).toBeLessThanOrEqual(
			1,
		);
		expect(properties.filter((property) => WEBHOOK_PARAMETERS.includes(property.name))).toEqual([]);
	});

	test(
		several ? 'has a Model selector offering this model' : 'has no Model selector (one model)',
		() => {
			const selectors = shown.filter((property) => property.name === 'model');
			expect(selectors).toHaveLength(several ? 1 : 0);
			if (several) expect(optionValues(selectors[0])).toContain(id);
		},
	);

	if (!several) {
		test('shows the same fields when a model value from another operation lingers', () => {
			const stale = fieldProperties(visible(2, { resource, operation, model: 'flux-2-pro' }));
			expect(stale.map((property) => property.name).sort()).toEqual(fields.map(parameterOf).sort());
		});
	}

	test("shows this model's ranges and defaults", () => {
		expectRangesAndDefaults(2, fields, properties);
		expectMediaDefaults(fields, properties);
	});

	test('shows the finetune host only for FLUX.1 finetunes', () => {
		expect(shown.some((property) => property.name === 'finetuneRegion')).toBe(
			Boolean(spec.finetuneHost),
		);
	});

	test('says under FLUX.2 width and height that 0 means automatic', () => {
		for (const field of fields.filter(
			(candidate) =>
				candidate.kind === 'integer' &&
				candidate.zeroMeansAuto &&
				['width', 'height'].includes(candidate.api),
		)) {
			const property = properties.find((candidate) => candidate.name === parameterOf(field));
			expect({ name: field.api, hint: property?.hint }).toEqual({
				name: field.api,
				hint: expect.stringMatching(/0\b.*automatic/i),
			});
		}
	});
});

describe('version 2', () => {
	const description = DESCRIPTIONS[2];

	test('has the resources image, video, task, account and finetune', () => {
		const resource = description.properties.find((property) => property.name === 'resource');
		expect(withoutCustomCall(optionValues(resource))).toEqual([
			'account',
			'finetune',
			'image',
			'task',
			'video',
		]);
		expect(optionNames(resource)).toEqual([
			'Account',
			'Finetune',
			'Image',
			'Task',
			'Video',
			'Custom API Call',
		]);
		expect(resource?.noDataExpression).toBe(true);
	});

	test('offers each operation exactly its models, with a Model selector only where there is a choice', () => {
		for (const [key, ids] of Object.entries(V2_MODELS)) {
			const [resource, operation] = key.split(':');
			const selectors = visible(2, { resource, operation }).filter(
				(property) => property.name === 'model',
			);
			expect({ key, selectors: selectors.length }).toEqual({
				key,
				selectors: ids.length > 1 ? 1 : 0,
			});
			if (ids.length > 1) {
				expect({ key, models: optionValues(selectors[0]).sort() }).toEqual({
					key,
					models: [...ids].sort(),
				});
				expect(ids).toContain(selectors[0].default);
			}
		}
		const operations = (resource: string) =>
			withoutCustomCall(
				optionValues(visible(2, { resource }).find((property) => property.name === 'operation')),
			);
		for (const resource of ['image', 'video']) {
			const expected = Object.keys(V2_MODELS)
				.filter((key) => key.startsWith(`${resource}:`))
				.map((key) => key.split(':')[1]);
			expect(operations(resource).sort()).toEqual(expected.sort());
		}
		expect(operations('task')).toEqual(['getResult']);
		expect(operations('account')).toEqual(['getCredits']);
		expect(operations('finetune').sort()).toEqual(['get', 'list']);
	});

	test('every model of version 2 is reachable', () => {
		const offered = new Set(Object.values(V2_MODELS).flat());
		const v2Models = [...MODELS_BY_ID.values()]
			.filter((spec) => spec.versions.includes(2))
			.map((spec) => spec.id);
		expect([...offered].sort()).toEqual(v2Models.sort());
		expect(offered.has('flux-pro-1.0-canny')).toBe(false);
		expect(offered.has('flux-pro-1.0-depth')).toBe(false);
	});

	test('lists the actions the node picker shows', () => {
		const actions = description.properties
			.filter((property) => property.name === 'operation')
			.flatMap((property) => (property.options ?? []) as INodePropertyOptions[])
			.map((option) => option.action);
		expect(actions).toEqual(
			expect.arrayContaining(['Erase an object', 'Try on a garment', 'Generate a video']),
		);
		expect(actions.every((action) => typeof action === 'string' && action.length > 0)).toBe(true);
	});

	test('has no webhook URL or secret field anywhere: Wait for Result off and the FLUX Trigger URL set them', () => {
		const names = description.properties.flatMap((property) => [
			property.name,
			...((property.options ?? []) as INodeProperties[]).map((option) =>
				typeof option === 'object' ? option.name : '',
			),
		]);
		expect(names.filter((name) => WEBHOOK_PARAMETERS.includes(name))).toEqual([]);
		const waiting = visible(2, { resource: 'image', operation: 'erase' }).map(
			(property) => property.name,
		);
		expect(waiting).toContain('waitForResult');
		expect(waiting).not.toContain('triggerUrl');
		expect(
			visible(2, { resource: 'image', operation: 'erase', waitForResult: false }).map(
				(property) => property.name,
			),
		).toContain('triggerUrl');
		expect(
			visible(2, { resource: 'video', operation: 'upscale', waitForResult: false }).map(
				(property) => property.name,
			),
		).toContain('triggerUrl');
	});

	test('picks a finetune from a list filled by searchFinetunes, or by ID', () => {
		const shown = visible(2, { resource: 'finetune', operation: 'get' });
		const locator = shown.find((property) => property.name === 'finetuneId');
		expect(locator?.type).toBe('resourceLocator');
		const list = locator?.modes?.find((mode) => mode.name === 'list');
		expect(list?.type).toBe('list');
		expect(list?.typeOptions?.searchListMethod).toBe('searchFinetunes');
		expect(locator?.modes?.some((mode) => mode.name === 'id')).toBe(true);
		const methods = (flux.getNodeType(2) as { methods?: { listSearch?: Record<string, unknown> } })
			.methods;
		expect(typeof methods?.listSearch?.searchFinetunes).toBe('function');
		expect(shown.some((property) => property.name === 'finetuneRegion')).toBe(true);
	});

	test('task and account resources show no model fields', () => {
		expect(
			fieldProperties(visible(2, { resource: 'task', operation: 'getResult' })).map(
				(property) => property.name,
			),
		).toEqual(['task']);
		expect(fieldProperties(visible(2, { resource: 'account', operation: 'getCredits' }))).toEqual(
			[],
		);
	});
});

describe('version 2: Size presets beside width and height', () => {
	const names = (shown: INodeProperties[]) => shown.map((property) => property.name);
	const sizeOf = (shown: INodeProperties[]) => shown.find((property) => property.name === 'size');

	test('FLUX.2 offers every preset; width and height show while Size is Custom', () => {
		const custom = visible(2, { resource: 'image', operation: 'generate', model: 'flux-2-pro' });
		expect(names(custom)).toEqual(expect.arrayContaining(['size', 'width', 'height']));
		expect(names(custom).indexOf('size')).toBeLessThan(names(custom).indexOf('width'));
		expect(optionValues(sizeOf(custom)).sort()).toEqual(
			['custom', ...SIZE_PRESETS.map((preset) => preset.value)].sort(),
		);
		const story = visible(2, {
			resource: 'image',
			operation: 'generate',
			model: 'flux-2-pro',
			size: 'story-2mp',
		});
		expect(names(story)).not.toContain('width');
		expect(names(story)).not.toContain('height');
	});

	test('FLUX1.1 [pro] (256 to 1440 px) offers only the presets it can make', () => {
		const shown = visible(2, { resource: 'image', operation: 'generate', model: 'flux-pro-1.1' });
		expect(optionValues(sizeOf(shown)).sort()).toEqual(
			['custom', 'landscape-1mp', 'portrait-1mp', 'square-1mp', 'square-2mp', 'story-1mp'].sort(),
		);
	});

	test('models sized by aspect ratio or a required canvas have no Size, and version 1 has none', () => {
		expect(
			sizeOf(visible(2, { resource: 'image', operation: 'generate', model: 'flux-pro-1.1-ultra' })),
		).toBeUndefined();
		expect(
			sizeOf(visible(2, { resource: 'image', operation: 'expand', model: 'outpainting-v1' })),
		).toBeUndefined();
		expect(DESCRIPTIONS[1].properties.some((property) => property.name === 'size')).toBe(false);
	});
});
