/** execute() end to end on nock: statuses, hosts, downloads, validation, errors, continue on fail. */
import nock from 'nock';
import type { INodeExecutionData } from 'n8n-workflow';

import { CLUSTER, DELIVERY, mockTask, newRecorded, readyAnswer } from '../../support/bfl-mock';
import { decode, makeImage } from '../../support/fixtures';
import { renderVideo } from '../../../emulator/video';
import { API, runFlux, TEST_KEY } from '../../support/harness';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const generate = { operation: 'generate', model: 'flux-2-pro', prompt: 'a lighthouse at dusk' };

function errorOf(
	promise: Promise<unknown>,
): Promise<Error & { description?: string; context?: Record<string, unknown> }> {
	return promise.then(
		() => {
			throw new Error('expected the node to fail');
		},
		(error: Error) => error,
	);
}

describe('a finished task', () => {
	test('becomes binary data with the right mime type, extension and JSON', async () => {
		const jpeg = await makeImage('jpeg', 96, 64);
		const recorded = mockTask({
			endpoint: 'flux-2-pro',
			id: 'abc',
			image: jpeg,
			contentType: 'image/jpeg',
		});
		const [item] = await runFlux({ parameters: generate });

		const binary = item.binary!.data;
		expect(binary.mimeType).toBe('image/jpeg');
		expect(binary.fileExtension).toBe('jpg');
		expect(binary.fileName).toBe('flux-2-pro-abc.jpg');
		const bytes = Buffer.from(binary.data, 'base64');
		expect(await decode(bytes)).toEqual({ format: 'jpeg', width: 96, height: 64 });
		expect(item.json).toMatchObject({
			taskId: 'abc',
			model: 'flux-2-pro',
			status: 'Ready',
			seed: 1234,
			prompt: 'used prompt',
			cost: 3.5,
			inputMp: 0,
			outputMp: 1.05,
			width: 96,
			height: 64,
			duration: 1.6,
			mimeType: 'image/jpeg',
			sampleUrlExpiresAt: '2030-01-01T00:10:00.000Z',
		});
		expect(item.json.sampleUrl).toMatch(/^https:\/\/delivery-eu1\.bfl\.ai\//);
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(recorded.polls).toBe(2);
	});

	test('is polled at the returned polling_url on its cluster, never at a rebuilt URL', async () => {
		// Only the cluster host answers; a rebuilt https://api.bfl.ai/v1/get_result would hit no mock.
		const recorded = mockTask({
			endpoint: 'flux-2-pro',
			id: 'eu2-task',
			image: await makeImage('png'),
			pollHost: CLUSTER,
		});
		const [item] = await runFlux({ parameters: generate });
		expect(item.json.taskId).toBe('eu2-task');
		expect(recorded.polls).toBe(2);
	});

	test('is downloaded without the API key; polls on BFL hosts carry it', async () => {
		let pollKey: unknown;
		nock(API)
			.post('/v1/flux-2-pro')
			.reply(200, { id: 'k', polling_url: `${CLUSTER}/v1/get_result?id=k` });
		nock(CLUSTER)
			.get('/v1/get_result')
			.query({ id: 'k' })
			.reply(function () {
				pollKey = this.req.headers['x-key'];
				return [200, readyAnswer('k', `${DELIVERY}/results/k/sample.png`)];
			});
		let downloadHeaders: Record<string, unknown> = {};
		nock(DELIVERY)
			.get('/results/k/sample.png')
			.reply(async function () {
				downloadHeaders = { ...this.req.headers };
				return [200, await makeImage('png'), { 'content-type': 'image/png' }];
			});
		await runFlux({ parameters: generate });
		expect(pollKey).toBe(TEST_KEY);
		expect(downloadHeaders).toHaveProperty('host');
		expect(JSON.stringify(downloadHeaders)).not.toContain(TEST_KEY);
	});

	test('a polling_url on a foreign host is followed without the key', async () => {
		const id = 'proxy-task';
		const foreign = 'https://poller.example.net';
		let keyOnPoll: unknown = 'not polled';
		nock(API)
			.post('/v1/flux-2-pro')
			.reply(200, { id, polling_url: `${foreign}/v1/get_result?id=${id}` });
		nock(foreign)
			.get('/v1/get_result')
			.query({ id })
			.reply(function () {
				keyOnPoll = this.req.headers['x-key'];
				return [200, readyAnswer(id, `${DELIVERY}/results/${id}/sample.png`)];
			});
		nock(DELIVERY)
			.get(`/results/${id}/sample.png`)
			.reply(200, await makeImage('png'), { 'content-type': 'image/png' });
		await runFlux({ parameters: generate });
		expect(keyOnPoll).toBeUndefined();
	});

	test('with Download Image off returns JSON with the URL and no binary', async () => {
		mockTask({ endpoint: 'flux-2-pro' });
		const [item] = await runFlux({
			parameters: { ...generate, options: { downloadImage: false } },
		});
		expect(item.binary).toBeUndefined();
		expect(item.json.sampleUrl).toContain('delivery-eu1.bfl.ai');
		expect(item.json.sampleUrlExpiresAt).toBe('2030-01-01T00:10:00.000Z');
	});

	test('goes into the output field named in the options', async () => {
		mockTask({ endpoint: 'flux-2-pro', image: await makeImage('webp'), contentType: 'image/webp' });
		const [item] = await runFlux({
			parameters: { ...generate, options: { binaryPropertyName: 'poster' } },
		});
		expect(Object.keys(item.binary!)).toEqual(['poster']);
		expect(item.binary!.poster.mimeType).toBe('image/webp');
	});
});

describe('a task that does not end Ready', () => {
	const cases: Array<[string, Record<string, unknown>, RegExp]> = [
		[
			'Error',
			{ status: 'Error', details: { reason: 'GPU fault' } },
			/could not generate the image \(Error\).*GPU fault/,
		],
		['Failed', { status: 'Failed' }, /could not generate the image \(Failed\)/],
		[
			'Request Moderated',
			{ status: 'Request Moderated', details: { 'Moderation Reasons': ['Derivative Work'] } },
			/moderation blocked the prompt or input image \(Request Moderated\): Derivative Work/,
		],
		[
			'Content Moderated',
			{ status: 'Content Moderated', details: { 'Moderation Reasons': ['NSFW'] } },
			/moderation blocked the generated image \(Content Moderated\): NSFW/,
		],
	];

	test.each(cases)(
		'%s ends the item with a clear message and the task id',
		async (_, answer, message) => {
			mockTask({
				endpoint: 'flux-2-pro',
				id: 'bad-1',
				answers: [{ id: 'bad-1', result: null, ...answer }],
			});
			const error = await errorOf(runFlux({ parameters: generate }));
			expect(error.message).toMatch(message);
			expect(error.description).toContain('Task ID: bad-1');
			expect(error.context?.itemIndex).toBe(0);
		},
	);

	test('a status the node does not know is polled through until Ready; the item names it once', async () => {
		const rendering = { id: 'new-stage', status: 'Rendering', result: null };
		mockTask({
			endpoint: 'flux-2-pro',
			id: 'new-stage',
			image: await makeImage('png'),
			answers: [
				rendering,
				{ id: 'new-stage', status: 'Uploading', result: null },
				rendering,
				readyAnswer('new-stage', `${DELIVERY}/results/new-stage/sample.png`),
			],
		});
		const [item] = await runFlux({ parameters: generate });
		expect(item.json.status).toBe('Ready');
		expect(item.json.unknownStatuses).toEqual(['Rendering']);
		expect(item.binary?.data).toBeDefined();
	});

	test('a status the node does not know until the deadline ends the item with the timeout, naming that status', async () => {
		mockTask({
			endpoint: 'flux-2-pro',
			id: 'stuck',
			answers: Array.from({ length: 20 }, () => ({
				id: 'stuck',
				status: 'Rendering',
				result: null,
			})),
		});
		const error = await errorOf(
			runFlux({ parameters: { ...generate, options: { timeoutSeconds: 2 } } }),
		);
		expect(error.message).toMatch(
			/Timed out after 2 s waiting for the image \(last status: Rendering\)/,
		);
		expect(error.description).toContain('Task ID: stuck');
	});

	test('a poll answered 429 is asked again at the same URL after Retry-After; the task is never resubmitted', async () => {
		const recorded = newRecorded();
		const pollTimes: number[] = [];
		nock(API)
			.post('/v1/flux-2-pro')
			.reply(function (path, body) {
				recorded.submits.push({
					path,
					body: body as Record<string, unknown>,
					headers: { ...this.req.headers },
				});
				return [200, { id: 'busy-1', polling_url: `${CLUSTER}/v1/get_result?id=busy-1`, cost: 3 }];
			});
		nock(CLUSTER)
			.get('/v1/get_result')
			.query({ id: 'busy-1' })
			.times(2)
			.reply(() => {
				pollTimes.push(Date.now());
				return [429, { detail: 'Too many requests' }, { 'retry-after': '1' }];
			});
		nock(CLUSTER)
			.get('/v1/get_result')
			.query({ id: 'busy-1' })
			.reply(() => {
				pollTimes.push(Date.now());
				return [200, readyAnswer('busy-1', `${DELIVERY}/results/busy-1/sample.png`)];
			});
		nock(DELIVERY)
			.get('/results/busy-1/sample.png')
			.reply(200, await makeImage('png'), { 'content-type': 'image/png' });
		const [item] = await runFlux({ parameters: generate });
		expect(item.json.status).toBe('Ready');
		expect(recorded.submits).toHaveLength(1);
		expect(pollTimes).toHaveLength(3);
		expect(pollTimes[1] - pollTimes[0]).toBeGreaterThanOrEqual(950);
		expect(pollTimes[2] - pollTimes[1]).toBeGreaterThanOrEqual(950);
	});

	test('a poll redirected on its host is followed with the key; one redirected to another host is followed without it', async () => {
		const OTHER = 'https://elsewhere.example.net';
		const seen: Array<{ host: string; key: unknown }> = [];
		nock(API)
			.post('/v1/flux-2-pro')
			.reply(200, { id: 'moved-1', polling_url: `${CLUSTER}/v1/get_result?id=moved-1` });
		nock(CLUSTER)
			.get('/v1/get_result')
			.query({ id: 'moved-1' })
			.reply(function () {
				seen.push({ host: 'cluster', key: this.req.headers['x-key'] });
				return [307, '', { location: `${CLUSTER}/v2/get_result?id=moved-1` }];
			});
		nock(CLUSTER)
			.get('/v2/get_result')
			.query({ id: 'moved-1' })
			.reply(function () {
				seen.push({ host: 'cluster (moved)', key: this.req.headers['x-key'] });
				return [302, '', { location: `${OTHER}/poll/moved-1` }];
			});
		nock(OTHER)
			.get('/poll/moved-1')
			.reply(function () {
				seen.push({ host: 'elsewhere', key: this.req.headers['x-key'] });
				return [200, readyAnswer('moved-1', `${DELIVERY}/results/moved-1/sample.png`)];
			});
		nock(DELIVERY)
			.get('/results/moved-1/sample.png')
			.reply(302, '', { location: `${OTHER}/files/moved-1.png` });
		nock(OTHER)
			.get('/files/moved-1.png')
			.reply(function () {
				seen.push({ host: 'elsewhere (download)', key: this.req.headers['x-key'] });
				return [200, png, { 'content-type': 'image/png' }];
			});
		const png = await makeImage('png');
		const [item] = await runFlux({ parameters: generate });
		expect(item.json.status).toBe('Ready');
		expect(await decode(Buffer.from(item.binary!.data.data, 'base64'))).toMatchObject({
			format: 'png',
		});
		expect(seen).toEqual([
			{ host: 'cluster', key: TEST_KEY },
			{ host: 'cluster (moved)', key: TEST_KEY },
			{ host: 'elsewhere', key: undefined },
			{ host: 'elsewhere (download)', key: undefined },
		]);
	});

	test('a submit redirected to another host is not sent on (the key and the paid request stay home)', async () => {
		const OTHER = 'https://elsewhere.example.net';
		nock(API)
			.post('/v1/flux-2-pro')
			.reply(307, '', { location: `${OTHER}/v1/flux-2-pro` });
		const elsewhere = nock(OTHER).post('/v1/flux-2-pro').reply(200, { id: 'stolen' });
		const error = await errorOf(runFlux({ parameters: generate }));
		expect(error.message).toMatch(/BFL answered 307 while submitting the task/);
		expect(elsewhere.isDone()).toBe(false);
	});

	test('an expired result URL is reported with the expiry its signature (se=) states', async () => {
		const sample = `${DELIVERY}/results/old-1/sample.png?se=2020-01-01T00%3A10%3A00Z&sig=abc`;
		mockTask({ endpoint: 'flux-2-pro', id: 'old-1', answers: [readyAnswer('old-1', sample)] });
		nock(DELIVERY).get('/results/old-1/sample.png').query(true).reply(403, 'AuthenticationFailed');
		const error = await errorOf(runFlux({ parameters: generate }));
		expect(error.message).toMatch(/result URL is no longer valid \(403\)/);
		expect(error.description).toMatch(/expired at 2020-01-01T00:10:00\.000Z/);
		expect(error.description).toContain('Task ID: old-1');
	});

	test('moderation hints at the safety tolerance and its range', async () => {
		mockTask({
			endpoint: 'flux-2-pro',
			id: 'mod',
			answers: [{ id: 'mod', status: 'Content Moderated', result: null }],
		});
		const error = await errorOf(
			runFlux({ parameters: { ...generate, modelOptions: { safetyTolerance: 1 } } }),
		);
		expect(error.description).toMatch(/Safety Tolerance was 1; this model allows up to 5/);
	});

	test('Task not found is tolerated right after submit, then ends the item', async () => {
		const started = Date.now();
		mockTask({
			endpoint: 'flux-2-pro',
			id: 'gone',
			answers: Array.from({ length: 40 }, () => ({
				id: 'gone',
				status: 'Task not found',
				result: null,
			})),
		});
		const error = await errorOf(runFlux({ parameters: generate }));
		expect(error.message).toMatch(/Task not found/);
		expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
	});

	test('Task not found in the first moments, then Ready, succeeds', async () => {
		mockTask({
			endpoint: 'flux-2-pro',
			id: 'late',
			image: await makeImage('png'),
			answers: [
				{ id: 'late', status: 'Task not found', result: null },
				{ id: 'late', status: 'Pending', result: null },
				readyAnswer('late', `${DELIVERY}/results/late/sample.png`),
			],
		});
		const [item] = await runFlux({ parameters: generate });
		expect(item.json.status).toBe('Ready');
	});

	test('the timeout bounds the wait and names the last status', async () => {
		mockTask({
			endpoint: 'flux-2-pro',
			id: 'slow',
			answers: Array.from({ length: 30 }, () => ({ id: 'slow', status: 'Pending', result: null })),
		});
		const error = await errorOf(
			runFlux({ parameters: { ...generate, options: { timeoutSeconds: 2 } } }),
		);
		expect(error.message).toMatch(/Timed out after 2 s .*last status: Pending/);
		expect(error.description).toContain('Task ID: slow');
	});
});

describe('bad input fails before any request', () => {
	const png = async (): Promise<INodeExecutionData> => ({
		json: {},
		binary: { data: { data: (await makeImage('png')).toString('base64'), mimeType: 'image/png' } },
	});
	const cases: Array<[string, Record<string, unknown>, RegExp]> = [
		[
			// Off the grid but inside the range is rounded now (sizes.test.ts); outside it is refused.
			'a FLUX1.1 width outside 256 to 1440',
			{ operation: 'generate', model: 'flux-pro-1.1', prompt: 'x', width: 1472 },
			/Width \(width\) must be a whole number 256 to 1440, a multiple of 32; got 1472/,
		],
		[
			'a FLUX.2 safety tolerance of 6',
			{ ...generate, modelOptions: { safetyTolerance: 6 } },
			/Safety Tolerance \(safetyTolerance\) must be a whole number 0 to 5; got 6/,
		],
		[
			'more than 4 MP on FLUX.2',
			{ ...generate, width: 2560, height: 2048 },
			/Width \(width\) × height must be at most 4,194,304 pixels .*got 2560×2048/,
		],
		[
			'a missing prompt',
			{ operation: 'generate', model: 'flux-2-pro', prompt: '' },
			/Prompt \(prompt\) is required/,
		],
		[
			'an aspect ratio outside 21:9 … 9:21',
			{ operation: 'generate', model: 'flux-pro-1.1-ultra', prompt: 'x', aspectRatio: '4:1' },
			/Aspect Ratio \(aspectRatio\) must be a ratio W:H between 21:9 and 9:21/,
		],
		[
			'a guidance above the flex range',
			{ ...generate, model: 'flux-2-flex', modelOptions: { guidance: 12 } },
			/Guidance \(guidance\) must be 1.5 to 10; got 12/,
		],
		[
			'a Fill without a mask-able image',
			{ operation: 'fill', model: 'flux-pro-1.0-fill', image: 'photo' },
			/Image \(image\): the input item has no binary property "photo"/,
		],
		[
			'Ultra with neither prompt nor image prompt',
			{ operation: 'generate', model: 'flux-pro-1.1-ultra', prompt: '' },
			/Prompt \(prompt\) or image_prompt is required/,
		],
	];

	test.each(cases)('%s', async (_, parameters, message) => {
		const error = await errorOf(runFlux({ parameters: parameters as never, items: [await png()] }));
		expect(error.message).toMatch(message);
		expect(error.context?.itemIndex).toBe(0);
		expect(nock.pendingMocks()).toEqual([]); // nothing was mocked, and disableNetConnect blocks the rest
	});

	test('a binary property that is not an image', async () => {
		const error = await errorOf(
			runFlux({
				parameters: { operation: 'edit', model: 'flux-2-pro', prompt: 'x', inputImage: 'doc' },
				items: [
					{
						json: {},
						binary: {
							doc: {
								data: Buffer.from('%PDF-1.4 hello').toString('base64'),
								mimeType: 'application/pdf',
							},
						},
					},
				],
			}),
		);
		expect(error.message).toMatch(
			/Input Image \(inputImage\): binary property "doc" \(application\/pdf\) is not a PNG, JPEG, WebP or GIF image/,
		);
	});
});

describe('HTTP failures', () => {
	test('a bad key says so, and the key appears nowhere in the error', async () => {
		nock(API).post('/v1/flux-2-pro').reply(403, { detail: 'Not authenticated' });
		const error = await errorOf(runFlux({ parameters: generate }));
		expect(error.message).toMatch(/BFL rejected the API key \(403\): Not authenticated/);
		expect(error.description).toMatch(/API key and region/);
		expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(
			TEST_KEY,
		);
	});

	test('out of credits says where to top up', async () => {
		nock(API).post('/v1/flux-2-pro').reply(402, { detail: 'Insufficient credits' });
		const error = await errorOf(runFlux({ parameters: generate }));
		expect(error.message).toMatch(/Out of BFL credits/);
		expect(error.description).toContain('https://dashboard.bfl.ai');
	});

	test('a 422 names the field from detail', async () => {
		nock(API)
			.post('/v1/flux-2-pro')
			.reply(422, {
				detail: [
					{ loc: ['body', 'width'], msg: 'Input should be a multiple of 16', type: 'multiple_of' },
				],
			});
		const error = await errorOf(runFlux({ parameters: generate }));
		expect(error.message).toBe('BFL rejected the request: width: Input should be a multiple of 16');
	});

	test('a 500 on submit is not resent and says the task may exist', async () => {
		const submit = nock(API).post('/v1/flux-2-pro').reply(500, { detail: 'boom' });
		const error = await errorOf(runFlux({ parameters: generate }));
		expect(submit.isDone()).toBe(true);
		expect(error.message).toMatch(/BFL server error \(500\) while submitting/);
		expect(error.description).toMatch(/task may exist .* not sent again/);
	});
});

describe('continue on fail', () => {
	test('a failed item becomes an error item with its task id, the others succeed, pairing intact', async () => {
		mockTask({ endpoint: 'flux-2-pro', id: 'ok-0', image: await makeImage('png') });
		const items: INodeExecutionData[] = [
			{ json: { prompt: 'first' } },
			{ json: { prompt: 'second' } },
			{ json: { prompt: '' } },
		];
		// Item 1 is moderated after submit; item 2 fails validation before any request.
		nock(API)
			.post('/v1/flux-2-pro')
			.reply(200, { id: 'mod-1', polling_url: `${CLUSTER}/v1/get_result?id=mod-1` });
		nock(CLUSTER)
			.get('/v1/get_result')
			.query({ id: 'mod-1' })
			.reply(200, { id: 'mod-1', status: 'Request Moderated', result: null });
		const out = await runFlux({
			parameters: {
				...generate,
				prompt: '={{ $json.prompt }}',
				options: { maxConcurrentTasks: 1 },
			},
			items,
			continueOnFail: true,
		});
		expect(out).toHaveLength(3);
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json.taskId).toBe('ok-0');
		expect(out[0].binary?.data).toBeDefined();
		expect(out[1].json).toMatchObject({ taskId: 'mod-1', model: 'flux-2-pro' });
		expect(out[1].json.error).toMatch(/Request Moderated/);
		expect(out[2].json.error).toMatch(/Prompt \(prompt\) is required/);
		expect(out[2].json.taskId).toBeUndefined();
	});
});

describe('a FLUX 3 video', () => {
	const animate = {
		resource: 'video',
		operation: 'generate',
		prompt: 'waves at dawn',
		duration: 6,
	};

	test('whose result comes as lists (samples, draft_caches) is the first of them; every one is listed', async () => {
		const clip = renderVideo({ width: 64, height: 48, seconds: 2, seed: 1 });
		const first = `${DELIVERY}/results/vid-1/sample.mp4`;
		const answer = {
			id: 'vid-1',
			status: 'Ready',
			result: {
				sample: first,
				samples: [first, `${DELIVERY}/results/vid-1/sample-2.mp4`],
				draft_caches: [`${DELIVERY}/c1.bin`, `${DELIVERY}/c2.bin`],
				seed: null,
			},
		};
		mockTask({ endpoint: 'flux-3-video', id: 'vid-1', answers: [answer] });
		nock(DELIVERY)
			.get('/results/vid-1/sample.mp4')
			.reply(200, clip, { 'content-type': 'video/mp4' });
		const [item] = await runFlux({ version: 2, parameters: animate });
		expect(item.json.sampleUrl).toBe(first);
		expect(item.json.sampleUrls).toEqual(answer.result.samples);
		expect(item.json.draftCache).toBe(`${DELIVERY}/c1.bin`);
		expect(item.json.draftCaches).toEqual(answer.result.draft_caches);
		expect(item.binary?.data.mimeType).toBe('video/mp4');
	});

	test('reports the length of the MP4 that came back, not the length asked for', async () => {
		const clip = renderVideo({ width: 64, height: 48, seconds: 5, seed: 2 });
		const sample = `${DELIVERY}/results/vid-2/sample.mp4`;
		mockTask({ endpoint: 'flux-3-video', id: 'vid-2', answers: [readyAnswer('vid-2', sample)] });
		nock(DELIVERY)
			.get('/results/vid-2/sample.mp4')
			.reply(200, clip, { 'content-type': 'video/mp4' });
		const [item] = await runFlux({ version: 2, parameters: animate });
		expect(item.json.videoSeconds).toBe(5);
	});
});
