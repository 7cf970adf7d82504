// @ts-check
'use strict';
/**
 * The editor in a real browser (Debian's Chromium driven by puppeteer-core), against `n8n start`
 * with the packed pack and the BFL emulator, for each n8n line: the node picker finds FLUX, the
 * panel shows exactly each model's fields, a run from the editor shows the image, the FLUX Trigger
 * is offered as a first step, and every example workflow opens without unknown nodes.
 * Run alone: `npm run build && node --test e2e/editor.e2e.test.js` (E2E_N8N_MAJORS=1 or 2).
 * On a failure the screenshot and HTML of the page are saved; the error names the folder.
 */
const { after, before, describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const {
	FLUX_DISPLAY_NAME,
	FLUX_NODE_TYPE,
	FLUX_TRIGGER_TYPE,
	NOT_INSTALLED_TEXT,
	manualTrigger,
	startEditorSession,
	withEvidence,
} = require('../harness/browser');

const MAJORS = (process.env.E2E_N8N_MAJORS ?? '1,2').split(',').map(Number);
const EXAMPLES = join(__dirname, '..', 'examples');
const STEP_TIMEOUT = 120_000;

/**
 * The labels the panel must show, top to bottom, for one operation and model.
 * @param {1 | 2} _major
 * @param {string[]} fields the model's main fields
 * @param {{ model?: boolean }} [options] model: whether the operation has a Model selector
 */
function panelLabels(_major, fields, options = {}) {
	return ['Resource', 'Operation', ...(options.model === false ? [] : ['Model']), ...fields, 'Model Options', 'Wait for Result', 'Options'];
}

const FLUX2_SIZE_HINT = "0 = automatic (about 1 MP; an edit keeps its first image's size)";

for (const major of /** @type {Array<1 | 2>} */ (MAJORS)) {
	describe(`editor in a browser, n8n ${major === 1 ? '1.123 on Node 20' : '2.x on Node 24'}`, () => {
		/** @type {Awaited<ReturnType<typeof startEditorSession>>} */
		let session;
		/** The workflow the node is added to, run and looked at: Manual Trigger → FLUX. */
		let workflowId = '';
		const TRIGGER = 'When clicking ‘Execute workflow’';

		before(async () => {
			session = await startEditorSession({ major });
		});

		after(async () => {
			await session?.close();
		});

		/** Runs a test's body; on a failure the page's screenshot and HTML are kept. @param {string} label @param {() => Promise<void>} body */
		const step = (label, body) => withEvidence(session.editor, `n8n${major}-${label}`, body);

		/** The name of the FLUX node on the canvas (n8n renames it after the chosen action). */
		async function fluxNodeName() {
			const flux = (await session.editor.canvasNodes()).filter((node) => node.type === FLUX_NODE_TYPE);
			assert.equal(flux.length, 1, `one FLUX node on the canvas: ${JSON.stringify(flux)}`);
			return flux[0].name;
		}

		test('the picker from a trigger\'s "+" finds FLUX by "flux", "black forest" and "image"', { timeout: STEP_TIMEOUT }, async (t) => {
			const { editor } = session;
			workflowId = await session.createWorkflow({ name: 'Editor test', nodes: [manualTrigger(TRIGGER)] });
			await step('picker-search', async () => {
				await editor.openWorkflow(workflowId, [TRIGGER]);
				await editor.openPickerAfter(TRIGGER);
				const flux = await editor.search('flux');
				assert.deepEqual(flux[0], { name: FLUX_DISPLAY_NAME, kind: 'node' }, `first result for "flux": ${JSON.stringify(flux)}`);
				for (const query of ['black forest', 'bfl', 'image']) {
					const items = await editor.search(query);
					assert.ok(
						items.some((item) => item.name === FLUX_DISPLAY_NAME && item.kind === 'node'),
						`"${query}" lists ${FLUX_DISPLAY_NAME}: ${JSON.stringify(items.map((item) => item.name))}`,
					);
				}
				// The same search again, then the node's actions.
				await editor.search('flux');
				await editor.clickPickerItem(FLUX_DISPLAY_NAME, 'node');
				const actions = (await editor.pickerItems()).filter((item) => item.kind === 'action').map((item) => item.name);
				for (const action of ['Generate an image', 'Edit an image', 'Erase an object', 'Generate a video', "Get a task's result", 'Get the credit balance']) {
					assert.ok(actions.includes(action), `action "${action}" offered: ${JSON.stringify(actions)}`);
				}
				t.diagnostic(`actions (${actions.length}): ${actions.join(', ')}`);
			});
		});

		test('"Generate an image" adds a FLUX node on Image → Generate', { timeout: STEP_TIMEOUT }, async () => {
			const { editor } = session;
			await step('add-node', async () => {
				await editor.clickPickerItem('Generate an image', 'action');
				await editor.waitForPanel();
				assert.deepEqual(await editor.visibleLabels(), panelLabels(major, ['Prompt', 'Size', 'Width', 'Height']));
				await editor.closePanel();
				const nodes = await editor.canvasNodes();
				assert.deepEqual(nodes.map((node) => node.type).sort(), ['n8n-nodes-base.manualTrigger', FLUX_NODE_TYPE].sort());
			});
		});

		test('the panel selects the only BFL credential', { timeout: STEP_TIMEOUT }, async () => {
			const { editor, credential } = session;
			await step('credential', async () => {
				await editor.openNode(await fluxNodeName());
				try {
					assert.equal(await editor.selectedCredential(), credential.name);
				} finally {
					await editor.closePanel();
				}
			});
		});

		test('the panel shows exactly the fields of each operation and model', { timeout: STEP_TIMEOUT }, async () => {
			const { editor } = session;
			await step('panel-fields', async () => {
				await editor.openNode(await fluxNodeName());
				await editor.selectOption('operation', 'Generate');
				await editor.selectOption('model', 'FLUX.2 [pro]');
				assert.deepEqual(await editor.visibleLabels(), panelLabels(major, ['Prompt', 'Size', 'Width', 'Height']), 'Generate, FLUX.2 [pro]');
				assert.ok((await editor.parameterText('width')).includes(FLUX2_SIZE_HINT), 'Width explains 0 = automatic');
				assert.ok((await editor.parameterText('height')).includes(FLUX2_SIZE_HINT), 'Height explains 0 = automatic');

				await editor.selectOption('operation', 'Erase');
				assert.deepEqual(await editor.visibleLabels(), panelLabels(major, ['Image', 'Mask'], { model: false }), 'Erase (one model: no selector)');
				assert.match(await editor.parameterText('mask'), /white = remove/, 'Mask explains the colours');

				await editor.selectOption('operation', 'Edit');
				await editor.selectOption('model', 'FLUX 3 Image');
				assert.deepEqual(
					await editor.visibleLabels(),
					panelLabels(major, ['Prompt', 'Reference Images', 'Aspect Ratio', 'Resolution', 'Grounding']),
					'Edit, FLUX 3 Image: Reference Images',
				);
				await editor.selectOption('operation', 'Generate');
				await editor.selectOption('model', 'FLUX 3 Image');
				assert.deepEqual(
					await editor.visibleLabels(),
					panelLabels(major, ['Prompt', 'Aspect Ratio', 'Resolution', 'Grounding']),
					'Generate, FLUX 3 Image: no Reference Images',
				);

				await editor.selectOption('resource', 'Video');
				await editor.selectOption('operation', 'Generate');
				assert.deepEqual(
					await editor.visibleLabels(),
					panelLabels(major, ['Prompt', 'Aspect Ratio', 'Duration', 'Resolution'], { model: false }),
					'Video, Generate',
				);
				assert.match(await editor.parameterText('duration'), /0 = automatic/);
				await editor.selectOption('resource', 'Image');
				await editor.selectOption('operation', 'Generate');
				await editor.selectOption('model', 'FLUX.2 [pro]');
				await editor.closePanel();
			});
		});

		test(
			'the panel shows Resource and Wait for Result',
			{ timeout: STEP_TIMEOUT },
			async () => {
				const { editor } = session;
				await step('frame', async () => {
					await editor.openNode(await fluxNodeName());
					try {
						const labels = await editor.visibleLabels();
						assert.ok(labels.includes('Resource') && labels.includes('Wait for Result'), `labels: ${JSON.stringify(labels)}`);
					} finally {
						await editor.closePanel();
					}
				});
			},
		);

		test('a run from the editor shows the image in the binary view', { timeout: STEP_TIMEOUT }, async (t) => {
			const { editor, emulator } = session;
			const prompt = 'a lighthouse at dusk, typed in the browser';
			await step('run', async () => {
				await editor.openNode(await fluxNodeName());
				await editor.fill('prompt', prompt);
				await editor.fill('width', '512');
				await editor.fill('height', '384');
				await editor.closePanel();

				// Saved as typed: a version-2 node on Image → Generate → FLUX.2 [pro].
				await editor.save();
				const saved = await session.savedNode(workflowId, (node) => node.parameters?.prompt === prompt);
				assert.equal(saved.node.typeVersion, 2);
				// n8n leaves out parameters at their default (resource image, operation generate, model flux-2-pro).
				const { resource = 'image', operation = 'generate', model = 'flux-2-pro', width, height } = saved.node.parameters;
				assert.deepEqual({ resource, operation, model, width, height }, { resource: 'image', operation: 'generate', model: 'flux-2-pro', width: 512, height: 384 });
				assert.ok(saved.node.credentials?.bflApi, 'the saved node has the BFL credential the panel selected');

				emulator.reset();
				await editor.executeWorkflow(await fluxNodeName());
				const submits = emulator.ledger.filter((entry) => entry.method === 'POST');
				assert.deepEqual(
					submits.map((entry) => ({ path: entry.path, prompt: entry.body.prompt, width: entry.body.width, height: entry.body.height })),
					[{ path: '/v1/flux-2-pro', prompt, width: 512, height: 384 }],
				);

				await editor.openNode(await fluxNodeName());
				const image = await editor.showBinaryImage();
				assert.match(image.card, /image\/(jpeg|png|webp)/, `the binary card names an image type: ${image.card}`);
				assert.match(image.src, /^(data:image\/|blob:|https?:\/\/[^/]+\/rest\/binary-data\?id=filesystem)/, 'shown from n8n\'s binary store (filesystem mode)');
				assert.deepEqual({ width: image.width, height: image.height }, { width: 512, height: 384 }, 'the image shown is the one asked for');
				await editor.closePanel();
			});
		});

		test('"Generate a video" from the picker opens the video fields', { timeout: STEP_TIMEOUT }, async () => {
			const { editor } = session;
			const id = await session.createWorkflow({ name: 'Video from the picker', nodes: [manualTrigger(TRIGGER)] });
			await step('video-action', async () => {
				await editor.openWorkflow(id, [TRIGGER]);
				await editor.addFluxAction(TRIGGER, 'Generate a video');
				assert.deepEqual(
					await editor.visibleLabels(),
					panelLabels(major, ['Prompt', 'Aspect Ratio', 'Duration', 'Resolution'], { model: false }),
				);
				await editor.closePanel();
			});
		});

		test('the first-step picker finds the FLUX Trigger under "flux"', { timeout: STEP_TIMEOUT }, async (t) => {
			const { editor } = session;
			const id = await session.createWorkflow({ name: 'Trigger first', nodes: [] });
			await step('trigger-picker', async () => {
				await editor.openWorkflow(id, []);
				await editor.openFirstStepPicker();
				const items = await editor.search('flux');
				// n8n lists a node and its trigger as one entry (the node's display name) and the
				// trigger inside it as "On new FLUX event"; a separate "FLUX Trigger" entry is accepted too.
				const direct = items.find((item) => item.name === 'FLUX Trigger');
				if (direct) {
					await editor.clickPickerItem('FLUX Trigger');
				} else {
					assert.ok(items.some((item) => item.name === FLUX_DISPLAY_NAME), `"flux" lists the FLUX entry: ${JSON.stringify(items)}`);
					await editor.clickPickerItem(FLUX_DISPLAY_NAME, 'node');
					const triggers = (await editor.pickerItems()).filter((item) => item.kind === 'action').map((item) => item.name);
					t.diagnostic(`trigger entries: ${JSON.stringify(triggers)}`);
					assert.deepEqual(triggers, ['On new FLUX event']);
					await editor.clickPickerItem('On new FLUX event', 'action');
				}
				await editor.waitForPanel();
				await editor.closePanel();
				const nodes = await editor.canvasNodes();
				assert.deepEqual(nodes.map((node) => node.type), [FLUX_TRIGGER_TYPE]);
			});
		});

		test('every example workflow opens without unknown nodes', { timeout: 300_000 }, async () => {
			const { editor } = session;
			const files = readdirSync(EXAMPLES).filter((file) => file.endsWith('.json')).sort();
			assert.ok(files.length >= 3, `examples: ${files.join(', ')}`);
			/** Panels already opened: the same node, version, operation and model show the same fields. */
			const panelsSeen = new Set();
			for (const file of files) {
				const example = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));
				const id = await session.createWorkflow({ name: example.name, nodes: example.nodes, connections: example.connections, settings: example.settings });
				await step(`example-${file}`, async () => {
					await editor.openWorkflow(id, example.nodes.map((/** @type {{ name: string }} */ node) => node.name));
					const nodes = await editor.canvasNodes();
					assert.deepEqual(
						nodes.map((node) => node.type).sort(),
						example.nodes.map((/** @type {{ type: string }} */ node) => node.type).sort(),
						`${file}: every node is on the canvas`,
					);
					const unknown = nodes.filter((node) => node.notInstalled || node.questionMarkIcon);
					assert.deepEqual(unknown, [], `${file}: nodes shown as not installed`);
					// The panel of the example's first node of the pack: its fields, no "not installed".
					const first = nodes.find((candidate) => candidate.type.startsWith('n8n-nodes-bfl.'));
					const saved = example.nodes.find((/** @type {{ name: string }} */ node) => node.name === first?.name);
					const panel = saved && JSON.stringify([saved.type, saved.typeVersion, saved.parameters?.resource, saved.parameters?.operation, saved.parameters?.model]);
					if (first && !panelsSeen.has(panel)) {
						panelsSeen.add(panel);
						await editor.openNode(first.name);
						assert.doesNotMatch(await editor.panelText(), NOT_INSTALLED_TEXT, `${file}: "${first.name}" panel`);
						assert.ok((await editor.visibleLabels()).length > 0, `${file}: "${first.name}" shows its fields`);
						await editor.closePanel();
					}
				});
			}
		});

		test('the unknown-node check does see an unknown node', { timeout: STEP_TIMEOUT }, async () => {
			const { editor } = session;
			const ghost = { id: '7b1f3c2e-0000-4000-8000-0000000000ff', name: 'Ghost', type: 'n8n-nodes-bfl.notANode', typeVersion: 1, position: [300, 0], parameters: {} };
			const id = await session.createWorkflow({ name: 'Unknown node', nodes: [manualTrigger(TRIGGER), ghost] });
			await step('unknown-control', async () => {
				await editor.openWorkflow(id, [TRIGGER, 'Ghost']);
				const shown = (await editor.canvasNodes()).find((node) => node.name === 'Ghost');
				assert.deepEqual(shown, { name: 'Ghost', type: 'n8n-nodes-bfl.notANode', notInstalled: true, questionMarkIcon: true });
				await editor.openNode('Ghost', { fields: false });
				assert.match(await editor.panelText(), NOT_INSTALLED_TEXT);
				await editor.closePanel();
			});
		});
	});
}
