// @ts-check
'use strict';
/**
 * End to end: the packed pack inside a real n8n (1.123 on Node 20, 2.x on Node 24), against the
 * emulator. Asserts on the image bytes n8n hands downstream and on the emulator's ledger.
 * Run alone: `npm run build && node --test e2e/` (E2E_N8N_MAJORS=1 for n8n 1.123 only).
 */
const { after, before, describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const { startEmulator } = require('../emulator/server');
const { probeImage } = require('../emulator/images');
const { nodeOutput, FLUX_NODE_TYPE } = require('../harness/n8n');
const { sharedN8n } = require('../harness/server');
const { codeNode, node, workflow } = require('../harness/workflows');

const MAJORS = (process.env.E2E_N8N_MAJORS ?? '1,2').split(',').map(Number);
const KEY = 'bfl_e2e_placeholder_key';

/** @param {any} item */
async function imageOf(item, property = 'data') {
	const binary = item.binary?.[property];
	assert.ok(binary, `item has no binary "${property}": ${JSON.stringify(item.json).slice(0, 300)}`);
	const bytes = Buffer.from(binary.data, 'base64');
	return { bytes, binary, image: await probeImage(bytes) };
}

const WORKFLOWS = {
	generate: workflow('e2eGenerate0001', [
		node('Generate', FLUX_NODE_TYPE, {
			operation: 'generate',
			model: 'flux-2-pro',
			prompt: 'a lighthouse at dusk',
			width: 512,
			height: 384,
			modelOptions: { outputFormat: 'webp', seed: 42 },
		}),
	]),
	edit: workflow('e2eEdit00000001', [
		node('Generate', FLUX_NODE_TYPE, {
			operation: 'generate',
			model: 'flux-2-klein-4b',
			prompt: 'a red bicycle',
			width: 320,
			height: 256,
			modelOptions: { outputFormat: 'png' },
		}),
		node('Edit', FLUX_NODE_TYPE, {
			operation: 'edit',
			model: 'flux-kontext-pro',
			prompt: 'make the bicycle blue',
			inputImage: 'data',
			aspectRatio: '4:3',
			modelOptions: { outputFormat: 'jpeg' },
			options: { binaryPropertyName: 'edited' },
		}),
	]),
	moderatedContinue: workflow('e2eModerated001', [
		codeNode('Prompts', [{ prompt: 'a calm lake' }, { prompt: 'something [[content-moderated]]' }, { prompt: 'a pine forest' }]),
		node(
			'Generate',
			FLUX_NODE_TYPE,
			{ operation: 'generate', model: 'flux-2-klein-9b', prompt: '={{ $json.prompt }}', width: 256, height: 256 },
			{ onError: 'continueRegularOutput' },
		),
	]),
	moderatedStop: workflow('e2eModerated002', [
		node('Generate', FLUX_NODE_TYPE, { operation: 'generate', model: 'flux-2-pro', prompt: 'forbidden [[request-moderated]]' }),
	]),
	batch: workflow('e2eBatch0000001', [
		codeNode('Prompts', Array.from({ length: 10 }, (_, index) => ({ prompt: `postcard number ${index}`, index }))),
		node('Generate', FLUX_NODE_TYPE, {
			operation: 'generate',
			model: 'flux-2-klein-4b',
			prompt: '={{ $json.prompt }}',
			width: 256,
			height: 192,
			modelOptions: { outputFormat: 'jpeg' },
		}),
	]),
};

for (const major of MAJORS) {
	describe(`n8n ${major === 1 ? '1.123 on Node 20' : '2.x on Node 24'}`, () => {
		/** @type {Awaited<ReturnType<typeof startEmulator>>} */
		let emulator;
		/** @type {Awaited<ReturnType<typeof sharedN8n>>} */
		let n8n;

		before(async () => {
			emulator = await startEmulator({ generationMs: 800 });
			n8n = await sharedN8n(/** @type {1 | 2} */ (major));
			await n8n.addCredential({ type: 'bflApi', data: { apiKey: KEY, region: 'custom', baseUrl: emulator.apiBase } });
			for (const flow of Object.values(WORKFLOWS)) await n8n.addWorkflow(flow);
		});

		after(async () => {
			await n8n?.close();
			await emulator?.close();
		});

		/** Ledger entries of one task id, or of submits to one endpoint. */
		const ledgerFor = (predicate) => emulator.ledger.filter(predicate);

		test('generates with a FLUX.2 model: the requested size and format, polled and downloaded correctly', async () => {
			emulator.reset();
			const { run } = await n8n.run('e2eGenerate0001');
			assert.equal(run.status, 'success', JSON.stringify(run.data.resultData.error));
			const [item] = nodeOutput(run, 'Generate');
			const { image, binary } = await imageOf(item);
			assert.deepEqual(image, { format: 'webp', width: 512, height: 384 });
			assert.equal(binary.mimeType, 'image/webp');
			assert.equal(item.json.seed, 42);
			assert.equal(item.json.model, 'flux-2-pro');

			const [submit] = ledgerFor((entry) => entry.method === 'POST');
			assert.equal(submit.path, '/v1/flux-2-pro');
			assert.deepEqual(submit.body, { prompt: 'a lighthouse at dusk', width: 512, height: 384, output_format: 'webp', seed: 42 });
			assert.equal(submit.keyPresent, true);
			assert.ok(!JSON.stringify(emulator.ledger).includes(KEY), 'the ledger never holds the key');
			const polls = ledgerFor((entry) => entry.path === '/v1/get_result');
			assert.ok(polls.length >= 1);
			assert.ok(polls.every((poll) => poll.query.cluster && poll.answer !== undefined), 'every poll used the returned polling_url');
			const downloads = ledgerFor((entry) => entry.path.startsWith('/results/'));
			assert.equal(downloads.length, 1);
			assert.match(downloads[0].host, /^localhost:/);
			assert.equal(downloads[0].keyPresent, false, 'the key never reaches the delivery host');
		});

		test('edits with a binary input from an earlier node', async () => {
			emulator.reset();
			const { run } = await n8n.run('e2eEdit00000001');
			assert.equal(run.status, 'success', JSON.stringify(run.data.resultData.error));
			const [generated] = nodeOutput(run, 'Generate');
			const [edited] = nodeOutput(run, 'Edit');
			const source = await imageOf(generated);
			const result = await imageOf(edited, 'edited');
			assert.deepEqual(source.image, { format: 'png', width: 320, height: 256 });
			assert.equal(result.image?.format, 'jpeg');
			const ratio = (result.image?.width ?? 0) / (result.image?.height ?? 1);
			assert.ok(Math.abs(ratio - 4 / 3) < 0.05, `aspect ratio 4:3 asked, got ${result.image?.width}×${result.image?.height}`);

			const submit = ledgerFor((entry) => entry.method === 'POST' && entry.path === '/v1/flux-kontext-pro')[0];
			assert.deepEqual(submit.bodyKeys.sort(), ['aspect_ratio', 'input_image', 'output_format', 'prompt']);
			assert.equal(submit.body.input_image, `<base64 ${source.bytes.toString('base64').length} chars>`, 'the earlier image went in as raw base64');
		});

		test('a moderated item becomes an error item with its task id; the others succeed', async () => {
			emulator.reset();
			const { run } = await n8n.run('e2eModerated001');
			const items = nodeOutput(run, 'Generate');
			assert.equal(items.length, 3);
			assert.ok(items[0].binary?.data && items[2].binary?.data);
			assert.match(items[1].json.error, /Content Moderated/);
			const moderatedTask = ledgerFor((entry) => entry.method === 'POST' && String(entry.body?.prompt).includes('content-moderated'))[0];
			assert.equal(items[1].json.taskId, moderatedTask.taskId);
		});

		test('a moderated request without continue-on-fail stops the workflow with a clear message', async () => {
			emulator.reset();
			const { run, code } = await n8n.run('e2eModerated002');
			assert.notEqual(code, 0);
			assert.equal(run.status, 'error');
			assert.match(run.data.resultData.error.message, /moderation blocked the prompt or input image \(Request Moderated\)/);
		});

		test('the example workflows import cleanly', async () => {
			const dir = join(__dirname, '..', 'examples');
			const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
			assert.ok(files.length >= 3);
			for (const file of files) await n8n.addWorkflow(JSON.parse(readFileSync(join(dir, file), 'utf8')));
		});

		test('processes a batch of 10 items, in order, each submitted once', async () => {
			emulator.reset();
			const { run } = await n8n.run('e2eBatch0000001');
			assert.equal(run.status, 'success', JSON.stringify(run.data.resultData.error));
			const items = nodeOutput(run, 'Generate');
			assert.equal(items.length, 10);
			const submits = ledgerFor((entry) => entry.method === 'POST');
			assert.equal(submits.length, 10);
			assert.equal(new Set(submits.map((entry) => entry.taskId)).size, 10);
			for (const [index, item] of items.entries()) {
				const { image } = await imageOf(item);
				assert.deepEqual(image, { format: 'jpeg', width: 256, height: 192 });
				const submit = submits.find((entry) => entry.taskId === item.json.taskId);
				assert.equal(submit?.body.prompt, `postcard number ${index}`, 'output order equals input order');
			}
		});
	});
}
