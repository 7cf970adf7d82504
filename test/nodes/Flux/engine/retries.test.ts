/**
 * n8n's Retry On Fail runs the node again within the same execution: same items, same node
 * context. Each test runs the node twice on one execution's data, as n8n does, and counts what BFL
 * was sent (nock): a task already paid for is collected, never submitted again.
 */
import nock from 'nock';
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { makeImage } from '../../../support/fixtures';
import { API, newExecution, runFlux, runFluxOutputs } from '../../../support/harness';
import { useFastPolls } from '../../../support/fastPolls';

useFastPolls();

const CLUSTER = 'https://api.eu2.bfl.ai';
const DELIVERY = 'https://delivery-eu1.bfl.ai';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

interface Fake {
	submits: string[];
	polls: Record<string, number>;
	downloads: Record<string, number>;
}

/**
 * A BFL stand-in for as many submits as come: each prompt gets a task; prompts containing
 * `moderate` end Request Moderated, `broken` end in Error, the others Ready with a real PNG.
 */
async function fakeBfl(model = 'flux-2-klein-4b'): Promise<Fake> {
	const fake: Fake = { submits: [], polls: {}, downloads: {} };
	const png = await makeImage('png', 40, 32);
	nock(API)
		.persist()
		.post(`/v1/${model}`)
		.reply((_, body) => {
			const prompt = String((body as { prompt?: string }).prompt);
			fake.submits.push(prompt);
			const id = `task-${fake.submits.length}-${prompt.replace(/\W+/g, '-')}`;
			return [200, { id, polling_url: `${CLUSTER}/v1/get_result?id=${id}`, cost: 1.4 }];
		});
	nock(CLUSTER)
		.persist()
		.get('/v1/get_result')
		.query(true)
		.reply((uri) => {
			const id = new URL(uri, CLUSTER).searchParams.get('id') as string;
			fake.polls[id] = (fake.polls[id] ?? 0) + 1;
			if (id.includes('moderate'))
				return [
					200,
					{
						id,
						status: 'Request Moderated',
						result: null,
						details: { 'Moderation Reasons': ['Emulated'] },
					},
				];
			if (id.includes('broken'))
				return [200, { id, status: 'Error', result: null, details: { reason: 'GPU fault' } }];
			return [
				200,
				{
					id,
					status: 'Ready',
					result: {
						sample: `${DELIVERY}/results/${id}/sample.png?se=2030-01-01T00%3A10%3A00Z`,
						seed: 7,
						prompt: id,
					},
				},
			];
		});
	nock(DELIVERY)
		.persist()
		.get(/\/results\/.*/)
		.reply((uri) => {
			const id = uri.split('/')[2];
			fake.downloads[id] = (fake.downloads[id] ?? 0) + 1;
			return [200, png, { 'content-type': 'image/png' }];
		});
	return fake;
}

const items = (...prompts: string[]): INodeExecutionData[] =>
	prompts.map((prompt) => ({ json: { prompt } }));

const parameters: INodeParameters = {
	resource: 'image',
	operation: 'generate',
	model: 'flux-2-klein-4b',
	prompt: '={{ $json.prompt }}',
	width: 256,
	height: 256,
};

async function failure(promise: Promise<unknown>): Promise<Error> {
	return await promise.then(
		() => {
			throw new Error('expected the node to fail');
		},
		(error: Error) => error,
	);
}

test('without continue-on-fail: the retry collects the three paid images and fails the moderated item again, without a new paid request', async () => {
	const fake = await fakeBfl();
	const execution = newExecution();
	const input = items('a lake', 'a moderate thing', 'a forest', 'a harbour');
	const run = () => runFlux({ version: 2, parameters, items: input, retryOnFail: true, execution });

	const first = await failure(run());
	expect(first.message).toMatch(/Request Moderated/);
	// The tasks in flight were not abandoned: all four were submitted once and followed to the end.
	expect(fake.submits.sort()).toEqual(['a forest', 'a harbour', 'a lake', 'a moderate thing']);

	const second = await failure(run());
	expect(second.message).toMatch(/Request Moderated/);
	expect(fake.submits).toHaveLength(4); // nothing paid twice
	// The paid images were collected again (downloaded), the moderated task not even polled again.
	const moderatedPolls = Object.entries(fake.polls).filter(([id]) => id.includes('moderate'));
	expect(moderatedPolls.map(([, count]) => count)).toEqual([1]);
});

test('with continue-on-fail, a retry (n8n re-runs when item 0 carries json.error) returns every good image without paying again', async () => {
	const fake = await fakeBfl();
	const execution = newExecution();
	const input = items('a moderate thing', 'a lake', 'a forest');
	const run = () =>
		runFlux({
			version: 2,
			parameters,
			items: input,
			retryOnFail: true,
			continueOnFail: true,
			execution,
		});

	const first = await run();
	expect(first[0].json.error).toMatch(/Request Moderated/);
	expect(first.slice(1).every((item) => item.binary?.data?.data?.length)).toBe(true);
	const paidIds = first.slice(1).map((item) => item.json.taskId);

	const second = await run();
	expect(fake.submits).toHaveLength(3);
	expect(second[0].json.error).toMatch(/Request Moderated/);
	expect(second[0].json.description).toBe(first[0].json.description);
	expect(second.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(second.slice(1).map((item) => item.json.taskId)).toEqual(paidIds);
	expect(second.slice(1).every((item) => item.binary?.data?.data?.length)).toBe(true);
	// Collected by downloading again (the URL is still valid), not by submitting.
	for (const id of paidIds) expect(fake.downloads[String(id)]).toBe(2);
});

test('a task that failed for a reason worth retrying (BFL Error) is submitted anew on the retry', async () => {
	const fake = await fakeBfl();
	const execution = newExecution();
	const input = items('a broken one', 'a lake');
	await failure(runFlux({ version: 2, parameters, items: input, retryOnFail: true, execution }));
	expect(fake.submits.sort()).toEqual(['a broken one', 'a lake']);
	await failure(runFlux({ version: 2, parameters, items: input, retryOnFail: true, execution }));
	expect(fake.submits.filter((prompt) => prompt === 'a broken one')).toHaveLength(2);
	expect(fake.submits.filter((prompt) => prompt === 'a lake')).toHaveLength(1);
});

test('an item whose request changed between tries is a new task', async () => {
	const fake = await fakeBfl();
	const execution = newExecution();
	await runFlux({ version: 2, parameters, items: items('a lake'), execution });
	await runFlux({ version: 2, parameters, items: items('a different lake'), execution });
	expect(fake.submits).toEqual(['a lake', 'a different lake']);
});

test('the same request in a new run of the node (a loop, another run index) generates anew', async () => {
	const fake = await fakeBfl();
	const execution = newExecution();
	await runFlux({ version: 2, parameters, items: items('a lake'), execution });
	// The node's next run in the execution (a loop) has run index 1.
	await runFlux({ version: 2, parameters, items: items('a lake'), execution, runIndex: 1 });
	expect(fake.submits).toEqual(['a lake', 'a lake']);
});

test('a submit whose outcome is unknown (500) is never sent again on the retry', async () => {
	const execution = newExecution();
	let submits = 0;
	nock(API)
		.persist()
		.post('/v1/flux-2-klein-4b')
		.reply(() => {
			submits++;
			return [500, { detail: 'Internal Server Error' }];
		});
	const run = () =>
		runFlux({ version: 2, parameters, items: items('a lake'), retryOnFail: true, execution });
	expect((await failure(run())).message).toMatch(/server error \(500\)/);
	const again = await failure(run());
	expect(again.message).toMatch(/server error \(500\)/);
	expect((again as Error & { description?: string }).description).toMatch(/not sent again/);
	expect(submits).toBe(1);
});

test('without Retry On Fail, the first failure stops the run at once (no waiting for the others)', async () => {
	const fake = await fakeBfl();
	// Four at a time: a task is Ready 150 ms after its submit at the earliest, so by the moderated
	// item's first poll (450 ms at the latest) at most 4 × 3 tasks can have been submitted.
	const limited = { ...parameters, options: { maxConcurrentTasks: 4 } };
	const error = await failure(
		runFluxOutputs({
			version: 2,
			parameters: limited,
			items: items('a moderate thing', ...Array.from({ length: 30 }, (_, i) => `picture ${i}`)),
		}),
	);
	expect(error.message).toMatch(/Request Moderated/);
	// Items still waiting for a slot were never submitted.
	expect(fake.submits.length).toBeLessThan(31);
});
