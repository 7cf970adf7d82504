/**
 * Validation and input limits: each is refused before anything is sent to BFL, with an error that
 * names the field (as the panel shows it, with its parameter name), the limit and the actual size.
 * A binary property's size is read from the stored data, an image's pixel size from its header, a
 * URL's size from its Content-Length or by counting the bytes as they arrive (and stopping).
 */
import { BinaryDataService } from 'n8n-core';
import nock from 'nock';
import sharp from 'sharp';
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { renderVideo } from '../../../../emulator/video';
import { makeImage } from '../../../support/fixtures';
import { API, runFlux } from '../../../support/harness';
import { zeroStream } from '../../../support/node-helpers';
import { useFastPolls } from '../../../support/fastPolls';

useFastPolls();

const MB = 1000 * 1000; // BFL's "MB", read as 10^6 bytes (the stricter reading)
const MEDIA = 'https://media.example.com';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
	nock.cleanAll();
	jest.restoreAllMocks();
});
afterAll(() => nock.enableNetConnect());

type NodeError = Error & { description?: string };

/** Runs the node expecting a refusal; proves that nothing reached BFL's API. */
async function refused(
	parameters: INodeParameters,
	options: { version?: number; items?: INodeExecutionData[]; blockedHosts?: RegExp } = {},
): Promise<NodeError> {
	const submit = nock(API)
		.post(/.*/)
		.reply(200, { id: 'must-not-happen', polling_url: `${API}/v1/get_result?id=x` });
	const error = await runFlux({
		parameters,
		version: options.version ?? 2,
		items: options.items,
		blockedHosts: options.blockedHosts,
	}).then(
		() => {
			throw new Error('expected the node to refuse the item');
		},
		(caught: NodeError) => caught,
	);
	expect(submit.isDone()).toBe(false);
	return error;
}

function item(
	binary: Record<string, { data: string; mimeType: string; bytes?: number }>,
): INodeExecutionData[] {
	return [
		{
			json: {},
			binary: Object.fromEntries(
				Object.entries(binary).map(([name, value]) => [
					name,
					{ ...value, fileName: `${name}.bin` },
				]),
			),
		},
	];
}

function binaryOf(bytes: Buffer, mimeType: string) {
	return { data: bytes.toString('base64'), mimeType };
}

/** A base64 string that decodes to `bytes` bytes (zeros), never decoded by the node. */
function hugeBase64(bytes: number): string {
	return 'A'.repeat(Math.ceil(bytes / 3) * 4);
}

const flux3Edit = {
	resource: 'image',
	operation: 'edit',
	model: 'flux-3-image',
	prompt: 'make it blue',
};

describe('binary inputs', () => {
	test('an image over the size limit is refused by its stored size, without reading its data', async () => {
		// helpers.getBinaryDataBuffer ends in BinaryDataService.getAsBuffer: never called means never read.
		const read = jest.spyOn(BinaryDataService.prototype, 'getAsBuffer');
		const error = await refused(
			{ ...flux3Edit, images: 'data' },
			{ items: item({ data: { data: hugeBase64(16 * MB), mimeType: 'image/png' } }) },
		);
		expect(error.message).toMatch(/^Reference Images \(images\): /);
		expect(error.message).toContain('16 MB');
		expect(error.message).toContain('at most 15 MB');
		expect(error.description).toMatch(/Nothing was sent to BFL/);
		expect(read).not.toHaveBeenCalled();
	});

	test('a FLUX.2 input image over 20 MB is refused the same way', async () => {
		const error = await refused(
			{ operation: 'edit', model: 'flux-2-pro', prompt: 'make it blue', inputImage: 'photo' },
			{ version: 1, items: item({ photo: { data: hugeBase64(21 * MB), mimeType: 'image/jpeg' } }) },
		);
		expect(error.message).toMatch(/^Input Image \(inputImage\): /);
		expect(error.message).toContain('21 MB');
		expect(error.message).toContain('at most 20 MB');
	});

	test('a FLUX 3 reference under 256×256 is refused by its header', async () => {
		const read = jest.spyOn(BinaryDataService.prototype, 'getAsBuffer');
		const small = await makeImage('png', 200, 300);
		const error = await refused(
			{ ...flux3Edit, images: 'data' },
			{ items: item({ data: binaryOf(small, 'image/png') }) },
		);
		expect(error.message).toMatch(/^Reference Images \(images\): /);
		expect(error.message).toContain('200×300');
		expect(error.message).toContain('256×256');
		expect(read).not.toHaveBeenCalled();
	});

	test('a deblur input over 4 MP is refused by its header', async () => {
		const read = jest.spyOn(BinaryDataService.prototype, 'getAsBuffer');
		const large = await sharp({
			create: { width: 2100, height: 2100, channels: 3, background: { r: 10, g: 120, b: 200 } },
		})
			.png()
			.toBuffer();
		const error = await refused(
			{ resource: 'image', operation: 'deblur', image: 'data' },
			{ items: item({ data: binaryOf(large, 'image/png') }) },
		);
		expect(error.message).toMatch(/^Image \(image\): /);
		expect(error.message).toContain('2100×2100');
		expect(error.message).toContain('4.2 MP');
		expect(error.message).toContain('at most 4 MP');
		expect(read).not.toHaveBeenCalled();
	});

	test('a video over 20 s is refused for Video Upscale', async () => {
		const long = renderVideo({ width: 160, height: 96, seconds: 25, seed: 3 });
		const error = await refused(
			{ resource: 'video', operation: 'upscale', inputVideo: 'data' },
			{ items: item({ data: binaryOf(long, 'video/mp4') }) },
		);
		expect(error.message).toMatch(/^Video \(inputVideo\): /);
		expect(error.message).toContain('25.0 s');
		expect(error.message).toContain('at most 20 s');
	});

	test('a video over 15 s is refused for Video Edit', async () => {
		const long = renderVideo({ width: 160, height: 96, seconds: 16, seed: 4 });
		const error = await refused(
			{ resource: 'video', operation: 'edit', video: 'data', prompt: 'make it snow' },
			{ items: item({ data: binaryOf(long, 'video/mp4') }) },
		);
		expect(error.message).toMatch(/^Video \(video\): /);
		expect(error.message).toContain('16.0 s');
		expect(error.message).toContain('at most 15 s');
	});

	test('an image where a video belongs is refused by its bytes', async () => {
		const png = await makeImage('png', 64, 48);
		const error = await refused(
			{ resource: 'video', operation: 'upscale', inputVideo: 'data' },
			{ items: item({ data: binaryOf(png, 'video/mp4') }) },
		);
		expect(error.message).toMatch(/^Video \(inputVideo\): /);
		expect(error.message).toMatch(/not an MP4 video \(it is image\/png\)/);
	});
});

describe('parameters', () => {
	test('11 reference images on FLUX 3', async () => {
		const names = Array.from({ length: 11 }, (_, index) => `image${index}`).join(', ');
		const error = await refused({ ...flux3Edit, images: names });
		expect(error.message).toContain('Reference Images (images)');
		expect(error.message).toMatch(/1 to 10 entries/);
		expect(error.message).toMatch(/got 11/);
	});

	test('safety tolerance 5 on FLUX 3', async () => {
		const error = await refused({
			resource: 'image',
			operation: 'generate',
			model: 'flux-3-image',
			prompt: 'a kite',
			modelOptions: { safetyTolerance: 5 },
		});
		expect(error.message).toContain('Safety Tolerance (safetyTolerance)');
		expect(error.message).toMatch(/0 to 4/);
		expect(error.message).toMatch(/got 5/);
	});

	test('an outpainting canvas over 4 MP', async () => {
		const error = await refused({
			resource: 'image',
			operation: 'expand',
			model: 'outpainting-v1',
			inputImage: 'data',
			width: 2100,
			height: 2100,
		});
		expect(error.message).toContain('Canvas Width (width)');
		expect(error.message).toContain('4,194,304');
		expect(error.message).toContain('2100×2100');
	});

	test('erase without a mask', async () => {
		const error = await refused({ resource: 'image', operation: 'erase', image: 'data', mask: '' });
		expect(error.message).toMatch(/Mask \(mask\) is required/);
	});

	test('three untimed keyframes without a duration', async () => {
		const error = await refused({
			resource: 'video',
			operation: 'animate',
			prompt: 'a kite rises',
			keyframes: 'a, b, c',
		});
		expect(error.message).toMatch(
			/Duration \(duration\) is required with 3 or more untimed keyframes/,
		);
	});

	test('timed keyframes out of order, closer than one frame, or past the duration', async () => {
		const animate = { resource: 'video', operation: 'animate', prompt: 'a kite rises' };
		const descending = await refused({ ...animate, keyframes: '0: a, 4: b, 2: c', duration: 5 });
		expect(descending.message).toMatch(
			/Keyframes \(keyframes\).*ascending order; got 4 s then 2 s/,
		);
		const tooClose = await refused({ ...animate, keyframes: '0: a, 0.02: b', duration: 5 });
		expect(tooClose.message).toMatch(/Keyframes \(keyframes\) must be at least 1\/24 s apart/);
		const past = await refused({ ...animate, keyframes: '0: a, 7: b', duration: 6 });
		expect(past.message).toMatch(
			/Keyframes \(keyframes\) must lie inside the video \(0 to 6 s\); got a keyframe at 7 s/,
		);
	});

	test('a keyframe image under 256×256 or over 20 MB', async () => {
		const small = await makeImage('png', 200, 300);
		const error = await refused(
			{
				resource: 'video',
				operation: 'animate',
				prompt: 'a kite rises',
				keyframes: 'a',
				duration: 5,
			},
			{ items: item({ a: binaryOf(small, 'image/png') }) },
		);
		expect(error.message).toMatch(
			/^Keyframes \(keyframes\): .*200×300; FLUX 3 Video needs at least 256×256/,
		);
		const huge = await refused(
			{
				resource: 'video',
				operation: 'animate',
				prompt: 'a kite rises',
				keyframes: 'a',
				duration: 5,
			},
			{ items: item({ a: { ...binaryOf(small, 'image/png'), bytes: 21 * MB } }) },
		);
		expect(huge.message).toMatch(
			/^Keyframes \(keyframes\): the image is 21 MB; FLUX 3 Video takes at most 20 MB/,
		);
	});

	test('a video to extend longer than 15 s', async () => {
		const clip = renderVideo({ width: 64, height: 48, seconds: 16 });
		const error = await refused(
			{ resource: 'video', operation: 'extend', prompt: 'then it rains', startVideo: 'data' },
			{ items: item({ data: binaryOf(clip, 'video/mp4') }) },
		);
		expect(error.message).toMatch(
			/^Video to Extend \(startVideo\): .*16\.0 s long; FLUX 3 Video takes at most 15 s/,
		);
	});

	test('timed and untimed keyframes mixed', async () => {
		const error = await refused({
			resource: 'video',
			operation: 'animate',
			prompt: 'a kite rises',
			keyframes: '0: a, b',
		});
		expect(error.message).toMatch(/Keyframes \(keyframes\).*mix/);
	});
});

describe('sizes known only once the files are read', () => {
	test('an erase mask of a different size than its image', async () => {
		const image = await makeImage('png', 256, 256);
		const mask = await makeImage('png', 128, 128);
		const error = await refused(
			{ resource: 'image', operation: 'erase', image: 'photo', mask: 'mask' },
			{ items: item({ photo: binaryOf(image, 'image/png'), mask: binaryOf(mask, 'image/png') }) },
		);
		expect(error.message).toMatch(/^Mask \(mask\): /);
		expect(error.message).toContain('128×128');
		expect(error.message).toContain('256×256');
	});

	test('FLUX.2 [pro] inputs plus output over 9 MP', async () => {
		const big = await sharp({
			create: { width: 2048, height: 2048, channels: 3, background: { r: 1, g: 2, b: 3 } },
		})
			.png()
			.toBuffer();
		const error = await refused(
			{
				operation: 'edit',
				model: 'flux-2-pro',
				prompt: 'combine them',
				inputImage: 'a',
				width: 2048,
				height: 2048,
				modelOptions: { inputImage2: 'b' },
			},
			{ version: 1, items: item({ a: binaryOf(big, 'image/png'), b: binaryOf(big, 'image/png') }) },
		);
		expect(error.message).toMatch(/12\.0 MP/);
		expect(error.message).toMatch(/at most 9 MP/);
	});
});

describe('URL inputs the node downloads (fields BFL does not fetch itself)', () => {
	const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	const fill = { operation: 'fill', model: 'flux-pro-1.0-fill', prompt: 'a sofa' };

	async function pngHead(): Promise<Buffer> {
		// A real PNG header (signature and IHDR) of a small image, followed by zeros.
		return (await makeImage('png', 64, 48)).subarray(0, 33);
	}

	test('a declared Content-Length over the limit is refused before the body is read', async () => {
		const total = 25 * MB;
		const { stream, stats } = zeroStream({ head: await pngHead(), total });
		nock(MEDIA)
			.get('/huge.png')
			.reply(200, () => stream, { 'Content-Type': 'image/png', 'Content-Length': String(total) });
		const error = await refused({ ...fill, image: `${MEDIA}/huge.png` }, { version: 1 });
		expect(error.message).toMatch(/^Image \(image\): /);
		expect(error.message).toContain('the image is 25 MB');
		expect(error.message).toContain('at most 20 MB');
		expect(stats.ended).toBe(false);
		expect(stats.read).toBeLessThan(total);
		stream.destroy();
	});

	test('without a Content-Length, the download stops once it passes the limit', async () => {
		const total = 64 * MB;
		const { stream, stats } = zeroStream({ head: PNG_SIGNATURE, total });
		nock(MEDIA)
			.get('/endless.png')
			.reply(200, () => stream, { 'Content-Type': 'image/png' });
		const error = await refused({ ...fill, image: `${MEDIA}/endless.png` }, { version: 1 });
		expect(error.message).toMatch(/^Image \(image\): /);
		// It counted past 20 MB and stopped: "over 20.1 MB", not the 64 MB the server would send.
		expect(error.message).toMatch(/the image is over 20(\.\d)? MB/);
		expect(error.message).toContain('at most 20 MB');
		expect(stats.ended).toBe(false);
		expect(stats.read).toBeLessThan(total);
		stream.destroy();
	});

	test('an HTML page where an image belongs is refused by its bytes', async () => {
		nock(MEDIA).get('/page.png').reply(200, '<!doctype html><html><body>Not found</body></html>', {
			'Content-Type': 'text/html',
		});
		const error = await refused({ ...fill, image: `${MEDIA}/page.png` }, { version: 1 });
		expect(error.message).toMatch(/^Image \(image\): /);
		expect(error.message).toContain(`${MEDIA}/page.png is not a PNG, JPEG, WebP or GIF image`);
	});
});

describe("URL inputs under n8n's SSRF protection (2.x, N8N_SSRF_PROTECTION_ENABLED)", () => {
	const PRIVATE = /^(169\.254\.|10\.|127\.)/;

	test('a link-local URL that BFL would fetch is refused before anything is paid, naming the field', async () => {
		const error = await refused(
			{
				resource: 'image',
				operation: 'edit',
				model: 'flux-2-pro',
				prompt: 'make it blue',
				inputImage: 'http://169.254.169.254/latest/meta-data',
			},
			{ blockedHosts: PRIVATE },
		);
		expect(error.message).toMatch(
			/^Input Image \(inputImage\): http:\/\/169\.254\.169\.254\/latest\/meta-data is refused by n8n's SSRF protection/,
		);
		expect(error.description).toMatch(/Nothing was fetched or sent to BFL/);
	});

	test('a private URL the node would download itself is refused before it is fetched', async () => {
		const fetched = nock('http://10.0.0.1').get(/.*/).reply(200, 'secret');
		const error = await refused(
			{
				resource: 'image',
				operation: 'fill',
				model: 'flux-pro-1.0-fill',
				prompt: 'a sofa',
				image: 'http://10.0.0.1/photo.png',
			},
			{ blockedHosts: PRIVATE },
		);
		expect(error.message).toMatch(
			/^Image \(image\): http:\/\/10\.0\.0\.1\/photo\.png is refused by n8n's SSRF protection/,
		);
		expect(fetched.isDone()).toBe(false);
	});

	test('with protection off, a URL BFL fetches is passed on as before', async () => {
		let body: Record<string, unknown> = {};
		nock(API)
			.post('/v1/flux-2-pro')
			.reply((_, sent) => {
				body = sent as Record<string, unknown>;
				return [402, { detail: 'stop here' }];
			});
		await runFlux({
			version: 2,
			parameters: {
				resource: 'image',
				operation: 'edit',
				model: 'flux-2-pro',
				prompt: 'make it blue',
				inputImage: 'http://169.254.169.254/x.png',
			},
		}).catch(() => undefined);
		expect(body.input_image).toBe('http://169.254.169.254/x.png');
	});
});
