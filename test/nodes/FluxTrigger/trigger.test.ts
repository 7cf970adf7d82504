/**
 * The FLUX Trigger's webhook(): only callbacks carrying the secret start a workflow (401 and nothing
 * else otherwise), the result is downloaded at once, moderated and failed callbacks are emitted
 * with their status or filtered out.
 */
import type { IBinaryData, IDataObject, IWebhookFunctions } from 'n8n-workflow';

import nock from 'nock';

import { FluxTrigger, readCallback } from '../../../nodes/FluxTrigger/FluxTrigger.node';
import { sameSecret, signatureOf } from '../../../nodes/Flux/transport/webhookSecret';
import { mockTask, readyAnswer } from '../../support/bfl-mock';
import { makeImage } from '../../support/fixtures';
import { runFlux } from '../../support/harness';

const SECRET = 'a-long-enough-webhook-secret';

interface Call {
	headers?: Record<string, string>;
	body: IDataObject;
	/** The bytes as sent (default: the body as JSON). */
	rawBody?: Buffer;
	parameters?: Record<string, unknown>;
	download?: Buffer;
}

async function callWebhook(call: Call) {
	const response: { status?: number; body?: unknown } = {};
	const downloads: Array<{ url: string; headers?: unknown }> = [];
	const context = {
		getNode: () => ({
			name: 'FLUX Trigger',
			type: 'n8n-nodes-bfl.fluxTrigger',
			typeVersion: 1,
			parameters: {},
		}),
		getCredentials: async () => ({ apiKey: 'bfl_placeholder', webhookSecret: SECRET }),
		getHeaderData: () => call.headers ?? {},
		getBodyData: () => call.body,
		getRequestObject: () => ({ rawBody: call.rawBody ?? Buffer.from(JSON.stringify(call.body)) }),
		getNodeParameter: (name: string, fallback: unknown) => call.parameters?.[name] ?? fallback,
		getResponseObject: () => ({
			status(code: number) {
				response.status = code;
				return this;
			},
			json(body: unknown) {
				response.body = body;
				return this;
			},
		}),
		helpers: {
			httpRequest: async (options: { url: string; headers?: unknown }) => {
				downloads.push({ url: options.url, headers: options.headers });
				return { body: call.download ?? Buffer.alloc(0), headers: { 'content-type': 'image/png' } };
			},
			prepareBinaryData: async (
				data: Buffer,
				fileName: string,
				mimeType: string,
			): Promise<IBinaryData> => ({
				data: data.toString('base64'),
				fileName,
				mimeType,
				bytes: data.length,
			}),
			getBinaryStream: async () => {
				throw new Error('not stored by id here');
			},
		},
	} as unknown as IWebhookFunctions;
	const result = await new FluxTrigger().webhook.call(context);
	return { result, response, downloads };
}

const ready = {
	id: 'task-123',
	status: 'Ready',
	result: {
		sample: 'https://delivery-eu1.bfl.ai/results/task-123/sample.png?se=2030-01-01T00%3A10%3A00Z',
		seed: 5,
		prompt: 'a lake',
	},
};

test('a callback without the secret, or with a wrong one, is answered 401 and starts nothing', async () => {
	const attempts: Array<Record<string, string>> = [
		{},
		{ 'x-webhook-secret': 'wrong' },
		{ 'x-webhook-secret': `${SECRET}x` },
	];
	for (const headers of attempts) {
		const { result, response, downloads } = await callWebhook({ headers, body: ready });
		expect(response.status).toBe(401);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(downloads).toHaveLength(0);
	}
});

test('a Ready callback with the secret downloads the image at once (without any key) and emits it', async () => {
	const png = await makeImage('png', 64, 40);
	const { result, response, downloads } = await callWebhook({
		headers: { 'x-webhook-secret': SECRET },
		body: ready,
		download: png,
	});
	expect(response.status).toBeUndefined();
	expect(downloads).toEqual([{ url: ready.result.sample, headers: undefined }]);
	const [[item]] = result.workflowData!;
	expect(item.json).toMatchObject({
		taskId: 'task-123',
		status: 'Ready',
		seed: 5,
		prompt: 'a lake',
		width: 64,
		height: 40,
		mimeType: 'image/png',
	});
	expect(item.json.sampleUrlExpiresAt).toBe('2030-01-01T00:10:00.000Z');
	expect(item.binary?.data.mimeType).toBe('image/png');
	expect(item.binary?.data.fileName).toBe('flux-task-123.png');
});

test('a moderated callback is emitted with its status, stage and reasons, or filtered out by option', async () => {
	const moderated = {
		id: 'task-9',
		status: 'Content Moderated',
		result: null,
		details: { 'Moderation Reasons': ['NSFW'] },
	};
	const emitted = await callWebhook({ headers: { 'x-webhook-secret': SECRET }, body: moderated });
	expect(emitted.result.workflowData?.[0][0].json).toMatchObject({
		taskId: 'task-9',
		status: 'Content Moderated',
		stage: 'content',
		reasons: ['NSFW'],
	});
	expect(emitted.downloads).toHaveLength(0);

	const filtered = await callWebhook({
		headers: { 'x-webhook-secret': SECRET },
		body: moderated,
		parameters: { statuses: 'ready' },
	});
	expect(filtered.result.workflowData).toBeUndefined();
	expect(filtered.result.webhookResponse).toEqual({ received: true, started: false });
});

test('both callback shapes are read: the poll answer (since 2026-02) and the older task_id/SUCCESS', () => {
	expect(readCallback(ready)).toMatchObject({ taskId: 'task-123', status: 'Ready' });
	expect(
		readCallback({ task_id: 'old-1', status: 'SUCCESS', result: { sample: 'https://x' } }),
	).toMatchObject({ taskId: 'old-1', status: 'Ready' });
	expect(readCallback({ task_id: 'old-2', status: 'FAILED' })).toMatchObject({
		taskId: 'old-2',
		status: 'Error',
	});
});

test('the secret comparison accepts only the exact secret', () => {
	expect(sameSecret(SECRET, SECRET)).toBe(true);
	expect(sameSecret('', SECRET)).toBe(false);
	expect(sameSecret(SECRET.slice(0, -1), SECRET)).toBe(false);
	expect(sameSecret(`${SECRET}!`, SECRET)).toBe(false);
	expect(sameSecret(SECRET.toUpperCase(), SECRET)).toBe(false);
	expect(sameSecret('', '')).toBe(false); // no secret configured never matches
});

test("the trigger's item is the FLUX node's Ready item for the same task (what only the node knows is null)", async () => {
	nock.disableNetConnect();
	try {
		const png = await makeImage('png', 64, 40);
		const id = 'task-same-1';
		const sample =
			'https://delivery-eu1.bfl.ai/results/task-same-1/sample.png?se=2030-01-01T00%3A10%3A00Z&sig=abc';
		mockTask({ endpoint: 'flux-2-pro', id, image: png, answers: [readyAnswer(id, sample)] });
		const [fromNode] = await runFlux({
			version: 2,
			parameters: {
				resource: 'image',
				operation: 'generate',
				model: 'flux-2-pro',
				prompt: 'a lake',
			},
		});
		const callback = { id, status: 'Ready', result: readyAnswer(id, sample).result };
		const { result } = await callWebhook({
			headers: { 'x-webhook-secret': SECRET },
			body: callback,
			download: png,
		});
		const fromTrigger = result.workflowData![0][0];

		const nodeKeys = Object.keys(fromNode.json).filter((key) => key !== 'executionCost');
		expect(Object.keys(fromTrigger.json).sort()).toEqual(nodeKeys.sort());
		const onlyTheNodeKnows = [
			'model',
			'operation',
			'cost',
			'inputMp',
			'outputMp',
			'polls',
			'elapsedSeconds',
			'fileName',
		];
		for (const key of nodeKeys.filter((name) => !onlyTheNodeKnows.includes(name))) {
			expect([key, fromTrigger.json[key]]).toEqual([key, fromNode.json[key]]);
		}
		for (const key of ['model', 'operation', 'cost', 'inputMp', 'outputMp', 'elapsedSeconds'])
			expect([key, fromTrigger.json[key]]).toEqual([key, null]);
		expect(fromTrigger.binary?.data.mimeType).toBe(fromNode.binary?.data.mimeType);
		expect(fromTrigger.binary?.data.data).toBe(fromNode.binary?.data.data);
	} finally {
		nock.cleanAll();
		nock.enableNetConnect();
	}
});

describe('a callback signed with X-BFL-Signature (HMAC-SHA256 of the raw body)', () => {
	const raw = Buffer.from(JSON.stringify(ready));

	test("is accepted when the signature is the body's, with or without X-Webhook-Secret", async () => {
		const png = await makeImage('png', 8, 8);
		const signed = await callWebhook({
			headers: { 'x-bfl-signature': signatureOf(raw, SECRET) },
			body: ready,
			rawBody: raw,
			download: png,
		});
		expect(signed.response.status).toBeUndefined();
		expect(signed.result.workflowData?.[0][0].json).toMatchObject({
			taskId: 'task-123',
			status: 'Ready',
		});
	});

	test("a wrong signature, a body replayed with another body's signature, and a missing header are 401", async () => {
		const other = Buffer.from(JSON.stringify({ ...ready, id: 'task-999' }));
		const attempts: Array<Record<string, string>> = [
			{ 'x-bfl-signature': signatureOf(raw, 'another-secret-of-some-length') },
			{ 'x-bfl-signature': signatureOf(other, SECRET) },
			{ 'x-bfl-signature': 'sha256=' },
			{},
		];
		for (const headers of attempts) {
			const { result, response, downloads } = await callWebhook({
				headers,
				body: ready,
				rawBody: raw,
			});
			expect({ headers, status: response.status }).toEqual({ headers, status: 401 });
			expect(result).toEqual({ noWebhookResponse: true });
			expect(downloads).toHaveLength(0);
		}
	});

	test('the signature is over the bytes received, not the parsed JSON', async () => {
		const spaced = Buffer.from(JSON.stringify(ready, null, 2));
		const { response } = await callWebhook({
			headers: { 'x-bfl-signature': signatureOf(raw, SECRET) },
			body: ready,
			rawBody: spaced,
		});
		expect(response.status).toBe(401);
	});
});
