/**
 * For every model and operation: the node posts to /v1/<endpoint> a body with exactly the API
 * field names of the table, each parameter's value, and every image field as raw base64 taken
 * from the item's binary data (fill masks included).
 */
import nock from 'nock';
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { fieldsFor, MODELS, parameterName, type FieldSpec } from '../nodes/Flux/models';
import { mockTask } from './bfl-mock';
import { makeImage } from './fixtures';
import { runFlux, TEST_KEY } from './harness';

afterEach(() => nock.cleanAll());

/** A valid value that differs from the default, so a dropped field cannot pass unnoticed. */
function sampleValue(field: FieldSpec): unknown {
	switch (field.kind) {
		case 'integer': {
			if (field.zeroMeansAuto) return field.api === 'width' ? 512 : 384;
			if (field.multipleOf) return Math.ceil((field.min + 1) / field.multipleOf) * field.multipleOf;
			return field.min + 1;
		}
		case 'number':
			return Math.round(((field.min + (field.max ?? field.min + 2)) / 2) * 100) / 100;
		case 'boolean':
			return !field.default;
		case 'options':
			return field.values[field.values.length - 1];
		case 'aspectRatio':
			return '3:4';
		case 'image':
			return `img_${field.api}`;
		default:
			return field.api === 'prompt' ? 'a red fox in the snow' : `value-of-${field.api}`;
	}
}

const cases = MODELS.flatMap((model) => model.operations.map((operation) => [model.endpoint, operation] as const));

test.each(cases)('%s (%s) sends every field under its API name', async (endpoint, operation) => {
	const model = MODELS.find((candidate) => candidate.endpoint === endpoint)!;
	// Webhook fields make the node return without waiting; they have their own test.
	const fields = fieldsFor(model, operation).filter((field) => !field.api.startsWith('webhook'));
	const parameters: INodeParameters = { operation, model: endpoint };
	const modelOptions: INodeParameters = {};
	const binary: INodeExecutionData['binary'] = {};
	const expected: Record<string, unknown> = {};
	for (const [index, field] of fields.entries()) {
		const value = sampleValue(field);
		(field.advanced ? modelOptions : parameters)[parameterName(field.api)] = value as string | number | boolean;
		if (field.kind === 'image') {
			const bytes = await makeImage(index % 2 ? 'jpeg' : 'png', 32 + index, 32);
			binary[value as string] = { data: bytes.toString('base64'), mimeType: 'image/png', fileName: 'in.png' };
			expected[field.api] = bytes.toString('base64');
		} else {
			expected[field.api] = value;
		}
	}
	parameters.modelOptions = modelOptions;
	const recorded = mockTask({ endpoint, image: await makeImage('png') });

	const out = await runFlux({ parameters, items: [{ json: {}, binary }] });

	expect(recorded.submits).toHaveLength(1);
	expect(recorded.submits[0].path).toBe(`/v1/${endpoint}`);
	expect(recorded.submits[0].body).toEqual(expected);
	expect(recorded.submits[0].headers['x-key']).toBe(TEST_KEY);
	expect(out[0].json).toMatchObject({ taskId: `task-${endpoint}`, model: endpoint, status: 'Ready' });
});

test('FLUX.2 references given as URLs are passed through, not downloaded', async () => {
	const recorded = mockTask({ endpoint: 'flux-2-pro', image: await makeImage('png') });
	await runFlux({
		parameters: {
			operation: 'edit',
			model: 'flux-2-pro',
			prompt: 'make it blue',
			inputImage: 'https://images.example.com/cat.png',
			modelOptions: { inputImage2: 'https://images.example.com/dog.png' },
		},
	});
	expect(recorded.submits[0].body).toEqual({
		prompt: 'make it blue',
		input_image: 'https://images.example.com/cat.png',
		input_image_2: 'https://images.example.com/dog.png',
	});
});

test('a Fill image given as a URL is downloaded without the key and sent as base64', async () => {
	const source = await makeImage('jpeg', 40, 30);
	let sourceHeaders: Record<string, unknown> = {};
	nock('https://images.example.com')
		.get('/room.jpg')
		.reply(function () {
			sourceHeaders = { ...this.req.headers };
			return [200, source, { 'content-type': 'image/jpeg' }];
		});
	const mask = await makeImage('png', 40, 30);
	const recorded = mockTask({ endpoint: 'flux-pro-1.0-fill', image: await makeImage('png') });
	await runFlux({
		parameters: { operation: 'fill', model: 'flux-pro-1.0-fill', image: 'https://images.example.com/room.jpg', mask: 'mask', prompt: 'a sofa' },
		items: [{ json: {}, binary: { mask: { data: mask.toString('base64'), mimeType: 'image/png' } } }],
	});
	expect(sourceHeaders['x-key']).toBeUndefined();
	expect(recorded.submits[0].body).toEqual({
		image: source.toString('base64'),
		mask: mask.toString('base64'),
		prompt: 'a sofa',
	});
});

test('a data: URL is sent as raw base64 without its prefix', async () => {
	const png = await makeImage('png');
	const recorded = mockTask({ endpoint: 'flux-kontext-pro', image: await makeImage('png') });
	await runFlux({
		parameters: {
			operation: 'edit',
			model: 'flux-kontext-pro',
			prompt: 'add a hat',
			inputImage: `data:image/png;base64,${png.toString('base64')}`,
		},
	});
	expect(recorded.submits[0].body.input_image).toBe(png.toString('base64'));
});

test('with a webhook URL the node returns right after submitting, without polling', async () => {
	let body: Record<string, unknown> = {};
	nock('https://api.bfl.ai')
		.post('/v1/flux-2-klein-4b', (sent) => {
			body = sent;
			return true;
		})
		.reply(200, { id: 'hook-1', status: 'Pending', webhook_url: 'https://n8n.example.com/webhook/done', cost: 1.4 });
	const out = await runFlux({
		parameters: {
			operation: 'generate',
			model: 'flux-2-klein-4b',
			prompt: 'a kite',
			modelOptions: { webhookUrl: 'https://n8n.example.com/webhook/done', webhookSecret: 'placeholder-secret' },
		},
	});
	expect(body).toEqual({ prompt: 'a kite', webhook_url: 'https://n8n.example.com/webhook/done', webhook_secret: 'placeholder-secret' });
	expect(out[0].json).toMatchObject({ taskId: 'hook-1', status: 'Pending', webhookUrl: 'https://n8n.example.com/webhook/done' });
	expect(out[0].binary).toBeUndefined();
});
