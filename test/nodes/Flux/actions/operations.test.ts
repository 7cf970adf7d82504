/**
 * Version 2's operations and options beyond waiting for one image: no-wait and Get Result, the
 * FLUX Trigger option, the spend cap and minimum balance, moderated-item routing, credits,
 * finetunes on their host, the Custom API Call, and the agent-tool answers. Real ExecuteContext,
 * BFL on nock.
 */
import nock from 'nock';
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { readCollect } from '../../../../nodes/Flux/actions/task/getResult';
import type { ReadContext } from '../../../../nodes/Flux/actions/model/request';
import { DEFAULT_TIMEOUT_SECONDS } from '../../../../nodes/Flux/transport/clock';
import { V2_OPTIONS } from '../../../../nodes/Flux/v2/options';
import { API, CREDENTIALS, runFlux, runFluxOutputs, TEST_KEY } from '../../../support/harness';
import { useFastPolls } from '../../../support/fastPolls';
import { CLUSTER, DELIVERY, fakeBfl } from '../../../support/fakeBfl';

useFastPolls();

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const prompts = (...values: string[]): INodeExecutionData[] =>
	values.map((prompt) => ({ json: { prompt } }));

const klein: INodeParameters = {
	resource: 'image',
	operation: 'generate',
	model: 'flux-2-klein-4b',
	prompt: '={{ $json.prompt }}',
	width: 256,
	height: 256,
};

describe('Wait for Result off, then Get Result', () => {
	test('returns right after the submit with the task id, polling URL and cost; nothing is polled', async () => {
		const submits = await fakeBfl('flux-2-klein-4b');
		const [item] = await runFlux({
			version: 2,
			parameters: { ...klein, waitForResult: false },
			items: prompts('a lake'),
		});
		expect(submits).toHaveLength(1);
		expect(item.json).toMatchObject({
			taskId: 't1',
			status: 'Submitted',
			cost: 1.4,
			pollingUrl: `${CLUSTER}/v1/get_result?id=t1`,
		});
		expect(item.binary).toBeUndefined();
		expect(nock.pendingMocks().some((mock) => mock.includes('get_result'))).toBe(true); // never polled
	});

	test('Get Result waits on the polling URL and downloads, as the waiting path does', async () => {
		await fakeBfl('flux-2-klein-4b');
		const [item] = await runFlux({
			version: 2,
			parameters: { resource: 'task', operation: 'getResult', task: '={{ $json.pollingUrl }}' },
			items: [{ json: { pollingUrl: `${CLUSTER}/v1/get_result?id=t9` } }],
		});
		expect(item.json).toMatchObject({
			taskId: 't9',
			status: 'Ready',
			mimeType: 'image/png',
			width: 48,
			height: 32,
		});
		expect(item.binary?.data.mimeType).toBe('image/png');
	});

	test('Get Result with a task id asks the credential host; an unknown task ends with a clear error', async () => {
		let asked = '';
		nock(API)
			.get('/v1/get_result')
			.query(true)
			.reply((uri) => {
				asked = uri;
				return [200, { id: 'gone', status: 'Task not found', result: null }];
			});
		await expect(
			runFlux({
				version: 2,
				parameters: { resource: 'task', operation: 'getResult', task: 'gone-task-0001' },
			}),
		).rejects.toThrow(/does not know this task \(Task not found\)/);
		expect(asked).toBe('/v1/get_result?id=gone-task-0001');
	});

	test("the Timeout help states the automatic timeouts, Get Result's (a video's, whatever the task) included", () => {
		const parameters: Record<string, unknown> = {
			options: {},
			task: `${CLUSTER}/v1/get_result?id=t9`,
		};
		const context = { getNodeParameter: (name: string) => parameters[name] };
		const read = { context, baseUrl: API, toolMode: false } as unknown as ReadContext;
		expect(readCollect(read, 0).timeoutSeconds).toBe(DEFAULT_TIMEOUT_SECONDS.video);
		const timeout = (V2_OPTIONS.options as Array<{ name: string; description?: string }>).find(
			(option) => option.name === 'timeoutSeconds',
		);
		const minutes = {
			image: DEFAULT_TIMEOUT_SECONDS.image / 60,
			video: DEFAULT_TIMEOUT_SECONDS.video / 60,
		};
		expect(timeout?.description).toContain(
			`${minutes.image} minutes for an image, ${minutes.video} for a video, and ${minutes.video} for Get Result`,
		);
	});
});

describe('the FLUX Trigger option', () => {
	test('sends the trigger URL and the secret credential, and returns without waiting', async () => {
		const submits = await fakeBfl('flux-2-klein-4b');
		const [item] = await runFlux({
			version: 2,
			parameters: {
				...klein,
				waitForResult: false,
				triggerUrl: 'https://n8n.example.com/webhook/abc/flux',
			},
			items: prompts('a lake'),
			credentials: { ...CREDENTIALS, webhookSecret: 'a-long-enough-webhook-secret' },
		});
		expect(submits[0].body).toMatchObject({
			webhook_url: 'https://n8n.example.com/webhook/abc/flux',
			webhook_secret: 'a-long-enough-webhook-secret',
		});
		expect(item.json).toMatchObject({
			taskId: 't1',
			status: 'Pending',
			webhookUrl: 'https://n8n.example.com/webhook/abc/flux',
		});
	});

	test('without a Webhook Secret in the credential, nothing is sent', async () => {
		const submits = await fakeBfl('flux-2-klein-4b');
		await expect(
			runFlux({
				version: 2,
				parameters: {
					...klein,
					waitForResult: false,
					triggerUrl: 'https://n8n.example.com/webhook/abc/flux',
				},
				items: prompts('a lake'),
			}),
		).rejects.toThrow(
			/FLUX Trigger URL \(triggerUrl\) is set, but the BFL credential has no Webhook Secret/,
		);
		expect(submits).toHaveLength(0);
	});

	test('an endpoint that takes no webhook is refused before sending, naming the field', async () => {
		await expect(
			runFlux({
				version: 2,
				parameters: {
					resource: 'image',
					operation: 'generate',
					model: 'flux-3-image',
					prompt: 'x',
					waitForResult: false,
					triggerUrl: 'https://n8n.example.com/webhook/abc/flux',
				},
			}),
		).rejects.toThrow(/FLUX Trigger URL \(triggerUrl\): FLUX 3 Image does not take webhooks/);
	});
});

describe('credits', () => {
	test('a cap of 10 credits over 24 items submits only what fits; the others fail unsent, saying why', async () => {
		const submits = await fakeBfl('flux-2-klein-4b');
		const input = prompts(...Array.from({ length: 24 }, (_, index) => `postcard ${index}`));
		const output = await runFlux({
			version: 2,
			parameters: { ...klein, options: { maxCredits: 10 } },
			items: input,
			continueOnFail: true,
		});
		// klein 4B at 256×256 costs 1.4 credits: 7 fit under 10.
		expect(submits).toHaveLength(7);
		const done = output.filter((item) => item.binary);
		const refused = output.filter((item) => item.json.error);
		expect(done).toHaveLength(7);
		expect(refused).toHaveLength(17);
		expect(String(refused[0].json.error)).toMatch(
			/Max Credits per Execution reached.*cap of 10 credits/,
		);
		expect(done.every((item) => item.json.cost === 1.4)).toBe(true);
		expect(done[done.length - 1].json.executionCost).toBeCloseTo(9.8);
		expect(output.map((item) => item.pairedItem)).toEqual(input.map((_, item) => ({ item })));
	});

	test('below the Minimum Balance nothing is submitted; the check is one free GET /v1/credits', async () => {
		const submits = await fakeBfl('flux-2-klein-4b');
		let creditChecks = 0;
		nock(API)
			.get('/v1/credits')
			.reply(() => {
				creditChecks++;
				return [200, { credits: 12.5 }];
			});
		await expect(
			runFlux({
				version: 2,
				parameters: { ...klein, options: { minimumBalance: 50 } },
				items: prompts('a', 'b', 'c'),
			}),
		).rejects.toThrow(/has 12.5 credits, below the Minimum Balance of 50: nothing was submitted/);
		expect(submits).toHaveLength(0);
		expect(creditChecks).toBe(1);
	});

	test('Get Credits answers the balance in credits and dollars', async () => {
		nock(API).get('/v1/credits').matchHeader('x-key', TEST_KEY).reply(200, { credits: 1234.5 });
		const [item] = await runFlux({
			version: 2,
			parameters: { resource: 'account', operation: 'getCredits' },
		});
		expect(item.json).toEqual({ credits: 1234.5, usd: 12.35 });
	});
});

describe('Route Moderated Items', () => {
	test('moderated items go to the second output with their reasons and stage; the others to the first; pairing right', async () => {
		await fakeBfl('flux-2-klein-4b');
		const [done, moderated] = await runFluxOutputs({
			version: 2,
			parameters: { ...klein, options: { routeModerated: true } },
			items: prompts('a lake', 'something moderate', 'a forest'),
		});
		expect(done.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(done.every((item) => item.binary?.data)).toBe(true);
		expect(moderated).toHaveLength(1);
		expect(moderated[0].pairedItem).toEqual({ item: 1 });
		expect(moderated[0].json).toMatchObject({
			status: 'Content Moderated',
			stage: 'content',
			reasons: ['NSFW'],
			taskId: 't2-moderate',
		});
		expect(String(moderated[0].json.hint)).toMatch(/Safety Tolerance/);
	});
});

describe('finetunes', () => {
	test('FLUX.1 finetune inference goes to the finetune host (US1 by default), with the key', async () => {
		const submits = await fakeBfl('flux-pro-1.1-ultra-finetuned', {
			host: 'https://api.us1.bfl.ai',
		});
		await runFlux({
			version: 2,
			parameters: {
				resource: 'image',
				operation: 'generate',
				model: 'flux-pro-1.1-ultra-finetuned',
				finetuneId: { __rl: true, mode: 'id', value: 'my-finetune' },
				prompt: 'a portrait',
			},
		});
		expect(submits).toHaveLength(1);
		expect(submits[0].body).toMatchObject({ finetune_id: 'my-finetune', prompt: 'a portrait' });
		expect(submits[0].key).toBe(TEST_KEY);
	});

	test('an EU credential sends finetune traffic to EU1; List Finetunes reads my_finetunes there', async () => {
		nock('https://api.eu1.bfl.ai')
			.get('/v1/my_finetunes')
			.reply(200, { finetunes: ['ft-a', { finetune_id: 'ft-b' }] });
		const [item] = await runFlux({
			version: 2,
			parameters: { resource: 'finetune', operation: 'list' },
			credentials: { apiKey: TEST_KEY, region: 'https://api.eu.bfl.ai' },
		});
		expect(item.json).toEqual({ finetunes: ['ft-a', 'ft-b'], host: 'https://api.eu1.bfl.ai' });
	});
});

describe('Custom API Call', () => {
	test("calls any path on the credential's host with the key", async () => {
		nock('https://api.eu.bfl.ai')
			.get('/v1/credits')
			.matchHeader('x-key', TEST_KEY)
			.reply(200, { credits: 5 });
		const [item] = await runFlux({
			version: 2,
			parameters: {
				resource: 'account',
				operation: 'customApiCall',
				method: 'GET',
				path: '/v1/credits',
			},
			credentials: { apiKey: TEST_KEY, region: 'https://api.eu.bfl.ai' },
		});
		expect(item.json).toEqual({ credits: 5 });
	});

	test('refuses a path that would leave the host', async () => {
		await expect(
			runFlux({
				version: 2,
				parameters: {
					resource: 'image',
					operation: 'customApiCall',
					method: 'GET',
					path: '//evil.example/x',
				},
			}),
		).rejects.toThrow(/Path \(path\) must start with \//);
	});
});

describe('as an AI Agent tool', () => {
	test('answers compact JSON with the image URL and its expiry, downloads nothing', async () => {
		await fakeBfl('flux-2-klein-4b');
		const [item] = await runFlux({
			version: 2,
			tool: true,
			parameters: { ...klein, prompt: 'a fox' },
		});
		expect(item.binary).toBeUndefined();
		expect(Object.keys(item.json).sort()).toEqual([
			'cost',
			'expiresAt',
			'height',
			'imageUrl',
			'model',
			'note',
			'seed',
			'taskId',
			'width',
		]);
		expect(item.json.imageUrl).toBe(`${DELIVERY}/results/t1/sample.png`);
		expect(item.json.note).toContain(`expires at ${item.json.expiresAt}`);
		expect(nock.pendingMocks().some((mock) => mock.includes('delivery'))).toBe(true); // never downloaded
	});

	test('returns an error with its advice instead of throwing', async () => {
		await fakeBfl('flux-2-klein-4b');
		const [item] = await runFlux({
			version: 2,
			tool: true,
			parameters: { ...klein, prompt: 'something moderate' },
		});
		expect(item.json.error).toMatch(/Content Moderated/);
		expect(item.json.advice).toMatch(
			/Content moderation refused this request \(not charged\)\. Rephrase the prompt/,
		);
		expect(item.json.advice).not.toMatch(/Safety Tolerance|Task ID/); // nothing an agent cannot act on
	});

	test('an input image given as a URL goes to BFL as the URL (FLUX.2 takes URLs)', async () => {
		const submits = await fakeBfl('flux-2-klein-4b');
		await runFlux({
			version: 2,
			tool: true,
			parameters: {
				resource: 'image',
				operation: 'edit',
				model: 'flux-2-klein-4b',
				prompt: 'make it blue',
				inputImage: 'https://delivery-eu1.bfl.ai/results/t0/sample.png',
			},
		});
		expect(submits[0].body.input_image).toBe('https://delivery-eu1.bfl.ai/results/t0/sample.png');
	});
});
