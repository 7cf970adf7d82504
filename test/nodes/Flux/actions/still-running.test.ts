/**
 * Get Result with Still Running Output: one look at each task instead of waiting, so a workflow
 * loops unfinished tasks through a Wait node and no execution is held while BFL works. Real
 * ExecuteContext, BFL on nock; the outputs expression evaluated by n8n's own Workflow.
 */
import nock from 'nock';
import {
	NodeHelpers,
	Workflow,
	type INode,
	type INodeExecutionData,
	type INodeOutputConfiguration,
	type INodeParameters,
	type INodeTypes,
} from 'n8n-workflow';

import { Flux } from '../../../../nodes/Flux/Flux.node';
import { CLUSTER, DELIVERY } from '../../../support/fakeBfl';
import { makeImage } from '../../../support/fixtures';
import { useFastPolls } from '../../../support/fastPolls';
import { runFlux, runFluxOutputs } from '../../../support/harness';

useFastPolls();

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

/** BFL's answers by task id; counts the polls of each. */
async function tasks(statuses: Record<string, string | ((poll: number) => string)>) {
	const polls: Record<string, number> = {};
	const png = await makeImage('png', 40, 30);
	nock(CLUSTER)
		.persist()
		.get('/v1/get_result')
		.query(true)
		.reply((uri) => {
			const id = new URL(uri, CLUSTER).searchParams.get('id') as string;
			polls[id] = (polls[id] ?? 0) + 1;
			const given = statuses[id];
			const status = typeof given === 'function' ? given(polls[id]) : given;
			if (status === 'Ready')
				return [
					200,
					{ id, status, result: { sample: `${DELIVERY}/results/${id}/sample.png`, seed: 5 } },
				];
			if (status === 'Request Moderated')
				return [
					200,
					{
						id,
						status,
						result: null,
						details: { 'Moderation Reasons': ['Derivative Works Filter'] },
					},
				];
			return [200, { id, status, result: null, progress: 0.4 }];
		});
	nock(DELIVERY)
		.persist()
		.get(/\/results\//)
		.reply(200, png, { 'content-type': 'image/png' });
	return polls;
}

const getResult = (options: INodeParameters): INodeParameters => ({
	resource: 'task',
	operation: 'getResult',
	task: '={{ $json.pollingUrl }}',
	options,
});
const items = (...ids: string[]): INodeExecutionData[] =>
	ids.map((id) => ({ json: { pollingUrl: `${CLUSTER}/v1/get_result?id=${id}` } }));

test('a finished task goes to Done with its image; an unfinished one to Still Running after one look, with what to loop on', async () => {
	const polls = await tasks({ done: 'Ready', busy: 'Pending' });
	const [done, running] = await runFluxOutputs({
		version: 2,
		parameters: getResult({ stillRunningOutput: true }),
		items: items('busy', 'done'),
	});
	expect(done.map((item) => [item.json.taskId, item.pairedItem])).toEqual([['done', { item: 1 }]]);
	expect(done[0].binary?.data.mimeType).toBe('image/png');
	expect(running).toHaveLength(1);
	expect(running[0].pairedItem).toEqual({ item: 0 });
	expect(running[0].json).toMatchObject({
		stillRunning: true,
		taskId: 'busy',
		pollingUrl: `${CLUSTER}/v1/get_result?id=busy`,
		status: 'Pending',
		progress: 0.4,
	});
	expect(running[0].binary).toBeUndefined();
	expect(polls.busy).toBe(1);
});

test('a status the node does not know is not an end: it is still running', async () => {
	await tasks({ odd: 'Uploading' });
	const [done, running] = await runFluxOutputs({
		version: 2,
		parameters: getResult({ stillRunningOutput: true }),
		items: items('odd'),
	});
	expect(done).toEqual([]);
	expect(running[0].json.status).toBe('Uploading');
});

test('with Route Moderated Items too: Done, Moderated, Still Running, in that order', async () => {
	await tasks({ a: 'Ready', b: 'Request Moderated', c: 'Generating' });
	const outputs = await runFluxOutputs({
		version: 2,
		parameters: getResult({ stillRunningOutput: true, routeModerated: true }),
		items: items('a', 'b', 'c'),
	});
	expect(outputs.map((output) => output.map((item) => item.pairedItem))).toEqual([
		[{ item: 0 }],
		[{ item: 1 }],
		[{ item: 2 }],
	]);
	expect(outputs[1][0].json.status).toBe('Request Moderated');
	expect(outputs[2][0].json.status).toBe('Generating');
});

test('without the option, Get Result waits until the task is done, as before', async () => {
	// Ready from the third poll on.
	const polls = await tasks({ later: (poll) => (poll >= 3 ? 'Ready' : 'Pending') });
	const out = await runFlux({ version: 2, parameters: getResult({}), items: items('later') });
	expect(out[0].json).toMatchObject({ taskId: 'later', status: 'Ready' });
	expect(polls.later).toBe(3);
});

test('as an AI agent tool: one output, and the agent is told to ask again later', async () => {
	await tasks({ busy: 'Pending' });
	const out = await runFluxOutputs({
		version: 2,
		tool: true,
		parameters: getResult({ stillRunningOutput: true }),
		items: items('busy'),
	});
	expect(out).toHaveLength(1);
	expect(out[0][0].json).toEqual({
		taskId: 'busy',
		pollingUrl: `${CLUSTER}/v1/get_result?id=busy`,
		status: 'Pending',
		progress: 0.4,
		note: expect.stringMatching(/again later with the same pollingUrl/),
	});
});

describe("the node's outputs, as n8n computes them from its parameters", () => {
	const type = new Flux();
	const nodeTypes = {
		getByName: () => type,
		getByNameAndVersion: () => type.getNodeType(2),
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	const names = (parameters: INodeParameters) => {
		const node: INode = {
			id: '1',
			name: 'FLUX',
			type: 'n8n-nodes-bfl.flux',
			typeVersion: 2,
			position: [0, 0],
			parameters,
		};
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
		const outputs = NodeHelpers.getNodeOutputs(workflow, node, type.getNodeType(2).description);
		return (outputs as Array<string | INodeOutputConfiguration>).map((output) =>
			typeof output === 'string' ? output : output.displayName,
		);
	};

	test.each([
		[{ resource: 'task', options: {} }, ['main']],
		[{ resource: 'task', options: { stillRunningOutput: true } }, ['Done', 'Still Running']],
		[
			{ resource: 'task', options: { stillRunningOutput: true, routeModerated: true } },
			['Done', 'Moderated', 'Still Running'],
		],
		[{ resource: 'image', options: { routeModerated: true } }, ['Done', 'Moderated']],
		// Still Running belongs to Get Result: an image operation never shows it.
		[{ resource: 'image', options: { stillRunningOutput: true } }, ['main']],
	])('%j → %j', (parameters, expected) => {
		expect(names(parameters as INodeParameters)).toEqual(expected);
	});
});
