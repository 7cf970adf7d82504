/**
 * For every model and operation of both node versions: the node posts to /v1/<path> a body with
 * exactly the API field names of the table, each parameter's value, every media field as raw
 * base64 taken from the item's binary data (images, masks, keyframes, videos, a draft's cache),
 * list fields as JSON arrays and the fields the operation fixes (flux-3-video's `mode`). Then the
 * same with http(s) URLs: passed through where BFL fetches them, downloaded and sent as base64
 * elsewhere.
 */
import nock from 'nock';
import sharp from 'sharp';
import type { IBinaryData, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { renderVideo } from '../../../../emulator/video';
import {
	fieldsFor,
	MODELS_BY_ID,
	modelsFor,
	OPERATIONS,
	parameterOf,
	pathOf,
	V1_OPERATIONS,
	type FieldSpec,
	type MediaField,
	type ModelSpec,
	type Operation,
	type Resource,
} from '../../../../nodes/Flux/models';
import { mockTask } from '../../../support/bfl-mock';
import { makeImage } from '../../../support/fixtures';
import { API, runFlux, TEST_KEY, CREDENTIALS } from '../../../support/harness';
import { useFastPolls } from '../../../support/fastPolls';

useFastPolls();

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const FINETUNE_HOST = 'https://api.us1.bfl.ai';
const MEDIA_HOST = 'https://media.example.com';
/** Every input image is this size: FLUX 3 needs at least 256×256, and masks must match their image. */
const SIDE = 256;

/** A real image of its own colour, so two fields can never be swapped unnoticed. */
async function colouredImage(index: number): Promise<Buffer> {
	const background = {
		r: (40 + index * 53) % 256,
		g: (200 + index * 31) % 256,
		b: (90 + index * 71) % 256,
	};
	const canvas = sharp({ create: { width: SIDE, height: SIDE, channels: 3, background } });
	return await canvas.toFormat(index % 2 ? 'jpeg' : 'png').toBuffer();
}

const CLIPS = new Map<number, Buffer>();
/** A real MP4 of 3 s, 160×96 (emulator/video.js). */
function clip(seed: number): Buffer {
	let bytes = CLIPS.get(seed);
	if (!bytes) {
		bytes = renderVideo({ width: 160, height: 96, seconds: 3, seed });
		CLIPS.set(seed, bytes);
	}
	return bytes;
}

const DRAFT_CACHE = Buffer.from('FLUX3-DRAFT-CACHE\u0000\u0001\u0002 an opaque bundle', 'utf8');

/** A valid value that differs from the default, so a dropped field cannot pass unnoticed. */
function sampleValue(field: FieldSpec): unknown {
	switch (field.kind) {
		case 'integer': {
			if (field.nullable) return -16;
			if (field.zeroMeansAuto && (field.api === 'width' || field.api === 'height'))
				return field.api === 'width' ? 512 : 384;
			if (field.multipleOf) return Math.ceil((field.min + 1) / field.multipleOf) * field.multipleOf;
			if (field.max === undefined) return field.min * 16; // outpainting's canvas: 1024
			return field.min + 1;
		}
		case 'number': {
			const max = field.max ?? field.min + 2;
			const middle = Math.round(((field.min + max) / 2) * 100) / 100;
			return middle === field.default ? Math.round(((field.min + middle) / 2) * 100) / 100 : middle;
		}
		case 'boolean':
			return !field.default;
		case 'options': {
			const last = field.values[field.values.length - 1];
			return last === field.default ? field.values[0] : last;
		}
		case 'aspectRatio':
			return '3:4';
		case 'media':
			throw new Error('media values are built by mediaInput');
		default:
			if (field.api === 'prompt') return 'a red fox in the snow';
			if (field.api === 'finetune_id') return 'my-finetune';
			return `value-of-${field.api}`;
	}
}

interface Built {
	/** What the user types in the field. */
	typed: string;
	/** What BFL must receive. */
	sent: unknown;
}

/** One media field given as binary properties of the item. */
async function binaryInput(
	field: MediaField,
	index: number,
	binary: Record<string, IBinaryData>,
): Promise<Built> {
	const store = (name: string, bytes: Buffer, mimeType: string) => {
		binary[name] = { data: bytes.toString('base64'), mimeType, fileName: name };
		return bytes.toString('base64');
	};
	if (field.media === 'bundle')
		return {
			typed: `bin_${field.api}`,
			sent: store(`bin_${field.api}`, DRAFT_CACHE, 'application/octet-stream'),
		};
	if (field.media === 'video')
		return {
			typed: `vid_${field.api}`,
			sent: store(`vid_${field.api}`, clip(index + 1), 'video/mp4'),
		};
	const image = async (name: string, offset: number) => {
		const bytes = await colouredImage(index * 3 + offset);
		return store(name, bytes, bytes[0] === 0x89 ? 'image/png' : 'image/jpeg');
	};
	if (field.list?.timed) {
		// "0: a, 3.5: b" → [[0, a], [3.5, b]]
		return {
			typed: `0: kf_${field.api}_0, 3.5: kf_${field.api}_1`,
			sent: [
				[0, await image(`kf_${field.api}_0`, 0)],
				[3.5, await image(`kf_${field.api}_1`, 1)],
			],
		};
	}
	if (field.list) {
		return {
			typed: `img_${field.api}_0, img_${field.api}_1`,
			sent: [await image(`img_${field.api}_0`, 0), await image(`img_${field.api}_1`, 1)],
		};
	}
	return { typed: `img_${field.api}`, sent: await image(`img_${field.api}`, 0) };
}

/** Reads the x-key header each mocked media download carried. */
let downloads: Array<() => unknown> = [];

/** One media field given as http(s) URLs: BFL fetches them, or the node does (mocked here). */
async function urlInput(field: MediaField, index: number): Promise<Built> {
	const serve = async (name: string, offset: number): Promise<{ url: string; sent: string }> => {
		const url = `${MEDIA_HOST}/${name}`;
		if (field.acceptsUrl) return { url, sent: url };
		const bytes =
			field.media === 'video'
				? clip(index + 1)
				: field.media === 'bundle'
					? DRAFT_CACHE
					: await colouredImage(index * 3 + offset);
		const type =
			field.media === 'video'
				? 'video/mp4'
				: field.media === 'bundle'
					? 'application/octet-stream'
					: bytes[0] === 0x89
						? 'image/png'
						: 'image/jpeg';
		let key: unknown = 'not fetched';
		nock(MEDIA_HOST)
			.get(`/${name}`)
			.reply(function () {
				key = this.req.headers['x-key'];
				return [200, bytes, { 'content-type': type }];
			});
		downloads.push(() => key);
		return { url, sent: bytes.toString('base64') };
	};
	const extension = field.media === 'video' ? 'mp4' : field.media === 'bundle' ? 'bin' : 'png';
	if (field.list?.timed) {
		const first = await serve(`${field.api}_0.${extension}`, 0);
		const second = await serve(`${field.api}_1.${extension}`, 1);
		return {
			typed: `0: ${first.url}, 3.5: ${second.url}`,
			sent: [
				[0, first.sent],
				[3.5, second.sent],
			],
		};
	}
	if (field.list) {
		const first = await serve(`${field.api}_0.${extension}`, 0);
		const second = await serve(`${field.api}_1.${extension}`, 1);
		return { typed: `${first.url}\n${second.url}`, sent: [first.sent, second.sent] };
	}
	const only = await serve(`${field.api}.${extension}`, 0);
	return { typed: only.url, sent: only.sent };
}

interface Case {
	version: number;
	resource: Resource;
	operation: Operation;
	id: string;
	/** The operation offers several models: a Model selector exists. */
	selector: boolean;
}

function casesOf(version: number): Case[] {
	return (version >= 2 ? OPERATIONS : V1_OPERATIONS).flatMap((operation) => {
		const models = modelsFor(version, operation.resource, operation.value);
		return models.map((model) => ({
			version,
			resource: operation.resource,
			operation: operation.value,
			id: model.id,
			selector: version < 2 || models.length > 1,
		}));
	});
}

const CASES = [...casesOf(1), ...casesOf(2)];

async function buildRequest(testCase: Case, media: 'binary' | 'url') {
	const model = MODELS_BY_ID.get(testCase.id) as ModelSpec;
	// Webhook fields make version 1 return without waiting (their own test below); version 2 has none.
	const fields = fieldsFor(model, testCase.operation).filter(
		(field) => !field.api.startsWith('webhook'),
	);
	const parameters: INodeParameters = {
		...(testCase.version >= 2 ? { resource: testCase.resource } : {}),
		operation: testCase.operation,
		...(testCase.selector ? { model: testCase.id } : {}),
	};
	const modelOptions: INodeParameters = {};
	const binary: Record<string, IBinaryData> = {};
	const expected: Record<string, unknown> = { ...model.fixed?.[testCase.operation] };
	let mediaIndex = 0;
	for (const field of fields) {
		let typed: unknown;
		if (field.kind === 'media') {
			const built =
				media === 'binary'
					? await binaryInput(field, mediaIndex++, binary)
					: await urlInput(field, mediaIndex++);
			typed = built.typed;
			expected[field.api] = built.sent;
		} else {
			typed = sampleValue(field);
			expected[field.api] = typed;
			if (field.api === 'finetune_id' && testCase.version >= 2)
				typed = { __rl: true, mode: 'id', value: typed };
		}
		(field.advanced ? modelOptions : parameters)[parameterOf(field)] = typed as string;
	}
	parameters.modelOptions = modelOptions;
	return { model, parameters, binary, expected };
}

async function runCase(testCase: Case, media: 'binary' | 'url') {
	downloads = [];
	const { model, parameters, binary, expected } = await buildRequest(testCase, media);
	const video = model.resource === 'video';
	const recorded = mockTask({
		endpoint: model.id,
		path: pathOf(model),
		host: model.finetuneHost && testCase.version >= 2 ? FINETUNE_HOST : API,
		image: video ? clip(99) : await makeImage('png'),
		contentType: video ? 'video/mp4' : 'image/png',
		readyAtOnce: true,
	});
	const items: INodeExecutionData[] = [
		{ json: {}, ...(Object.keys(binary).length ? { binary } : {}) },
	];

	const out = await runFlux({ parameters, version: testCase.version, items });

	expect(recorded.submits).toHaveLength(1);
	expect(recorded.submits[0].path).toBe(`/v1/${pathOf(model)}`);
	expect(recorded.submits[0].body).toEqual(expected);
	expect(recorded.submits[0].headers['x-key']).toBe(TEST_KEY);
	expect(out[0].json).toMatchObject({
		taskId: `task-${model.id}`,
		model: model.id,
		status: 'Ready',
	});
	expect(out[0].binary?.data.mimeType).toBe(video ? 'video/mp4' : 'image/png');
	for (const keyOf of downloads) expect(keyOf()).toBeUndefined();
}

const label = (testCase: Case) =>
	`v${testCase.version} ${testCase.resource}/${testCase.operation} with ${testCase.id}`;

describe("media from the item's binary data", () => {
	test.each(CASES.map((testCase) => [label(testCase), testCase] as const))(
		'%s sends every field under its API name',
		async (_label, testCase) => {
			await runCase(testCase, 'binary');
		},
	);
});

// Once per model and operation (in the newest version offering it), where the operation has media.
const URL_CASES = [
	...new Map(CASES.map((testCase) => [`${testCase.id} ${testCase.operation}`, testCase])).values(),
].filter((testCase) =>
	fieldsFor(MODELS_BY_ID.get(testCase.id) as ModelSpec, testCase.operation).some(
		(field) => field.kind === 'media',
	),
);

describe('media given as http(s) URLs', () => {
	test.each(URL_CASES.map((testCase) => [label(testCase), testCase] as const))(
		'%s passes URLs BFL fetches, and downloads the others without the key',
		async (_label, testCase) => {
			await runCase(testCase, 'url');
		},
	);
});

test('every model of both versions is covered, and every model with media by a URL case', () => {
	const covered = new Set(CASES.map((testCase) => testCase.id));
	expect([...covered].sort()).toEqual([...MODELS_BY_ID.keys()].sort());
	const withMedia = [...MODELS_BY_ID.values()]
		.filter((model) => model.fields.some((field) => field.kind === 'media'))
		.map((model) => model.id);
	expect([...new Set(URL_CASES.map((testCase) => testCase.id))].sort()).toEqual(withMedia.sort());
});

test('a data: URL is sent as raw base64 without its prefix', async () => {
	const png = await makeImage('png');
	const recorded = mockTask({
		endpoint: 'flux-kontext-pro',
		image: await makeImage('png'),
		readyAtOnce: true,
	});
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

test('version 1: with a webhook URL the node returns right after submitting, without polling', async () => {
	let body: Record<string, unknown> = {};
	nock(API)
		.post('/v1/flux-2-klein-4b', (sent) => {
			body = sent;
			return true;
		})
		.reply(200, {
			id: 'hook-1',
			status: 'Pending',
			webhook_url: 'https://n8n.example.com/webhook/done',
			cost: 1.4,
		});
	const out = await runFlux({
		parameters: {
			operation: 'generate',
			model: 'flux-2-klein-4b',
			prompt: 'a kite',
			modelOptions: {
				webhookUrl: 'https://n8n.example.com/webhook/done',
				webhookSecret: 'placeholder-secret',
			},
		},
	});
	expect(body).toEqual({
		prompt: 'a kite',
		webhook_url: 'https://n8n.example.com/webhook/done',
		webhook_secret: 'placeholder-secret',
	});
	expect(out[0].json).toMatchObject({
		taskId: 'hook-1',
		status: 'Pending',
		webhookUrl: 'https://n8n.example.com/webhook/done',
	});
	expect(out[0].binary).toBeUndefined();
});

describe('version 2: Wait for Result off with a FLUX Trigger URL', () => {
	const trigger = 'https://n8n.example.com/webhook/abc/flux';
	const webhookCredentials = { ...CREDENTIALS, webhookSecret: 'placeholder-webhook-secret-0123' };

	test('sends webhook_url and the credential secret, and returns without polling', async () => {
		let body: Record<string, unknown> = {};
		nock(API)
			.post('/v1/flux-tools/erase-v1', (sent) => {
				body = sent;
				return true;
			})
			.reply(200, { id: 'hook-2', status: 'Pending', webhook_url: trigger });
		const image = await colouredImage(0);
		const mask = await colouredImage(2);
		const out = await runFlux({
			version: 2,
			parameters: {
				resource: 'image',
				operation: 'erase',
				image: 'photo',
				mask: 'mask',
				waitForResult: false,
				triggerUrl: trigger,
			},
			items: [
				{
					json: {},
					binary: {
						photo: { data: image.toString('base64'), mimeType: 'image/png' },
						mask: { data: mask.toString('base64'), mimeType: 'image/png' },
					},
				},
			],
			credentials: webhookCredentials,
		});
		expect(body).toEqual({
			image: image.toString('base64'),
			mask: mask.toString('base64'),
			webhook_url: trigger,
			webhook_secret: 'placeholder-webhook-secret-0123',
		});
		expect(out[0].json).toMatchObject({ taskId: 'hook-2', webhookUrl: trigger });
		// BFL's AsyncWebhookResponse has no polling_url in its schema: get_result on the host that took it.
		expect(out[0].json.pollingUrl).toBe(`${API}/v1/get_result?id=hook-2`);
		expect(out[0].binary).toBeUndefined();
	});

	test.each([
		[
			'flux-3-image',
			{ resource: 'image', operation: 'generate', model: 'flux-3-image', prompt: 'a kite' },
		],
		[
			'outpainting-v1',
			{
				resource: 'image',
				operation: 'expand',
				model: 'outpainting-v1',
				inputImage: 'https://media.example.com/a.png',
				width: 1024,
				height: 1024,
			},
		],
		['flux-3-video', { resource: 'video', operation: 'generate', prompt: 'a kite' }],
		[
			'video-edit-v1',
			{
				resource: 'video',
				operation: 'edit',
				video: 'https://media.example.com/a.mp4',
				prompt: 'make it snow',
			},
		],
	])('%s takes no webhook: refused before anything is sent', async (_id, parameters) => {
		const submit = nock(API).post(/.*/).reply(200, { id: 'never' });
		await expect(
			runFlux({
				version: 2,
				parameters: { ...parameters, waitForResult: false, triggerUrl: trigger },
				credentials: webhookCredentials,
			}),
		).rejects.toThrow(/FLUX Trigger URL \(triggerUrl\).*does not take webhooks/);
		expect(submit.isDone()).toBe(false);
	});
});
