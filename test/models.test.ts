/**
 * The model table against the reference (../shared/bfl-api.md §2), transcribed here a second
 * time and independently: a typo in either transcription shows up as a mismatch.
 */
import {
	MODELS,
	MODELS_BY_ENDPOINT,
	referenceImageCount,
	type FieldSpec,
	type NumberField,
} from '../nodes/Flux/models';

type Range = [min: number, max: number | undefined, defaultValue: number, multipleOf?: number];

interface Expected {
	section: string;
	fields: string[];
	required: string[];
	numbers: Record<string, Range>;
	booleans: Record<string, boolean>;
	formats: string[];
	defaultFormat: string;
	references: number;
	activeTaskLimit: number;
}

const WEBHOOK = ['webhook_url', 'webhook_secret'];
const REFS8 = ['input_image', ...[2, 3, 4, 5, 6, 7, 8].map((n) => `input_image_${n}`)];
const REFS4 = REFS8.slice(0, 4);
const FLUX2_SIZE: Record<string, Range> = { width: [64, undefined, 0, 16], height: [64, undefined, 0, 16] };
const FLUX1_SIZE: Record<string, Range> = { width: [256, 1440, 1024, 32], height: [256, 1440, 768, 32] };
const SEED: Record<string, Range> = { seed: [0, 4294967295, 0] };

function flux2(section: string): Expected {
	return {
		section,
		fields: ['prompt', ...REFS8, 'width', 'height', 'seed', 'disable_pup', 'safety_tolerance', 'output_format', ...WEBHOOK],
		required: ['prompt', 'input_image'],
		numbers: { ...FLUX2_SIZE, ...SEED, safety_tolerance: [0, 5, 2] },
		booleans: { disable_pup: false },
		formats: ['jpeg', 'png', 'webp'],
		defaultFormat: 'jpeg',
		references: 8,
		activeTaskLimit: 24,
	};
}

function klein(): Expected {
	return {
		section: '§2.3',
		fields: ['prompt', ...REFS4, 'width', 'height', 'seed', 'safety_tolerance', 'output_format', ...WEBHOOK],
		required: ['prompt', 'input_image'],
		numbers: { ...FLUX2_SIZE, ...SEED, safety_tolerance: [0, 5, 2] },
		booleans: {},
		formats: ['jpeg', 'png', 'webp'],
		defaultFormat: 'jpeg',
		references: 4,
		activeTaskLimit: 24,
	};
}

function kontext(activeTaskLimit: number): Expected {
	return {
		section: '§2.5',
		fields: ['prompt', ...REFS4, 'aspect_ratio', 'seed', 'prompt_upsampling', 'safety_tolerance', 'output_format', ...WEBHOOK],
		required: ['prompt', 'input_image'],
		numbers: { ...SEED, safety_tolerance: [0, 6, 2] },
		booleans: { prompt_upsampling: false },
		formats: ['jpeg', 'png'],
		defaultFormat: 'png',
		references: 4,
		activeTaskLimit,
	};
}

const ULTRA_FIELDS = ['prompt', 'aspect_ratio', 'image_prompt', 'image_prompt_strength', 'prompt_upsampling', 'seed', 'safety_tolerance', 'output_format', ...WEBHOOK];

function fill(extra: Partial<Expected>): Expected {
	return {
		section: '§2.10',
		fields: ['image', 'mask', 'prompt', 'steps', 'guidance', 'prompt_upsampling', 'seed', 'safety_tolerance', 'output_format', ...WEBHOOK],
		required: ['image'],
		numbers: { ...SEED, steps: [15, 50, 50], guidance: [1.5, 100, 60], safety_tolerance: [0, 6, 2] },
		booleans: { prompt_upsampling: false },
		formats: ['jpeg', 'png'],
		defaultFormat: 'jpeg',
		references: 0,
		activeTaskLimit: 24,
		...extra,
	};
}

function control(section: string, guidanceDefault: number, extraFields: string[], extraNumbers: Record<string, Range>): Expected {
	return {
		section,
		fields: ['prompt', 'control_image', 'preprocessed_image', ...extraFields, 'steps', 'guidance', 'prompt_upsampling', 'seed', 'safety_tolerance', 'output_format', ...WEBHOOK],
		required: ['prompt'],
		numbers: { ...SEED, ...extraNumbers, steps: [15, 50, 50], guidance: [1, 100, guidanceDefault], safety_tolerance: [0, 6, 2] },
		booleans: { prompt_upsampling: false },
		formats: ['jpeg', 'png'],
		defaultFormat: 'jpeg',
		references: 0,
		activeTaskLimit: 24,
	};
}

const EXPECTED: Record<string, Expected> = {
	'flux-2-max': flux2('§2.1'),
	'flux-2-pro-preview': flux2('§2.1'),
	'flux-2-pro': flux2('§2.1'),
	'flux-2-flex': {
		...flux2('§2.2'),
		fields: ['prompt', ...REFS8, 'width', 'height', 'prompt_upsampling', 'steps', 'guidance', 'seed', 'safety_tolerance', 'output_format', ...WEBHOOK],
		numbers: { ...FLUX2_SIZE, ...SEED, steps: [1, 50, 50], guidance: [1.5, 10, 5], safety_tolerance: [0, 5, 2] },
		booleans: { prompt_upsampling: true },
	},
	'flux-2-klein-4b': klein(),
	'flux-2-klein-9b-preview': klein(),
	'flux-2-klein-9b': klein(),
	'flux-kontext-max': kontext(6),
	'flux-kontext-pro': kontext(24),
	'flux-pro-1.1-ultra': {
		section: '§2.6',
		fields: [...ULTRA_FIELDS, 'raw'],
		required: [],
		numbers: { ...SEED, image_prompt_strength: [0, 1, 0.1], safety_tolerance: [0, 6, 2] },
		booleans: { raw: false, prompt_upsampling: false },
		formats: ['jpeg', 'png'],
		defaultFormat: 'jpeg',
		references: 0,
		activeTaskLimit: 24,
	},
	'flux-pro-1.1': {
		section: '§2.7',
		fields: ['prompt', 'image_prompt', 'width', 'height', 'prompt_upsampling', 'seed', 'safety_tolerance', 'output_format', ...WEBHOOK],
		required: [],
		numbers: { ...FLUX1_SIZE, ...SEED, safety_tolerance: [0, 6, 2] },
		booleans: { prompt_upsampling: false },
		formats: ['jpeg', 'png'],
		defaultFormat: 'jpeg',
		references: 0,
		activeTaskLimit: 24,
	},
	'flux-pro': {
		section: '§2.8',
		fields: ['prompt', 'image_prompt', 'width', 'height', 'steps', 'guidance', 'interval', 'prompt_upsampling', 'seed', 'safety_tolerance', 'output_format', ...WEBHOOK],
		required: [],
		numbers: { ...FLUX1_SIZE, ...SEED, steps: [1, 50, 40], guidance: [1.5, 5, 2.5], interval: [1, 4, 2], safety_tolerance: [0, 6, 2] },
		booleans: { prompt_upsampling: false },
		formats: ['jpeg', 'png'],
		defaultFormat: 'jpeg',
		references: 0,
		activeTaskLimit: 24,
	},
	'flux-dev': {
		section: '§2.9',
		fields: ['prompt', 'image_prompt', 'width', 'height', 'steps', 'guidance', 'prompt_upsampling', 'seed', 'safety_tolerance', 'output_format', ...WEBHOOK],
		required: [],
		numbers: { ...FLUX1_SIZE, ...SEED, steps: [1, 50, 28], guidance: [1.5, 5, 3], safety_tolerance: [0, 6, 2] },
		booleans: { prompt_upsampling: false },
		formats: ['jpeg', 'png'],
		defaultFormat: 'jpeg',
		references: 0,
		activeTaskLimit: 24,
	},
	'flux-pro-1.0-fill': fill({}),
	'flux-pro-1.0-expand': {
		...fill({ section: '§2.11' }),
		fields: ['image', 'top', 'bottom', 'left', 'right', 'prompt', 'steps', 'guidance', 'prompt_upsampling', 'seed', 'safety_tolerance', 'output_format', ...WEBHOOK],
		numbers: {
			...SEED,
			top: [0, 2048, 0],
			bottom: [0, 2048, 0],
			left: [0, 2048, 0],
			right: [0, 2048, 0],
			steps: [15, 50, 50],
			guidance: [1.5, 100, 60],
			safety_tolerance: [0, 6, 2],
		},
	},
	'flux-pro-1.0-canny': control('§2.12', 30, ['canny_low_threshold', 'canny_high_threshold'], {
		canny_low_threshold: [0, 500, 50],
		canny_high_threshold: [0, 500, 200],
	}),
	'flux-pro-1.0-depth': control('§2.13', 15, [], {}),
	'flux-pro-1.1-ultra-finetuned': {
		section: '§2.14',
		fields: ['finetune_id', 'finetune_strength', ...ULTRA_FIELDS],
		required: ['finetune_id'],
		numbers: { ...SEED, finetune_strength: [0, 2, 1.2], image_prompt_strength: [0, 1, 0.1], safety_tolerance: [0, 6, 2] },
		booleans: { prompt_upsampling: false },
		formats: ['jpeg', 'png'],
		defaultFormat: 'jpeg',
		references: 0,
		activeTaskLimit: 24,
	},
	'flux-pro-1.0-fill-finetuned': fill({
		section: '§2.14',
		fields: ['finetune_id', 'finetune_strength', 'image', 'mask', 'prompt', 'steps', 'guidance', 'prompt_upsampling', 'seed', 'safety_tolerance', 'output_format', ...WEBHOOK],
		required: ['finetune_id', 'image'],
		numbers: { ...SEED, finetune_strength: [0, 2, 1.1], steps: [15, 50, 50], guidance: [1.5, 100, 60], safety_tolerance: [0, 6, 2] },
	}),
};

function field(endpoint: string, api: string): FieldSpec {
	const found = MODELS_BY_ENDPOINT.get(endpoint)?.fields.find((candidate) => candidate.api === api);
	if (!found) throw new Error(`${endpoint} has no field ${api}`);
	return found;
}

test('the table offers exactly the endpoints of the reference, and no other', () => {
	expect(MODELS.map((model) => model.endpoint).sort()).toEqual(Object.keys(EXPECTED).sort());
	expect(MODELS_BY_ENDPOINT.size).toBe(MODELS.length);
});

describe.each(Object.entries(EXPECTED))('%s', (endpoint, expected) => {
	const model = MODELS_BY_ENDPOINT.get(endpoint)!;

	test(`has exactly the fields of ${expected.section}`, () => {
		expect(model.fields.map((candidate) => candidate.api).sort()).toEqual([...expected.fields].sort());
	});

	test('marks the required fields', () => {
		const required = model.fields.filter((candidate) => candidate.required).map((candidate) => candidate.api);
		expect(required.sort()).toEqual([...expected.required].sort());
	});

	test('has the reference ranges and defaults', () => {
		for (const [api, [min, max, defaultValue, multipleOf]] of Object.entries(expected.numbers)) {
			const spec = field(endpoint, api) as NumberField;
			expect({ api, min: spec.min, max: spec.max, default: spec.default, multipleOf: spec.multipleOf }).toEqual({
				api,
				min,
				max,
				default: defaultValue,
				multipleOf,
			});
		}
		for (const [api, defaultValue] of Object.entries(expected.booleans)) {
			expect({ api, default: field(endpoint, api).default }).toEqual({ api, default: defaultValue });
		}
	});

	test('offers the reference output formats', () => {
		const format = field(endpoint, 'output_format');
		expect(format.kind === 'options' && format.values).toEqual(expected.formats);
		expect(format.default).toBe(expected.defaultFormat);
	});

	test('has the reference image slots and active-task limit', () => {
		expect(referenceImageCount(model)).toBe(expected.references);
		expect(model.activeTaskLimit).toBe(expected.activeTaskLimit);
	});
});

test('canny and depth, and FLUX.1 [pro], are marked legacy; the current models are not', () => {
	const legacy = MODELS.filter((model) => model.legacy).map((model) => model.endpoint);
	expect(legacy.sort()).toEqual(['flux-pro', 'flux-pro-1.0-canny', 'flux-pro-1.0-depth']);
});

test('only FLUX.2 and Kontext reference images are passed to BFL as URLs', () => {
	const urlFields = MODELS.flatMap((model) =>
		model.fields.filter((candidate) => candidate.kind === 'image' && candidate.acceptsUrl).map((candidate) => candidate.api),
	);
	expect(new Set(urlFields)).toEqual(new Set(REFS8));
});
