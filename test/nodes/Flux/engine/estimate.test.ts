/**
 * Estimate Only: every item priced from the model table and validated as for a real run, with
 * nothing sent to BFL (the network is closed: any request would fail the test). Then, against the
 * emulator (real HTTP over loopback; needs `npm run build`), how close each estimate comes to what
 * the emulator charges for the same request.
 */
import nock from 'nock';
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { MODELS_BY_ID, type ModelSpec } from '../../../../nodes/Flux/models';
import { startEmulator } from '../../../../emulator/server';
import { renderVideo } from '../../../../emulator/video';
import { makeImage } from '../../../support/fixtures';
import { useFastPolls } from '../../../support/fastPolls';
import { imageItem, runFlux } from '../../../support/harness';

useFastPolls();

const MP = 1024 * 1024;
const price = (id: string, input: Parameters<ModelSpec['price']>[0]) =>
	(MODELS_BY_ID.get(id) as ModelSpec).price(input);
const prompts = (...texts: string[]): INodeExecutionData[] =>
	texts.map((prompt) => ({ json: { prompt } }));
const klein: INodeParameters = {
	resource: 'image',
	operation: 'generate',
	model: 'flux-2-klein-4b',
	prompt: '={{ $json.prompt }}',
	width: 1024,
	height: 768,
};

describe('with the network closed', () => {
	beforeAll(() => nock.disableNetConnect());
	afterEach(() => nock.cleanAll());
	afterAll(() => nock.enableNetConnect());

	test('two items, two images each: four priced items paired to their inputs, and the total on each', async () => {
		const out = await runFlux({
			version: 2,
			parameters: { ...klein, options: { estimateOnly: true, numberOfImages: 2 } },
			items: prompts('a fox', 'a crow'),
		});
		const each = price('flux-2-klein-4b', { body: {}, outputMp: (1024 * 768) / MP, inputMp: 0 });
		expect(out.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 0 },
			{ item: 1 },
			{ item: 1 },
		]);
		expect(out.map((item) => item.json.imageIndex)).toEqual([0, 1, 0, 1]);
		for (const item of out) {
			expect(item.json).toMatchObject({
				estimateOnly: true,
				model: 'flux-2-klein-4b',
				operation: 'generate',
				expectedCredits: each,
				width: 1024,
				height: 768,
			});
			expect(item.json.expectedUsd).toBeCloseTo(each / 100, 6);
			expect(item.json.totalExpectedCredits).toBeCloseTo(4 * each, 6);
			expect(item.json.taskId).toBeUndefined();
			expect(item.binary).toBeUndefined();
		}
	});

	test('an edit counts its input image as the spend cap does: its real size, read from the binary', async () => {
		const photo = await makeImage('png', 1024, 512);
		const out = await runFlux({
			version: 2,
			parameters: {
				resource: 'image',
				operation: 'edit',
				model: 'flux-2-pro',
				prompt: 'make it dusk',
				inputImage: 'photo',
				options: { estimateOnly: true },
			},
			items: [await imageItem(photo, 'photo')],
		});
		// No width or height: the output keeps the first input's size.
		const expected = price('flux-2-pro', { body: {}, outputMp: 0.5, inputMp: 0.5 });
		expect(out[0].json.expectedCredits).toBeCloseTo(expected, 6);
		expect(out[0].json.assumptions).toBeUndefined();
	});

	test('an input BFL fetches itself is of unknown size: counted at the most it can cost, and the item says so', async () => {
		const out = await runFlux({
			version: 2,
			parameters: {
				resource: 'image',
				operation: 'edit',
				model: 'flux-2-pro',
				prompt: 'make it dusk',
				inputImage: 'https://images.example.com/photo.png',
				options: { estimateOnly: true },
			},
		});
		expect(out[0].json.expectedCredits).toBeCloseTo(
			price('flux-2-pro', { body: {}, outputMp: 4, inputMp: 4 }),
			6,
		);
		expect(String((out[0].json.assumptions as string[])[0])).toMatch(
			/1 input\(s\) BFL fetches itself.*4 MP/,
		);
	});

	test('bad input is refused as in a real run, naming the field and its range', async () => {
		await expect(
			runFlux({
				version: 2,
				parameters: { ...klein, width: 40, options: { estimateOnly: true } },
				items: prompts('a fox'),
			}),
		).rejects.toThrow(/Width \(width\)/);
	});

	test('with continue-on-fail, a bad item becomes its error item and the others are priced; the total counts only those', async () => {
		const out = await runFlux({
			version: 2,
			parameters: { ...klein, width: '={{ $json.width }}', options: { estimateOnly: true } },
			items: [
				{ json: { prompt: 'a', width: 1024 } },
				{ json: { prompt: 'b', width: 40 } },
				{ json: { prompt: 'c', width: 1024 } },
			],
			continueOnFail: true,
		});
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[1].json.error).toMatch(/Width \(width\)/);
		const each = Number(out[0].json.expectedCredits);
		expect(out[2].json.totalExpectedCredits).toBeCloseTo(2 * each, 6);
	});

	test('with a spend cap, each item says whether the whole run stays within it', async () => {
		const each = price('flux-2-klein-4b', { body: {}, outputMp: (1024 * 768) / MP, inputMp: 0 });
		const within = await runFlux({
			version: 2,
			parameters: { ...klein, options: { estimateOnly: true, maxCredits: 2 * each } },
			items: prompts('a', 'b'),
		});
		expect(within[0].json.withinMaxCredits).toBe(true);
		const over = await runFlux({
			version: 2,
			parameters: { ...klein, options: { estimateOnly: true, maxCredits: 1.5 * each } },
			items: prompts('a', 'b'),
		});
		expect(over.map((item) => item.json.withinMaxCredits)).toEqual([false, false]);
	});

	test('a price BFL does not publish is flagged with where it comes from', async () => {
		const photo = await makeImage('png', 256, 256);
		const out = await runFlux({
			version: 2,
			parameters: {
				resource: 'image',
				operation: 'erase',
				image: 'photo',
				mask: 'photo',
				options: { estimateOnly: true },
			},
			items: [await imageItem(photo, 'photo')],
		});
		expect(out[0].json.priceNote).toMatch(/third-party/);
	});

	test('as an AI agent tool: the price and a plain note that nothing was made or paid', async () => {
		const out = await runFlux({
			version: 2,
			tool: true,
			parameters: { ...klein, prompt: 'a fox', options: { estimateOnly: true } },
		});
		expect(out[0].json).toMatchObject({
			model: 'flux-2-klein-4b',
			expectedCredits: expect.any(Number),
			note: expect.stringMatching(/nothing was generated and nothing was paid/),
		});
		expect(out[0].json.imageUrl).toBeUndefined();
	});
});

describe('against the emulator: the estimate and what was charged', () => {
	type Emulator = Awaited<ReturnType<typeof startEmulator>>;
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startEmulator({
			generationMs: 50,
			videoGenerationMs: 100,
			videoRenderSize: 96,
		});
	});
	afterAll(async () => await emulator.close());

	const cases: Array<[string, INodeParameters, 'known' | 'upper bound']> = [
		['FLUX.2 [klein] 4B, 1024 × 768', klein, 'known'],
		[
			'FLUX.2 [pro], a Story (1080 × 1920 made as 1088 × 1920)',
			{ ...klein, model: 'flux-2-pro', width: 1080, height: 1920 },
			'known',
		],
		[
			'FLUX.2 [pro] edit of a 1024 × 512 binary',
			{
				resource: 'image',
				operation: 'edit',
				model: 'flux-2-pro',
				prompt: 'dusk',
				inputImage: 'photo',
			},
			'known',
		],
		[
			'FLUX1.1 [pro]',
			{
				resource: 'image',
				operation: 'generate',
				model: 'flux-pro-1.1',
				prompt: 'a',
				width: 512,
				height: 512,
			},
			'known',
		],
		[
			'FLUX 3 Image, 2k',
			{
				resource: 'image',
				operation: 'generate',
				model: 'flux-3-image',
				prompt: 'a',
				resolution: '2k',
			},
			'known',
		],
		[
			'FLUX Erase of a 1024 × 512 binary',
			{ resource: 'image', operation: 'erase', image: 'photo', mask: 'photo' },
			'known',
		],
		[
			'FLUX Video Edit of a 2 s clip',
			{
				resource: 'video',
				operation: 'edit',
				model: 'video-edit-v1',
				prompt: 'snow',
				video: 'clip',
			},
			'known',
		],
		// BFL picks the length: the estimate counts the longest the model makes.
		[
			'FLUX 3 Video with no duration given',
			{ resource: 'video', operation: 'generate', model: 'flux-3-video', prompt: 'waves' },
			'upper bound',
		],
	];

	test.each(cases)('%s: the estimate against the charge', async (_, parameters, sizes) => {
		const photo = await makeImage('png', 1024, 512);
		const clip = renderVideo({ width: 160, height: 96, seconds: 2 });
		const binary = {
			photo: { data: photo.toString('base64'), mimeType: 'image/png' },
			clip: { data: clip.toString('base64'), mimeType: 'video/mp4' },
		};
		const items = [{ json: { prompt: 'a harbour' }, binary }];
		const credentials = {
			apiKey: 'bfl_emulator_placeholder',
			region: 'custom',
			baseUrl: emulator.apiBase,
		};
		const before = (emulator.ledger as unknown[]).length;
		const [estimate] = await runFlux({
			version: 2,
			parameters: { ...parameters, options: { estimateOnly: true } },
			items,
			credentials,
		});
		expect((emulator.ledger as unknown[]).length).toBe(before);
		const [made] = await runFlux({
			version: 2,
			parameters: { ...parameters, options: { download: false } },
			items,
			credentials,
		});
		expect((emulator.ledger as unknown[]).length).toBeGreaterThan(before);
		expect(typeof made.json.cost).toBe('number');
		if (sizes === 'known')
			expect(estimate.json.expectedCredits).toBeCloseTo(Number(made.json.cost), 6);
		else {
			expect(Number(estimate.json.expectedCredits)).toBeGreaterThan(Number(made.json.cost));
			expect(estimate.json.assumptions).toEqual([expect.stringMatching(/no duration given/)]);
		}
	});
});
