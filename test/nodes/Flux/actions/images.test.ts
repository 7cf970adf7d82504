/**
 * Number of Images: N tasks per item, each its own output item paired to its input item, seeds
 * seed + n when a seed is set, each task counted by the spend cap and kept in the ledger for n8n's
 * retries. Real ExecuteContext, BFL on nock.
 */
import nock from 'nock';
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { fakeBfl } from '../../../support/fakeBfl';
import { useFastPolls } from '../../../support/fastPolls';
import { decode } from '../../../support/fixtures';
import { API, newExecution, runFlux } from '../../../support/harness';

useFastPolls();

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const klein: INodeParameters = {
	resource: 'image',
	operation: 'generate',
	model: 'flux-2-klein-4b',
	prompt: '={{ $json.prompt }}',
	width: 256,
	height: 256,
};
const items = (...prompts: string[]): INodeExecutionData[] =>
	prompts.map((prompt) => ({ json: { prompt } }));

test('three images for each of two items: six tasks, six output items in order, each paired to its item, seeds seed + n', async () => {
	const submits = await fakeBfl('flux-2-klein-4b');
	const out = await runFlux({
		version: 2,
		parameters: { ...klein, modelOptions: { seed: 7 }, options: { numberOfImages: 3 } },
		items: items('a fox', 'a crow'),
	});
	expect(submits.map((submit) => [submit.body.prompt, submit.body.seed]).sort()).toEqual([
		['a crow', 7],
		['a crow', 8],
		['a crow', 9],
		['a fox', 7],
		['a fox', 8],
		['a fox', 9],
	]);
	expect(out.map((item) => item.pairedItem)).toEqual([
		{ item: 0 },
		{ item: 0 },
		{ item: 0 },
		{ item: 1 },
		{ item: 1 },
		{ item: 1 },
	]);
	expect(out.map((item) => item.json.imageIndex)).toEqual([0, 1, 2, 0, 1, 2]);
	expect(new Set(out.map((item) => item.json.taskId)).size).toBe(6);
	const byTask = new Map(submits.map((submit, index) => [`t${index + 1}`, submit.body]));
	for (const item of out) {
		const sent = byTask.get(String(item.json.taskId));
		expect(sent?.prompt).toBe(
			items('a fox', 'a crow')[(item.pairedItem as { item: number }).item].json.prompt,
		);
		expect(sent?.seed).toBe(7 + Number(item.json.imageIndex));
		expect(await decode(Buffer.from(item.binary!.data.data, 'base64'))).toMatchObject({
			format: 'png',
		});
	}
});

test('without a seed, each image is left to BFL (no seed sent); one image per item is the default', async () => {
	const submits = await fakeBfl('flux-2-klein-4b');
	const twice = await runFlux({
		version: 2,
		parameters: { ...klein, options: { numberOfImages: 2 } },
		items: items('a pond'),
	});
	expect(twice).toHaveLength(2);
	expect(submits.every((submit) => !('seed' in submit.body))).toBe(true);
	const once = await runFlux({ version: 2, parameters: klein, items: items('a pond') });
	expect(once).toHaveLength(1);
	expect(once[0].json.imageIndex).toBeUndefined();
});

test.each([0, 9, 2.5])(
	'%s images is refused before anything is sent, naming the field and its range',
	async (count) => {
		const submit = nock(API).post(/.*/).reply(200, { id: 'never' });
		const error = await runFlux({
			version: 2,
			parameters: { ...klein, options: { numberOfImages: count } },
			items: items('a pond'),
		}).then(
			() => undefined,
			(caught: Error) => caught,
		);
		expect(error?.message).toBe(
			`Number of Images (numberOfImages) must be a whole number 1 to 8; got ${count}`,
		);
		expect(submit.isDone()).toBe(false);
	},
);

test('the spend cap counts each image: the one that would pass it is not started', async () => {
	const submits = await fakeBfl('flux-2-klein-4b', { cost: 1.4 });
	const out = await runFlux({
		version: 2,
		parameters: { ...klein, options: { numberOfImages: 3, maxCredits: 3, maxConcurrentTasks: 1 } },
		items: items('a pond'),
		continueOnFail: true,
	});
	expect(submits).toHaveLength(2);
	expect(out.map((item) => Boolean(item.binary?.data))).toEqual([true, true, false]);
	expect(out[2].json.error).toMatch(/Max Credits per Execution reached/);
	expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
});

test("n8n's Retry On Fail collects every image already paid for and pays only for the one that failed", async () => {
	const execution = newExecution();
	let submitted = 0;
	const broken = new Set(['t2']);
	nock(API)
		.persist()
		.post('/v1/flux-2-klein-4b')
		.reply(() => [
			200,
			{
				id: `t${++submitted}`,
				polling_url: `https://api.eu2.bfl.ai/v1/get_result?id=t${submitted}`,
				cost: 1.4,
			},
		]);
	nock('https://api.eu2.bfl.ai')
		.persist()
		.get('/v1/get_result')
		.query(true)
		.reply((uri) => {
			const id = new URL(uri, 'https://x').searchParams.get('id') as string;
			if (broken.has(id)) return [200, { id, status: 'Error', result: null }];
			return [
				200,
				{
					id,
					status: 'Ready',
					result: { sample: `https://delivery-eu1.bfl.ai/results/${id}.png`, seed: 1 },
				},
			];
		});
	nock('https://delivery-eu1.bfl.ai')
		.persist()
		.get(/\/results\//)
		.reply(200, Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'), {
			'content-type': 'image/png',
		});
	const run = () =>
		runFlux({
			version: 2,
			parameters: { ...klein, options: { numberOfImages: 3 } },
			items: items('a pond'),
			retryOnFail: true,
			execution,
		});
	await expect(run()).rejects.toThrow(/could not generate the image \(Error\)/);
	expect(submitted).toBe(3);
	broken.clear();
	const out = await run();
	expect(out).toHaveLength(3);
	// The two Ready tasks were collected; only the failed image was submitted again.
	expect(submitted).toBe(4);
});

test('videos ignore Number of Images (the option shows for images only)', async () => {
	const submits: unknown[] = [];
	nock(API)
		.post('/v1/flux-3-video')
		.reply((_, body) => {
			submits.push(body);
			return [402, { detail: 'stop here' }];
		});
	await runFlux({
		version: 2,
		parameters: {
			resource: 'video',
			operation: 'generate',
			prompt: 'waves',
			options: { numberOfImages: 3 },
		},
		continueOnFail: true,
	});
	expect(submits).toHaveLength(1);
});
