// @ts-check
'use strict';
/**
 * End to end in a real n8n (1.123 on Node 20, 2.x on Node 24) against the emulator: version 2's
 * 2026 endpoints from workflows (erase, FLUX 3 with three references, outpainting, try-on, a video
 * saved by Write Files, an upscale of a binary MP4), bad inputs refused before any paid request,
 * n8n's Retry On Fail paying once, the spend cap, moderated items on their own output, oversized
 * inputs refused without n8n's memory growing, workflows saved with version 1 still running, and an
 * active FLUX Trigger receiving BFL's callback.
 * Run alone: `npm run build && node --test e2e/features.e2e.test.js` (E2E_N8N_MAJORS=1 or 2).
 */
const { after, before, describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { request } = require('undici');

const { startEmulator } = require('../emulator/server');
const { probeImage } = require('../emulator/images');
const { renderVideo } = require('../emulator/video');
const { sniffMp4 } = require('../dist/nodes/Flux/media/mp4');
const { nodeOutput, watchPeakMemory, FLUX_TRIGGER_TYPE } = require('../harness/n8n');
const { sharedN8n, startN8n } = require('../harness/server');
const { CREDENTIAL, codeNode, fluxNode, node, workflow } = require('../harness/workflows');

const MAJORS = (process.env.E2E_N8N_MAJORS ?? '1,2').split(',').map(Number);
const KEY = 'bfl_e2e_placeholder_key';
const SECRET = 'e2e-placeholder-webhook-secret-0123';
const MB = 1000 * 1000;

/** @param {any} item @param {string} [property] */
function bytesOf(item, property = 'data') {
	const binary = item.binary?.[property];
	assert.ok(binary, `item has no binary "${property}": ${JSON.stringify(item.json).slice(0, 400)}`);
	return Buffer.from(binary.data, 'base64');
}

/** Code node: one item carrying the binaries of earlier nodes' first items under new names. */
function combine(name, sources) {
	const parts = Object.entries(sources).map(([as, [from, index, property]]) => `${JSON.stringify(as)}: $(${JSON.stringify(from)}).all()[${index}].binary.${property}`);
	return node(name, 'n8n-nodes-base.code', { jsCode: `return [{ json: {}, binary: { ${parts.join(', ')} } }];` });
}

/**
 * Submit → Wait → Get Result (Still Running Output) → back to Wait while BFL works, as
 * examples/get-result-loop.json does with a longer Wait. @param {Record<string, unknown>} klein
 */
function stillRunningLoop(klein) {
	const loop = workflow('e2eV2Loop000001', [
		fluxNode('Submit', { ...klein, prompt: 'a slow kite [[slow=5000]]', waitForResult: false }),
		node('Wait', 'n8n-nodes-base.wait', { resume: 'timeInterval', amount: 1.5, unit: 'seconds' }, { typeVersion: 1.1 }),
		fluxNode('Get Result', { resource: 'task', operation: 'getResult', task: '={{ $json.pollingUrl }}', options: { stillRunningOutput: true } }),
	]);
	loop.connections['Get Result'] = { main: [[], [{ node: 'Wait', type: 'main', index: 0 }]] };
	return loop;
}

/**
 * What users ask for (issue 21): several images per item, a size people type, a Size preset, a
 * free estimate, and the bad inputs of each refused before anything is paid. Every FLUX node takes
 * the trigger's one item.
 */
function asksWorkflow() {
	const flow = workflow('e2eV2Asks000001', []);
	const klein = (/** @type {string} */ prompt) => ({ resource: 'image', operation: 'generate', model: 'flux-2-klein-4b', prompt });
	const onError = { onError: 'continueRegularOutput' };
	const branches = [
		fluxNode('Three Images', { ...klein('three foxes'), width: 256, height: 256, modelOptions: { seed: 7 }, options: { numberOfImages: 3 } }),
		fluxNode('Typed Reels Size', { ...klein('a reel'), width: 1080, height: 1920 }),
		fluxNode('Story Preset', { ...klein('a story'), size: 'story-1mp' }),
		fluxNode('Estimate', { resource: 'image', operation: 'generate', model: 'flux-2-pro', prompt: 'priced only', width: 1024, height: 1024, options: { estimateOnly: true, numberOfImages: 2 } }),
		fluxNode('Nine Images', { ...klein('refused nine'), options: { numberOfImages: 9 } }, onError),
		fluxNode('Zero Images', { ...klein('refused zero'), options: { numberOfImages: 0 } }, onError),
		fluxNode('Too Large', { ...klein('refused large'), width: 2400, height: 2400 }, onError),
	];
	flow.nodes.push(...branches);
	flow.connections.Start = { main: [branches.map((branch) => ({ node: branch.name, type: 'main', index: 0 }))] };
	return flow;
}

/** Workflows built once per instance (they name the emulator's and the folders' paths). */
function buildWorkflows({ out, video25, bigFile, blobBase }) {
	const generate = (name, prompt, extra = {}) =>
		fluxNode(name, { resource: 'image', operation: 'generate', model: 'flux-2-klein-4b', prompt, width: 320, height: 320, modelOptions: { outputFormat: 'png' }, ...extra });
	const tools = workflow('e2eV2Tools00001', [
		codeNode('Prompts', [{ prompt: 'a person in a park' }, { prompt: 'a red raincoat' }, { prompt: 'a mask shape' }]),
		generate('Generate', '={{ $json.prompt }}'),
		combine('Inputs', { data: ['Generate', 0, 'data'], garment: ['Generate', 1, 'data'], mask: ['Generate', 2, 'data'], ref2: ['Generate', 1, 'data'], ref3: ['Generate', 2, 'data'] }),
		fluxNode('Erase', { resource: 'image', operation: 'erase', image: 'data', mask: 'mask' }),
	]);
	// Branches after Inputs: every tool reads the combined item.
	const branch = (name, parameters) => fluxNode(name, parameters);
	tools.nodes.push(
		branch('FLUX 3', { resource: 'image', operation: 'edit', model: 'flux-3-image', prompt: 'the person of image 1 in the coat of image 2, background of image 3', images: 'data, ref2, ref3', resolution: '1k' }),
		branch('Outpaint', { resource: 'image', operation: 'expand', model: 'outpainting-v1', inputImage: 'data', width: 640, height: 480 }),
		branch('Try On', { resource: 'image', operation: 'tryOn', model: 'vto-v2', person: 'data', garment: 'garment' }),
	);
	for (const name of ['FLUX 3', 'Outpaint', 'Try On']) tools.connections.Inputs.main[0].push({ node: name, type: 'main', index: 0 });

	const video = workflow('e2eV2Video00001', [
		fluxNode('Video', { resource: 'video', operation: 'generate', prompt: 'waves on a beach at dawn', duration: 5, resolution: 'hd' }),
		node('Save Video', 'n8n-nodes-base.readWriteFile', { operation: 'write', fileName: `=${out}/{{ $json.taskId }}.{{ $binary.data.fileExtension }}`, dataPropertyName: 'data', options: {} }),
		fluxNode('Upscale', { resource: 'video', operation: 'upscale', inputVideo: 'data', upscaleFactor: 2 }),
	]);

	const refusals = workflow('e2eV2Refusals01', [
		generate('Image', 'a lighthouse'),
		node('Read 25 s Video', 'n8n-nodes-base.readWriteFile', { operation: 'read', fileSelector: video25, options: {} }),
	]);
	const refused = {
		'Canvas over 4 MP': { resource: 'image', operation: 'expand', model: 'outpainting-v1', inputImage: 'data', width: 2600, height: 2600 },
		// An expression that yields nothing, as a missing upstream field would (an empty literal
		// would be a parameter issue n8n itself refuses to run).
		'Erase without mask': { resource: 'image', operation: 'erase', image: 'data', mask: '={{ $json.mask }}' },
		'FLUX 3 safety 5': { resource: 'image', operation: 'generate', model: 'flux-3-image', prompt: 'x', modelOptions: { safetyTolerance: 5 } },
		'Eleven references': { resource: 'image', operation: 'edit', model: 'flux-3-image', prompt: 'x', images: Array(11).fill('data').join(', ') },
	};
	for (const [name, parameters] of Object.entries(refused)) {
		refusals.nodes.push(fluxNode(name, parameters, { onError: 'continueRegularOutput' }));
		refusals.connections.Image = refusals.connections.Image ?? { main: [[]] };
		refusals.connections.Image.main[0].push({ node: name, type: 'main', index: 0 });
	}
	refusals.connections.Image.main[0].push({ node: 'Read 25 s Video', type: 'main', index: 0 });
	refusals.nodes.push(fluxNode('Edit 25 s Video', { resource: 'video', operation: 'edit', video: 'data', prompt: 'make it rain' }, { onError: 'continueRegularOutput' }));
	refusals.connections['Read 25 s Video'] = { main: [[{ node: 'Edit 25 s Video', type: 'main', index: 0 }]] };

	const prompts = (count, moderatedAt) =>
		codeNode('Prompts', Array.from({ length: count }, (_, index) => ({ prompt: `postcard ${index}${index === moderatedAt ? ' [[content-moderated]]' : ''}` })));
	const klein = { resource: 'image', operation: 'generate', model: 'flux-2-klein-4b', prompt: '={{ $json.prompt }}', width: 256, height: 256 };

	return {
		tools,
		video,
		refusals,
		retryStop: workflow('e2eV2RetryStop1', [prompts(4, 1), fluxNode('Generate', klein, { retryOnFail: true, maxTries: 2, waitBetweenTries: 100 })]),
		retryContinue: workflow('e2eV2RetryCont1', [prompts(4, 0), fluxNode('Generate', klein, { retryOnFail: true, maxTries: 2, waitBetweenTries: 100, onError: 'continueRegularOutput' })]),
		cap: workflow('e2eV2SpendCap01', [prompts(24), fluxNode('Generate', { ...klein, options: { maxCredits: 10 } }, { onError: 'continueRegularOutput' })]),
		moderated: workflow('e2eV2Moderated1', [prompts(3, 1), fluxNode('Generate', { ...klein, options: { routeModerated: true } })]),
		later: workflow('e2eV2Later00001', [
			fluxNode('Submit', { ...klein, prompt: 'a paper boat', waitForResult: false }),
			fluxNode('Get Result', { resource: 'task', operation: 'getResult', task: '={{ $json.pollingUrl }}' }),
		]),
		loop: stillRunningLoop(klein),
		asks: asksWorkflow(),
		// BFL as it is at the end of 2026 (issue 19): what the emulator speaks beyond the references.
		bfl2026: workflow('e2eV2Bfl2026001', [
			fluxNode('Unknown Status', { ...klein, prompt: 'a harbour [[unknown-status=Rendering]]' }),
			fluxNode('Poll 429', { ...klein, prompt: 'a harbour [[poll-429-first=2]]' }),
			fluxNode('Redirected', { ...klein, prompt: 'a harbour [[poll-redirect=other]] [[delivery-redirect=other]]' }),
			fluxNode('WebP on FLUX1.1', { resource: 'image', operation: 'generate', model: 'flux-pro-1.1', prompt: 'a harbour', width: 512, height: 384, modelOptions: { outputFormat: 'webp' } }),
			fluxNode('Video Lists', { resource: 'video', operation: 'generate', prompt: 'waves at dawn', duration: 5, resolution: 'hd' }),
		]),
		account: workflow('e2eV2Account001', [
			fluxNode('Credits', { resource: 'account', operation: 'getCredits' }),
			fluxNode('Finetunes', { resource: 'finetune', operation: 'list' }),
			fluxNode('Details', { resource: 'finetune', operation: 'get', finetuneId: { __rl: true, mode: 'id', value: '={{ $json.finetunes[0] }}' } }),
			fluxNode('Portrait', {
				resource: 'image',
				operation: 'generate',
				model: 'flux-pro-1.1-ultra-finetuned',
				finetuneId: { __rl: true, mode: 'list', value: "={{ $('Finetunes').item.json.finetunes[0] }}" },
				prompt: 'a portrait at golden hour',
				aspectRatio: '1:1',
			}),
		]),
		oversizedUrl: workflow('e2eV2BigUrl0001', [
			fluxNode('Declared 300 MB', { resource: 'image', operation: 'fill', image: `${blobBase}/_emulator/blob?bytes=${300 * MB}&kind=png&length=header` }, { onError: 'continueRegularOutput' }),
			fluxNode('Streamed 300 MB', { resource: 'image', operation: 'fill', image: `${blobBase}/_emulator/blob?bytes=${300 * MB}&kind=png&length=chunked` }, { onError: 'continueRegularOutput' }),
		]),
		oversizedBinary: workflow('e2eV2BigFile001', [
			node('Read 300 MB', 'n8n-nodes-base.readWriteFile', { operation: 'read', fileSelector: bigFile, options: {} }),
			fluxNode('Fill', { resource: 'image', operation: 'fill', image: 'data' }, { onError: 'continueRegularOutput' }),
		]),
	};
}

for (const major of MAJORS) {
	describe(`version 2 in n8n ${major === 1 ? '1.123 on Node 20' : '2.x on Node 24'}`, () => {
		/** @type {Awaited<ReturnType<typeof startEmulator>>} */
		let emulator;
		/** @type {Awaited<ReturnType<typeof sharedN8n>>} */
		let n8n;
		/** @type {ReturnType<typeof buildWorkflows>} */
		let flows;
		const out = mkdtempSync(join(tmpdir(), 'n8n-bfl-out-'));

		/** n8n 2.x with SSRF protection on, for one test: it starts while the tests before it run. @type {ReturnType<typeof startN8n> | undefined} */
		let guardedN8n;

		before(async () => {
			if (major === 2) {
				guardedN8n = startN8n({
					major: 2,
					// The emulator on loopback is allowed, as an admin allows an internal proxy.
					env: { N8N_SSRF_PROTECTION_ENABLED: 'true', N8N_SSRF_ALLOWED_HOSTNAMES: 'localhost', N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.1/32' },
				});
				guardedN8n.catch(() => undefined); // its test reports a failure to start
			}
			emulator = await startEmulator({ generationMs: 400, videoGenerationMs: 1200 });
			const video25 = join(out, 'clip-25s.mp4');
			writeFileSync(video25, renderVideo({ width: 160, height: 96, seconds: 25, seed: 3 }));
			const bigFile = join(out, 'big.png');
			// A PNG signature followed by 300 MB of zeros, written sparse (no disk used).
			spawnSync('truncate', ['-s', String(300 * MB), bigFile]);
			const fd = openSync(bigFile, 'r+');
			writeSync(fd, Buffer.from('89504e470d0a1a0a0000000d49484452000003e8000003e80802000000', 'hex'), 0, 29, 0);
			closeSync(fd);
			flows = buildWorkflows({ out, video25, bigFile, blobBase: emulator.apiBase });
			n8n = await sharedN8n(/** @type {1 | 2} */ (major));
			await n8n.addCredential({ type: 'bflApi', data: { apiKey: KEY, region: 'custom', baseUrl: emulator.apiBase, finetuneBaseUrl: emulator.us1Base, webhookSecret: SECRET } });
			for (const flow of Object.values(flows)) await n8n.addWorkflow(flow);
		});

		after(async () => {
			await n8n?.close();
			await (await guardedN8n?.catch(() => undefined))?.close();
			await emulator?.close();
			rmSync(out, { recursive: true, force: true });
		});

		const submitsTo = (path) => emulator.ledger.filter((entry) => entry.method === 'POST' && entry.path === path);

		test('the FLUX Tools and FLUX 3 from binary inputs of earlier nodes: erase, three references, outpainting, try-on', async () => {
			emulator.reset();
			const { run } = await n8n.run('e2eV2Tools00001');
			assert.equal(run.status, 'success', JSON.stringify(run.data.resultData.error));
			const [erased] = nodeOutput(run, 'Erase');
			assert.deepEqual(await probeImage(bytesOf(erased)), { format: 'png', width: 320, height: 320 }, 'erase keeps the size, PNG by default');
			assert.equal(erased.binary.data.mimeType, 'image/png');
			const [flux3] = nodeOutput(run, 'FLUX 3');
			assert.equal((await probeImage(bytesOf(flux3)))?.format, 'jpeg');
			assert.equal(flux3.binary.data.fileExtension, 'jpg', 'the extension matches the bytes');
			const [outpainted] = nodeOutput(run, 'Outpaint');
			assert.deepEqual(await probeImage(bytesOf(outpainted)), { format: 'png', width: 640, height: 480 }, 'the larger canvas');
			const [dressed] = nodeOutput(run, 'Try On');
			assert.equal((await probeImage(bytesOf(dressed)))?.format, 'jpeg', 'try-on is JPEG by default');

			const [eraseSubmit] = submitsTo('/v1/flux-tools/erase-v1');
			assert.deepEqual(eraseSubmit.bodyKeys.sort(), ['image', 'mask']);
			const [flux3Submit] = submitsTo('/v1/flux-3-image');
			assert.equal(flux3Submit.body.images.length, 3, 'three reference images as a list');
			assert.ok(flux3Submit.body.images.every((entry) => /^<base64 \d+ chars>$/.test(entry)));
			assert.deepEqual(submitsTo('/v1/flux-tools/outpainting-v1')[0].bodyKeys.sort(), ['height', 'input_image', 'width']);
			assert.deepEqual(submitsTo('/v1/flux-tools/vto-v2')[0].bodyKeys.sort(), ['garment', 'person', 'prompt']);
			assert.ok(emulator.ledger.every((entry) => (entry.unknownFields ?? []).length === 0), 'the node never sends a field the route does not know');
		});

		test('a text-to-video MP4 saved by Write Files plays, and a binary MP4 is upscaled', async () => {
			emulator.reset();
			const { run } = await n8n.run('e2eV2Video00001');
			assert.equal(run.status, 'success', JSON.stringify(run.data.resultData.error));
			const [clip] = nodeOutput(run, 'Video');
			assert.equal(clip.binary.data.mimeType, 'video/mp4');
			assert.equal(clip.binary.data.fileExtension, 'mp4');
			const saved = readdirSync(out).filter((file) => file === `${clip.json.taskId}.mp4`);
			assert.equal(saved.length, 1, 'Write Files saved the MP4');
			const info = sniffMp4(readFileSync(join(out, saved[0])));
			assert.ok(info, 'the saved file is an MP4 container');
			assert.equal(Math.round(info.durationSeconds ?? 0), 5);
			assert.equal(clip.json.videoSeconds, 5);
			const settled = emulator.ledger.filter((entry) => entry.path === '/v1/get_result' && entry.answer === 'Ready');
			assert.ok(settled.length >= 2);
			const [upscaled] = nodeOutput(run, 'Upscale');
			const upscaledInfo = sniffMp4(bytesOf(upscaled));
			assert.equal(Math.round(upscaledInfo?.durationSeconds ?? 0), 5);
			const [upscaleSubmit] = submitsTo('/v1/flux-tools/video-upscale-v1');
			assert.match(upscaleSubmit.body.input_video, /^<base64 \d+ chars>$/, 'the binary MP4 went as base64');
		});

		test('bad inputs are refused before any paid request, each naming its field', async () => {
			emulator.reset();
			const { run } = await n8n.run('e2eV2Refusals01');
			const expectations = {
				'Canvas over 4 MP': /Canvas Width \(width\) × height must be at most 4,194,304 pixels/,
				'Erase without mask': /Mask \(mask\) is required/,
				'FLUX 3 safety 5': /Safety Tolerance \(safetyTolerance\) must be a whole number 0 to 4; got 5/,
				'Eleven references': /Reference Images \(images\) must be 1 to 10 entries.*got 11/,
				'Edit 25 s Video': /Video \(video\): .* is 25\.0 s long; FLUX Video Edit \[fast\] takes at most 15 s/,
			};
			for (const [name, message] of Object.entries(expectations)) {
				const [item] = nodeOutput(run, name);
				assert.match(String(item.json.error), message, `${name}: ${JSON.stringify(item.json)}`);
			}
			const paid = emulator.ledger.filter((entry) => entry.method === 'POST').map((entry) => entry.path);
			assert.deepEqual(paid, ['/v1/flux-2-klein-4b'], 'only the input image was generated');
		});

		test("n8n's Retry On Fail with a moderated item: the retry pays for nothing twice", async () => {
			emulator.reset();
			const stopped = await n8n.run('e2eV2RetryStop1');
			assert.equal(stopped.run.status, 'error');
			assert.match(stopped.run.data.resultData.error.message, /Content Moderated/);
			const accepted = () => submitsTo('/v1/flux-2-klein-4b').filter((entry) => entry.status === 200);
			assert.equal(accepted().length, 4, '4 submits for 4 items, not 8');
			assert.equal(new Set(accepted().map((entry) => entry.body.prompt)).size, 4);

			emulator.reset();
			const { run } = await n8n.run('e2eV2RetryCont1');
			assert.equal(run.status, 'success', JSON.stringify(run.data.resultData.error));
			const items = nodeOutput(run, 'Generate');
			assert.match(String(items[0].json.error), /Content Moderated/);
			for (const item of items.slice(1)) assert.equal((await probeImage(bytesOf(item)))?.format, 'jpeg');
			assert.equal(accepted().length, 4, 'the retry (item 0 had an error) collected the three images instead of paying again');
			const downloads = emulator.ledger.filter((entry) => entry.path.startsWith('/results/'));
			assert.equal(downloads.length, 6, 'each good image downloaded on both tries, submitted once');
		});

		test('a cap of 10 credits over 24 items submits only what fits', async () => {
			emulator.reset();
			const { run } = await n8n.run('e2eV2SpendCap01');
			const items = nodeOutput(run, 'Generate');
			assert.equal(items.length, 24);
			const accepted = submitsTo('/v1/flux-2-klein-4b').filter((entry) => entry.status === 200);
			assert.equal(accepted.length, 7, 'klein 4B at 256×256 costs 1.4: 7 fit under 10');
			assert.equal(items.filter((item) => item.binary?.data).length, 7);
			const refused = items.filter((item) => item.json.error);
			assert.equal(refused.length, 17);
			assert.match(String(refused[0].json.error), /Max Credits per Execution reached/);
			assert.ok(Math.max(...items.map((item) => Number(item.json.executionCost ?? 0))) <= 10);
		});

		test('Route Moderated Items: the moderated prompt on the second output, the others on the first', async () => {
			emulator.reset();
			const { run } = await n8n.run('e2eV2Moderated1');
			assert.equal(run.status, 'success', JSON.stringify(run.data.resultData.error));
			const outputs = run.data.resultData.runData.Generate[0].data.main;
			assert.deepEqual(outputs[0].map((item) => item.pairedItem.item), [0, 2]);
			assert.equal(outputs[1].length, 1);
			assert.equal(outputs[1][0].pairedItem.item, 1);
			assert.equal(outputs[1][0].json.status, 'Content Moderated');
			assert.equal(outputs[1][0].json.stage, 'content');
		});

		test('submit without waiting, then Get Result with the polling URL: the same image and JSON', async () => {
			emulator.reset();
			const { run } = await n8n.run('e2eV2Later00001');
			assert.equal(run.status, 'success', JSON.stringify(run.data.resultData.error));
			const [submitted] = nodeOutput(run, 'Submit');
			assert.ok(submitted.json.pollingUrl && !submitted.binary, 'returned right after the submit');
			const [collected] = nodeOutput(run, 'Get Result');
			assert.equal(collected.json.taskId, submitted.json.taskId);
			assert.deepEqual(await probeImage(bytesOf(collected)), { format: 'jpeg', width: 256, height: 256 });
			assert.equal(submitsTo('/v1/flux-2-klein-4b').length, 1, 'collected, not submitted again');
		});

		test('Get Result with Still Running Output loops a task through a Wait until it is done, collecting it once', async () => {
			emulator.reset();
			const { run } = await n8n.run('e2eV2Loop000001');
			assert.equal(run.status, 'success', JSON.stringify(run.data.resultData.error));
			const runs = run.data.resultData.runData['Get Result'];
			assert.ok(runs.length >= 2, `Get Result ran ${runs.length} time(s)`);
			const [submitted] = nodeOutput(run, 'Submit');
			for (const earlier of runs.slice(0, -1)) {
				const [running] = earlier.data.main[1];
				assert.equal(running.json.stillRunning, true);
				assert.equal(running.json.pollingUrl, submitted.json.pollingUrl, 'the Still Running item carries what to loop on');
				assert.equal(earlier.data.main[0].length, 0);
			}
			const [done] = runs[runs.length - 1].data.main[0];
			assert.equal(done.json.taskId, submitted.json.taskId);
			assert.equal(done.json.status, 'Ready');
			assert.deepEqual(await probeImage(bytesOf(done)), { format: 'jpeg', width: 256, height: 256 });
			assert.equal(submitsTo('/v1/flux-2-klein-4b').length, 1, 'submitted once, however often it was looked at');
		});

		test('what users ask for: several images per item, typed sizes and presets on the grid, a free estimate; bad counts and sizes refused unpaid', async () => {
			emulator.reset();
			const { run } = await n8n.run('e2eV2Asks000001');
			assert.equal(run.status, 'success', JSON.stringify(run.data.resultData.error));
			const submitsOf = (/** @type {string} */ prompt) => submitsTo('/v1/flux-2-klein-4b').filter((entry) => entry.body.prompt === prompt);

			const three = nodeOutput(run, 'Three Images');
			assert.equal(three.length, 3, 'one item per image');
			assert.deepEqual(three.map((item) => item.pairedItem?.item ?? item.pairedItem), [0, 0, 0], 'each paired to the one input item');
			assert.deepEqual(three.map((item) => item.json.imageIndex), [0, 1, 2]);
			assert.deepEqual(submitsOf('three foxes').map((entry) => entry.body.seed).sort(), [7, 8, 9], 'seed + i: a set made again is the same set');
			assert.deepEqual(three.map((item) => item.json.seed).sort(), [7, 8, 9]);
			for (const item of three) assert.deepEqual(await probeImage(bytesOf(item)), { format: 'jpeg', width: 256, height: 256 });

			const [reel] = nodeOutput(run, 'Typed Reels Size');
			assert.deepEqual([submitsOf('a reel')[0].body.width, submitsOf('a reel')[0].body.height], [1088, 1920], '1080 moved to FLUX.2’s grid of 16');
			assert.deepEqual([reel.json.requestedWidth, reel.json.requestedHeight, reel.json.width, reel.json.height], [1080, 1920, 1088, 1920]);
			assert.deepEqual(await probeImage(bytesOf(reel)), { format: 'jpeg', width: 1088, height: 1920 });
			assert.deepEqual([submitsOf('a story')[0].body.width, submitsOf('a story')[0].body.height], [768, 1344], 'Story 9:16, 1 MP');

			const estimates = nodeOutput(run, 'Estimate');
			assert.equal(estimates.length, 2);
			for (const estimate of estimates) {
				assert.equal(estimate.json.estimateOnly, true);
				assert.equal(estimate.json.expectedCredits, 3, 'FLUX.2 [pro] at 1 MP');
				assert.equal(estimate.json.totalExpectedCredits, 6);
			}
			assert.equal(submitsTo('/v1/flux-2-pro').length, 0, 'the estimate sent nothing to BFL');

			const refusals = {
				'Nine Images': /^Number of Images \(numberOfImages\) must be a whole number 1 to 8; got 9/,
				'Zero Images': /^Number of Images \(numberOfImages\) must be a whole number 1 to 8; got 0/,
				'Too Large': /× height must be at most 4,194,304 pixels/,
			};
			for (const [name, message] of Object.entries(refusals)) assert.match(String(nodeOutput(run, name)[0].json.error), message, name);
			for (const prompt of ['refused nine', 'refused zero', 'refused large']) assert.equal(submitsOf(prompt).length, 0, `${prompt}: nothing paid`);
		});

		test('BFL at the end of 2026: an unknown status, 429 on a poll, redirects to another host, WebP on FLUX1.1, video result lists', async () => {
			emulator.reset();
			emulator.config.videoResultLists = 2;
			let run;
			try {
				({ run } = await n8n.run('e2eV2Bfl2026001'));
			} finally {
				emulator.config.videoResultLists = false;
			}
			assert.equal(run.status, 'success', JSON.stringify(run.data.resultData.error));
			const taskOf = (/** @type {string} */ marker) => submitsTo('/v1/flux-2-klein-4b').filter((entry) => String(entry.body.prompt).includes(marker));
			const pollsOf = (/** @type {string} */ taskId) => emulator.ledger.filter((entry) => entry.method === 'GET' && entry.path === '/v1/get_result' && entry.taskId === taskId);

			const [unknown] = nodeOutput(run, 'Unknown Status');
			assert.deepEqual(unknown.json.unknownStatuses, ['Rendering'], 'the status seen is named once');
			assert.deepEqual(await probeImage(bytesOf(unknown)), { format: 'jpeg', width: 256, height: 256 });

			const [throttled] = nodeOutput(run, 'Poll 429');
			assert.equal(taskOf('poll-429').length, 1, 'a 429 on a poll never resubmits');
			const throttledPolls = pollsOf(String(throttled.json.taskId));
			assert.deepEqual(throttledPolls.slice(0, 2).map((entry) => entry.status), [429, 429]);
			assert.ok(throttledPolls.some((entry) => entry.status === 200), 'the same URL polled again until Ready');
			assert.ok(bytesOf(throttled).length > 0);

			const [redirected] = nodeOutput(run, 'Redirected');
			assert.ok(bytesOf(redirected).length > 0, 'polled and downloaded through the redirects');
			// By port: the other host answers polls as 127.0.0.1 and downloads as its delivery name (localhost).
			const otherPort = new URL(emulator.otherBase).port;
			const onOther = emulator.ledger.filter((entry) => String(entry.host).endsWith(`:${otherPort}`));
			const reached = JSON.stringify(onOther.map((entry) => entry.path));
			assert.ok(onOther.some((entry) => entry.path === '/v1/get_result'), `a poll reached the other host: ${reached}`);
			assert.ok(onOther.some((entry) => entry.path.startsWith('/results/')), `a download reached the other host: ${reached}`);
			assert.ok(onOther.every((entry) => !entry.keyPresent), 'the key never followed a redirect to another host');

			const [webp] = nodeOutput(run, 'WebP on FLUX1.1');
			assert.deepEqual(await probeImage(bytesOf(webp)), { format: 'webp', width: 512, height: 384 });
			assert.equal(submitsTo('/v1/flux-pro-1.1')[0].body.output_format, 'webp');

			const [clip] = nodeOutput(run, 'Video Lists');
			assert.equal(clip.binary.data.mimeType, 'video/mp4');
			assert.equal(/** @type {string[]} */ (clip.json.sampleUrls).length, 2, 'every file of result.samples is listed');
			assert.equal(Math.round(sniffMp4(bytesOf(clip))?.durationSeconds ?? 0), 5);
		});

		test('credits and finetunes: the balance, the finetune list and details on the finetune host, and inference there', async () => {
			emulator.reset();
			const { run } = await n8n.run('e2eV2Account001');
			assert.equal(run.status, 'success', JSON.stringify(run.data.resultData.error));
			assert.equal(typeof nodeOutput(run, 'Credits')[0].json.credits, 'number');
			const [list] = nodeOutput(run, 'Finetunes');
			assert.ok(list.json.finetunes.includes('ft-us-portrait-0001'), JSON.stringify(list.json));
			assert.equal(list.json.host, emulator.us1Base);
			assert.ok(nodeOutput(run, 'Details')[0].json.details, 'finetune details');
			const [portrait] = nodeOutput(run, 'Portrait');
			assert.ok(bytesOf(portrait).length > 0);
			const hosts = emulator.ledger.filter((entry) => entry.path.includes('finetune')).map((entry) => entry.host);
			assert.ok(hosts.length >= 3 && hosts.every((host) => emulator.us1Base.endsWith(host)), `finetune traffic on us1 only: ${hosts.join(', ')}`);
		});

		test('a 300 MB URL and a 300 MB binary are refused in seconds, naming the field and the limit, nothing sent, memory low', async (t) => {
			emulator.reset();
			const baselinePeak = watchPeakMemory(n8n.info.pid);
			await n8n.run('e2eV2Moderated1');
			const baseline = baselinePeak();
			emulator.reset();

			let peak = watchPeakMemory(n8n.info.pid);
			const started = Date.now();
			const urls = await n8n.run('e2eV2BigUrl0001');
			const urlPeak = peak();
			const urlSeconds = (Date.now() - started) / 1000;
			for (const name of ['Declared 300 MB', 'Streamed 300 MB']) {
				const [item] = nodeOutput(urls.run, name);
				assert.match(String(item.json.error), /^Image \(image\): the image is (over )?\d+(\.\d+)? MB; FLUX\.1 Fill \[pro\] takes at most 20 MB per image/, JSON.stringify(item.json));
			}
			const blobs = emulator.ledger.filter((entry) => entry.path === '/_emulator/blob');
			const streamed = blobs.find((entry) => entry.query.length === 'chunked');
			assert.ok(streamed && streamed.bytesSent < 30 * MB, `the streamed download stopped early: ${streamed?.bytesSent} bytes sent`);

			// Binary data on disk (the server's filesystem mode), as a large file from Read/Write Files is stored.
			peak = watchPeakMemory(n8n.info.pid);
			const binary = await n8n.run('e2eV2BigFile001');
			const filePeak = peak();
			const [item] = nodeOutput(binary.run, 'Fill');
			assert.match(String(item.json.error), /^Image \(image\): the image is 300 MB; FLUX\.1 Fill \[pro\] takes at most 20 MB per image/, JSON.stringify(item.json));
			assert.equal(emulator.ledger.filter((entry) => entry.method === 'POST').length, 0, 'nothing reached BFL');

			t.diagnostic(`n8n peak RSS: baseline ${baseline} MB, 300 MB URLs ${urlPeak} MB (${urlSeconds.toFixed(1)} s), 300 MB binary ${filePeak} MB; streamed URL stopped after ${(streamed.bytesSent / MB).toFixed(1)} MB`);
			console.log(`# memory: baseline ${baseline} MB; 300 MB URLs ${urlPeak} MB; 300 MB binary ${filePeak} MB`);
			// Far below the input's size: within 150 MB of a run without large inputs.
			assert.ok(urlPeak < baseline + 150, `URL run peaked at ${urlPeak} MB (baseline ${baseline} MB)`);
			assert.ok(filePeak < baseline + 150, `binary run peaked at ${filePeak} MB (baseline ${baseline} MB)`);
		});

		test(
			"with n8n's SSRF protection on, a link-local or private input URL is refused before anything is fetched or paid",
			{ skip: major === 1 && 'n8n 1.123 has no SSRF protection setting (see the README)' },
			async () => {
				emulator.reset();
				const guarded = /** @type {Awaited<ReturnType<typeof startN8n>>} */ (await guardedN8n);
				await guarded.addCredential({ type: 'bflApi', data: { apiKey: KEY, region: 'custom', baseUrl: emulator.apiBase } });
				const onError = { onError: 'continueRegularOutput' };
				await guarded.addWorkflow(
					workflow('e2eV2Ssrf000001', [
						fluxNode('Allowed', { resource: 'image', operation: 'generate', model: 'flux-2-klein-4b', prompt: 'a harbour', width: 256, height: 256 }),
						fluxNode('Link-local', { resource: 'image', operation: 'edit', model: 'flux-2-pro', prompt: 'x', inputImage: 'http://169.254.169.254/latest/meta-data/iam' }, onError),
						fluxNode('Private', { resource: 'image', operation: 'fill', image: 'http://10.0.0.1/photo.png' }, onError),
					]),
				);
				const { run } = await guarded.run('e2eV2Ssrf000001');
				assert.equal(run.status, 'success', JSON.stringify(run.data.resultData.error));
				assert.ok(bytesOf(nodeOutput(run, 'Allowed')[0]).length > 0, 'the allowed emulator still answers');
				const [linkLocal] = nodeOutput(run, 'Link-local');
				assert.match(String(linkLocal.json.error), /^Input Image \(inputImage\): http:\/\/169\.254\.169\.254\/\S+ is refused by n8n's SSRF protection/);
				const [internal] = nodeOutput(run, 'Private');
				assert.match(String(internal.json.error), /^Image \(image\): http:\/\/10\.0\.0\.1\/photo\.png is refused by n8n's SSRF protection/);
				assert.equal(submitsTo('/v1/flux-2-pro').length + submitsTo('/v1/flux-pro-1.0-fill').length, 0, 'nothing paid');
			},
		);

		test('workflows saved with version 1 still load and run: the old demo example', async () => {
			emulator.reset();
			const demo = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'v1', 'flux-demo.json'), 'utf8').replaceAll('/tmp/flux-demo', out));
			demo.id = `e2eV1Demo00000${major}`;
			for (const flux of demo.nodes.filter((candidate) => candidate.type === 'n8n-nodes-bfl.flux')) flux.credentials = { bflApi: CREDENTIAL };
			await n8n.addWorkflow(demo);
			const { run } = await n8n.run(demo.id);
			assert.equal(run.status, 'success', JSON.stringify(run.data.resultData.error));
			assert.equal(nodeOutput(run, 'Generate').length, 3);
			assert.equal(nodeOutput(run, 'Edit').length, 1);
			assert.deepEqual(submitsTo('/v1/flux-2-klein-4b').length, 3);
		});

		test('an active FLUX Trigger receives the callback and saves the image; a wrong secret starts nothing', async () => {
			emulator.reset();
			const webhookId = `7d3f0a9e-5b1c-4e2a-9f6d-1c8b2a3e4f5${major}`;
			await n8n.addWorkflow({
				id: 'e2eV2Trigger001',
				name: 'FLUX Trigger saves the image',
				active: false,
				settings: { executionOrder: 'v1' },
				nodes: [
					node('FLUX Trigger', FLUX_TRIGGER_TYPE, { statuses: 'all', download: true }, { webhookId, credentials: { bflApi: CREDENTIAL } }),
					node('Save Image', 'n8n-nodes-base.readWriteFile', {
						operation: 'write',
						fileName: `=${out}/trigger-{{ $json.taskId }}.{{ $binary.data.fileExtension }}`,
						dataPropertyName: 'data',
						options: {},
					}),
				],
				connections: { 'FLUX Trigger': { main: [[{ node: 'Save Image', type: 'main', index: 0 }]] } },
			});
			await n8n.activate('e2eV2Trigger001');
			const triggerUrl = `${n8n.baseUrl}/webhook/${webhookId}/flux`;
			// BFL's SDK echoes the secret (X-Webhook-Secret); its skills describe an HMAC of the body (X-BFL-Signature).
			for (const [index, scheme] of /** @type {const} */ (['secret', 'hmac']).entries()) {
				emulator.config.webhookSignature = scheme;
				const submit = workflow(`e2eV2Submit${index}0${major}`, [
					fluxNode('Submit', { resource: 'image', operation: 'generate', model: 'flux-2-klein-4b', prompt: 'a kite over the dunes', width: 256, height: 256, waitForResult: false, triggerUrl }, { credentials: { bflApi: CREDENTIAL } }),
				]);
				await n8n.addWorkflow(submit);
				const { run } = await n8n.run(submit.id);
				assert.equal(run.status, 'success', JSON.stringify(run.data.resultData.error));
				const [submitted] = nodeOutput(run, 'Submit');
				const savedName = `trigger-${submitted.json.taskId}.jpg`; // klein's default output format is JPEG
				const saved = join(out, savedName);
				// Write Files streams from n8n's binary store: the file is there before it is whole.
				const whole = async () => readdirSync(out).includes(savedName) && (await probeImage(readFileSync(saved))) !== undefined;
				const deadline = Date.now() + 30_000;
				while (!(await whole()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
				if (!readdirSync(out).includes(savedName)) {
					const executions = await n8n.rest.get('/rest/executions?limit=5');
					assert.fail(`the trigger did not save ${saved}; webhook deliveries: ${JSON.stringify(emulator.webhookDeliveries)}; executions: ${JSON.stringify(executions.json).slice(0, 3000)}`);
				}
				assert.deepEqual(await probeImage(readFileSync(saved)), { format: 'jpeg', width: 256, height: 256 });
				assert.equal(emulator.webhookDeliveries[index].status, 200);
			}
			emulator.config.webhookSignature = 'secret';

			const before = readdirSync(out).length;
			const forged = await request(triggerUrl, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-webhook-secret': 'not-the-secret' },
				body: JSON.stringify({ id: 'forged-task', status: 'Ready', result: { sample: `${emulator.deliveryBase}/results/forged/sample.png` } }),
			});
			assert.equal(forged.statusCode, 401);
			await forged.body.dump();
			await new Promise((resolve) => setTimeout(resolve, 1500));
			assert.equal(readdirSync(out).length, before, 'the forged callback started nothing');
			assert.ok(!emulator.ledger.some((entry) => entry.path.includes('/results/forged')), 'nothing was downloaded for it');
		});
	});
}
