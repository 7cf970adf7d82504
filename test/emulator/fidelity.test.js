// @ts-check
'use strict';
/**
 * Fidelity check with a client we did not write: Vercel's AI SDK provider for BFL
 * (@ai-sdk/black-forest-labs 2.0.41, driven through `ai` 7.0.101) runs unchanged against the
 * emulator. It must get real images and videos, and what it sends that an endpoint does not know
 * (aspect_ratio beside width/height, width/height on Kontext) must be accepted on classic routes
 * and recorded in the ledger.
 *
 * Two things the client needs that are not the emulator's doing:
 * - Both packages are ESM-only. Jest runs this file as CommonJS in a VM where `import()` needs
 *   --experimental-vm-modules, so they are loaded with Node's own require (require(esm), Node
 *   ≥ 20.19 / 22.12), reached through process.getBuiltinModule, outside jest's module registry.
 * - The SDK refuses to fetch a response-supplied URL on a loopback or private host unless it is
 *   the origin of its baseURL (an SSRF guard), so the emulator's usual `localhost` delivery host
 *   is refused. The emulator names its delivery host `delivery.bfl-emulator.test` here, and the
 *   client gets an injected fetch that resolves that one name to 127.0.0.1 (the SDK leaves
 *   connect-time address checks to an injected fetch). Everything else is the SDK's own code.
 */
const { startEmulator } = require('../../emulator/server');
const { probeImage, renderImage } = require('../../emulator/images');
const { sniffMp4 } = require('../../dist/nodes/Flux/media/mp4.js');

const DELIVERY_HOST = 'delivery.bfl-emulator.test';
const KEY = 'bfl_fidelity_fake_key_0000';

/** Node's own require (not jest's), so ESM-only packages load through require(esm). */
function nativeRequire(name) {
	const nodeModule = /** @type {typeof import('node:module')} */ (
		process.getBuiltinModule('node:module')
	);
	return nodeModule.createRequire(__filename)(name);
}

/** @returns {{ bfl: any, ai: any, undici: any } | undefined} */
function loadClient() {
	try {
		const loaded = {
			bfl: nativeRequire('@ai-sdk/black-forest-labs'),
			ai: nativeRequire('ai'),
			undici: nativeRequire('undici'),
		};
		// The SDK logs its warnings (e.g. "size is not supported") unless this global of its realm says no.
		const vm = /** @type {typeof import('node:vm')} */ (process.getBuiltinModule('node:vm'));
		vm.runInThisContext('globalThis.AI_SDK_LOG_WARNINGS = false');
		return loaded;
	} catch (error) {
		console.warn(
			`fidelity tests skipped: @ai-sdk/black-forest-labs@2.0.41 and ai@7.0.101 could not be loaded (${/** @type {Error} */ (error).message.split('\n')[0]})`,
		);
		return undefined;
	}
}

const client = loadClient();

(client ? describe : describe.skip)(
	'Vercel AI SDK (@ai-sdk/black-forest-labs) against the emulator',
	() => {
		// describe.skip still runs this body: nothing may be used here when the client is missing.
		const { bfl, ai, undici } = client ?? /** @type {any} */ ({});
		/** @type {Awaited<ReturnType<typeof startEmulator>>} */
		let emulator;
		/** @type {any} */
		let provider;
		/** @type {(url: string | URL, init?: any) => Promise<any>} */
		let fetchVia;
		/** @type {any} */
		let dispatcher;

		beforeAll(async () => {
			emulator = await startEmulator({
				generationMs: 300,
				videoGenerationMs: 400,
				videoRenderSize: 160,
				deliveryHostname: DELIVERY_HOST,
			});
			const dns = /** @type {typeof import('node:dns')} */ (process.getBuiltinModule('node:dns'));
			/** Resolves the fake delivery host name to this machine, everything else as usual. */
			const lookup = (hostname, options, callback) => {
				if (hostname !== DELIVERY_HOST) return dns.lookup(hostname, options, callback);
				return options?.all
					? callback(null, [{ address: '127.0.0.1', family: 4 }])
					: callback(null, '127.0.0.1', 4);
			};
			dispatcher = new undici.Agent({ connect: { lookup } });
			fetchVia = (url, init) => undici.fetch(url, { ...init, dispatcher });
			provider = bfl.createBlackForestLabs({
				apiKey: KEY,
				baseURL: `${emulator.apiBase}/v1`,
				fetch: fetchVia,
				pollIntervalMillis: 50,
				pollTimeoutMillis: 20000,
			});
		});
		afterAll(async () => {
			await dispatcher?.close();
			await emulator?.close();
		});
		beforeEach(() => {
			emulator.reset();
		});

		const submits = () =>
			emulator.ledger.filter((entry) => entry.method === 'POST' && entry.path.startsWith('/v1/'));
		const downloads = () => emulator.ledger.filter((entry) => entry.path.startsWith('/results/'));

		test('flux-2-pro by size: a real image; aspect_ratio sent beside width/height is recorded, not refused', async () => {
			const { image } = await ai.generateImage({
				model: provider.image('flux-2-pro'),
				prompt: 'a lighthouse at dusk',
				size: '512x384',
				seed: 42,
				providerOptions: { blackForestLabs: { outputFormat: 'png' } },
				maxRetries: 0,
			});
			expect(await probeImage(Buffer.from(image.uint8Array))).toEqual({
				format: 'png',
				width: 512,
				height: 384,
			});
			const [submit] = submits();
			expect(submit).toMatchObject({
				path: '/v1/flux-2-pro',
				status: 200,
				unknownFields: ['aspect_ratio'],
			});
			expect(submit.body).toEqual({
				prompt: 'a lighthouse at dusk',
				seed: 42,
				aspect_ratio: '4:3',
				width: 512,
				height: 384,
				output_format: 'png',
			});
			const polls = emulator.ledger.filter((entry) => entry.path === '/v1/get_result');
			expect(polls.every((poll) => poll.query.cluster === emulator.clusterToken)).toBe(true);
			expect(downloads()).toEqual([
				expect.objectContaining({
					status: 200,
					keyPresent: false,
					host: expect.stringContaining(DELIVERY_HOST),
				}),
			]);
		});

		test('flux-kontext-pro: width/height it does not know are recorded, the image keeps the ratio at about 1 MP in PNG', async () => {
			const { image } = await ai.generateImage({
				model: provider.image('flux-kontext-pro'),
				prompt: 'a red bicycle',
				size: '1024x768',
				maxRetries: 0,
			});
			const probe = await probeImage(Buffer.from(image.uint8Array));
			expect(probe?.format).toBe('png');
			expect((probe?.width ?? 0) / (probe?.height ?? 1)).toBeCloseTo(4 / 3, 1);
			expect(submits()[0]).toMatchObject({
				path: '/v1/flux-kontext-pro',
				status: 200,
				unknownFields: ['width', 'height'],
			});
		});

		test('flux-pro-1.1 by aspect ratio: aspect_ratio is recorded and ignored; the default 1024×768 JPEG comes back', async () => {
			const { image } = await ai.generateImage({
				model: provider.image('flux-pro-1.1'),
				prompt: 'a harbour',
				aspectRatio: '16:9',
				maxRetries: 0,
			});
			expect(await probeImage(Buffer.from(image.uint8Array))).toEqual({
				format: 'jpeg',
				width: 1024,
				height: 768,
			});
			expect(submits()[0]).toMatchObject({
				status: 200,
				unknownFields: ['aspect_ratio'],
				bodyKeys: ['prompt', 'aspect_ratio'],
			});
		});

		test('flux-pro-1.0-fill with an image and a mask: raw base64 accepted, the output keeps the input size', async () => {
			const png = await renderImage({ width: 160, height: 96, format: 'png', seed: 5 });
			const mask = await renderImage({ width: 160, height: 96, format: 'png', seed: 6 });
			const { image } = await ai.generateImage({
				model: provider.image('flux-pro-1.0-fill'),
				prompt: { text: 'a window', images: [png], mask },
				maxRetries: 0,
			});
			expect(await probeImage(Buffer.from(image.uint8Array))).toEqual({
				format: 'jpeg',
				width: 160,
				height: 96,
			});
			expect(submits()[0]).toMatchObject({
				status: 200,
				unknownFields: [],
				body: {
					image: expect.stringMatching(/^<base64 \d+ chars>$/),
					mask: expect.stringMatching(/^<base64/),
				},
			});
		});

		test('flux-3-video: the strict route takes its body, it polls through Reasoning/Generating, reads the settled cost and gets a real MP4', async () => {
			const result = await ai.experimental_generateVideo({
				model: provider.video('flux-3-video'),
				prompt: 'waves at night',
				aspectRatio: '16:9',
				maxRetries: 0,
				poll: { intervalMs: 50 },
				download: async ({ url }) => {
					const response = await fetchVia(url);
					return {
						data: new Uint8Array(await response.arrayBuffer()),
						mediaType: response.headers.get('content-type') ?? undefined,
					};
				},
			});
			const [submit] = submits();
			expect(submit).toMatchObject({
				path: '/v1/flux-3-video',
				status: 200,
				unknownFields: [],
				body: { mode: 't2v', prompt: 'waves at night', aspect_ratio: '16:9' },
			});
			const answers = emulator.ledger
				.filter((entry) => entry.path === '/v1/get_result')
				.map((entry) => entry.answer);
			expect(answers).toEqual(expect.arrayContaining(['Reasoning', 'Generating', 'Ready']));
			const task = emulator.tasks.get(submit.taskId);
			expect(result.providerMetadata.blackForestLabs.videos[0].cost).toBe(task.settledCost);
			expect(task.settledCost).toBeLessThan(task.cost);
			expect(sniffMp4(Buffer.from(result.video.uint8Array))).toMatchObject({
				durationSeconds: 5,
				width: 160,
				height: 90,
			});
		});

		test('flux-3-video from an image: the keyframe list is accepted as sent', async () => {
			const still = await renderImage({ width: 256, height: 256, format: 'png', seed: 9 });
			const result = await ai.experimental_generateVideo({
				model: provider.video('flux-3-video'),
				prompt: { image: still, text: 'the square starts to spin' },
				duration: 6,
				maxRetries: 0,
				poll: { intervalMs: 50 },
				download: async ({ url }) => ({
					data: new Uint8Array(await (await fetchVia(url)).arrayBuffer()),
					mediaType: 'video/mp4',
				}),
			});
			expect(submits()[0]).toMatchObject({
				status: 200,
				unknownFields: [],
				body: { mode: 'i2v', duration: 6, keyframes: [expect.stringMatching(/^<base64/)] },
			});
			expect(sniffMp4(Buffer.from(result.video.uint8Array))).toMatchObject({
				durationSeconds: 6,
				width: 160,
				height: 160,
			});
		});
	},
);
