/**
 * Sizes people type: inside the model's range a width or height goes to the nearest point of its
 * grid (FLUX.2: 16, FLUX.1: 32) and the item says what was asked; outside the range it is refused
 * before anything is paid; Size presets fill in both. Real ExecuteContext, BFL on nock.
 */
import nock from 'nock';
import type { INodeParameters } from 'n8n-workflow';

import {
	onGrid,
	sizeOnGrid,
	MODELS_BY_ID,
	type ModelSpec,
	type NumberField,
} from '../../../../nodes/Flux/models';
import { fakeBfl } from '../../../support/fakeBfl';
import { useFastPolls } from '../../../support/fastPolls';
import { API, runFlux } from '../../../support/harness';

useFastPolls();

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const generate = (model: string, extra: INodeParameters): INodeParameters => ({
	resource: 'image',
	operation: 'generate',
	model,
	prompt: 'a harbour',
	...extra,
});

async function refusal(parameters: INodeParameters): Promise<Error> {
	const submit = nock(API).post(/.*/).reply(200, { id: 'never' });
	const error = await runFlux({ version: 2, parameters }).then(
		() => new Error('expected a refusal'),
		(caught: Error) => caught,
	);
	expect(submit.isDone()).toBe(false);
	return error;
}

test('1080 × 1920 on FLUX.2 [pro] (a Story) is made as 1088 × 1920, and the item says what was asked', async () => {
	const submits = await fakeBfl('flux-2-pro');
	const [item] = await runFlux({
		version: 2,
		parameters: generate('flux-2-pro', { width: 1080, height: 1920 }),
	});
	expect(submits[0].body).toMatchObject({ width: 1088, height: 1920 });
	expect(item.json).toMatchObject({ requestedWidth: 1080, requestedHeight: 1920 });
});

test('a size already on the grid is sent as typed, and the item carries no requested size', async () => {
	const submits = await fakeBfl('flux-2-pro');
	const [item] = await runFlux({
		version: 2,
		parameters: generate('flux-2-pro', { width: 1024, height: 768 }),
	});
	expect(submits[0].body).toMatchObject({ width: 1024, height: 768 });
	expect(item.json.requestedWidth).toBeUndefined();
});

test('FLUX1.1 [pro] rounds to multiples of 32: 1000 × 700 → 992 × 704', async () => {
	const submits = await fakeBfl('flux-pro-1.1');
	await runFlux({ version: 2, parameters: generate('flux-pro-1.1', { width: 1000, height: 700 }) });
	expect(submits[0].body).toMatchObject({ width: 992, height: 704 });
});

test('sizes outside the range are refused before anything is sent, naming the field and its range', async () => {
	const wide = await refusal(generate('flux-pro-1.1', { width: 1450, height: 768 }));
	expect(wide.message).toMatch(
		/Width \(width\) must be a whole number 256 to 1440, a multiple of 32; got 1450/,
	);
	const narrow = await refusal(generate('flux-2-pro', { width: 40, height: 768 }));
	expect(narrow.message).toMatch(
		/Width \(width\) must be a whole number at least 64, a multiple of 16.*got 40/,
	);
	const huge = await refusal(generate('flux-2-pro', { width: 2400, height: 2400 }));
	expect(huge.message).toMatch(/× height must be at most 4,194,304 pixels/);
});

test('rounding never takes a size inside the pixel limit past it: both sides go down instead', () => {
	const pro = MODELS_BY_ID.get('flux-2-pro') as ModelSpec;
	expect(2040 * 2056).toBeLessThanOrEqual(pro.maxPixels as number);
	expect(sizeOnGrid(pro, 2040, 2056)).toEqual({ width: 2032, height: 2048 });
	const width = pro.fields.find((field) => field.api === 'width') as NumberField;
	expect(onGrid(width, 0)).toBe(0); // automatic stays automatic
	expect(onGrid(width, 63)).toBe(63); // below the range: left for validation to refuse
	expect(onGrid(width, 72)).toBe(80); // halfway rounds up
});

test('a Size preset fills in width and height; a preset the model cannot make is refused', async () => {
	const submits = await fakeBfl('flux-2-pro');
	await runFlux({
		version: 2,
		parameters: generate('flux-2-pro', { size: 'story-2mp', width: 10, height: 10 }),
	});
	expect(submits[0].body).toMatchObject({ width: 1088, height: 1920 });
	const error = await refusal(generate('flux-pro-1.1', { size: 'portrait-2mp' }));
	expect(error.message).toMatch(
		/Size \(size\) must be one of custom, .* for FLUX1\.1 \[pro\]; got "portrait-2mp"/,
	);
});
