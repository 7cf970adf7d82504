// @ts-check
'use strict';
/**
 * The README's screenshots, taken the way the editor test works (harness/browser.js): a real n8n with
 * the packed pack, the BFL emulator, Debian's Chromium at 1400×850.
 *
 *   docs/picker-search-flux.png   the node picker from a trigger's "+", searching "flux"
 *   docs/panel-flux2-pro.png      the panel on Image → Generate → FLUX.2 [pro]
 *   docs/panel-erase.png          the panel on Image → Erase
 *   docs/panel-video.png          the panel on Video → Generate
 *   docs/output-image.png         the panel after a run, the image in the binary view
 *
 * `npm run build` first. n8n 2.x by default; N8N_MAJOR=1 for n8n 1.123. SCREENSHOTS_DIR moves the
 * output (default docs/).
 */
const { join, relative, resolve } = require('node:path');

const { VIEWPORT, ensureFolder, manualTrigger, startEditorSession, withEvidence } = require('../harness/browser');

const ROOT = resolve(__dirname, '..');
const OUT = resolve(process.env.SCREENSHOTS_DIR ?? join(ROOT, 'docs'));
const MAJOR = /** @type {1 | 2} */ (Number(process.env.N8N_MAJOR ?? 2));
const TRIGGER = 'When clicking ‘Execute workflow’';
const PROMPT = 'A lighthouse on a cliff at dusk, warm light in the windows, watercolor';

async function main() {
	if (MAJOR !== 1 && MAJOR !== 2) throw new Error(`N8N_MAJOR must be 1 or 2, not ${process.env.N8N_MAJOR}`);
	ensureFolder(OUT);
	const started = Date.now();
	const session = await startEditorSession({ major: MAJOR, viewport: VIEWPORT });
	const { editor } = session;
	/** @type {string[]} */
	const written = [];
	/** @param {string} name */
	const shoot = async (name) => {
		const path = join(OUT, name);
		await editor.tidy();
		await editor.screenshot(path);
		written.push(path);
	};
	try {
		await withEvidence(editor, 'screenshots', async () => {
			const id = await session.createWorkflow({ name: 'FLUX in the editor', nodes: [manualTrigger(TRIGGER)] });
			await editor.openWorkflow(id, [TRIGGER]);

			// The picker: "flux" from the trigger's "+".
			await editor.openPickerAfter(TRIGGER);
			await editor.search('flux');
			await shoot('picker-search-flux.png');

			// The panel for two models.
			await editor.clickPickerItem('FLUX (Black Forest Labs)', 'node');
			await editor.clickPickerItem('Generate an image', 'action');
			await editor.waitForPanel();
			await editor.selectOption('model', 'FLUX.2 [pro]');
			await editor.fill('prompt', PROMPT);
			await editor.fill('width', '1024');
			await editor.fill('height', '768');
			await shoot('panel-flux2-pro.png');
			await editor.selectOption('operation', 'Erase');
			await shoot('panel-erase.png');
			if (MAJOR === 2) {
				await editor.selectOption('resource', 'Video');
				await editor.selectOption('operation', 'Generate');
				await editor.fill('prompt', PROMPT);
				await shoot('panel-video.png');
				await editor.selectOption('resource', 'Image');
			}
			await editor.selectOption('operation', 'Generate');
			await editor.selectOption('model', 'FLUX.2 [pro]');
			await editor.fill('prompt', PROMPT);
			await editor.fill('width', '1024');
			await editor.fill('height', '768');
			await editor.closePanel();

			// A run, then the image in the output.
			await editor.save();
			const saved = await session.savedNode(id, (node) => node.parameters?.prompt === PROMPT);
			// n8n 1.123 offers no BFL API credential on the panel of node version 2 (see the editor test).
			if (!saved.node.credentials?.bflApi) await session.setCredentialOverRest(id);
			const flux = (await editor.canvasNodes()).find((node) => node.type === 'n8n-nodes-bfl.flux');
			if (!flux) throw new Error('no FLUX node on the canvas');
			await editor.executeWorkflow(flux.name);
			await editor.openNode(flux.name);
			await editor.showBinaryImage();
			await shoot('output-image.png');
			await editor.closePanel();

			if (MAJOR === 1) {
				// 1.123 shows no Resource selector: the video panel comes from the picker's action.
				const videoId = await session.createWorkflow({ name: 'FLUX video', nodes: [manualTrigger(TRIGGER)] });
				await editor.openWorkflow(videoId, [TRIGGER]);
				await editor.addFluxAction(TRIGGER, 'Generate a video');
				await editor.fill('prompt', PROMPT);
				await shoot('panel-video.png');
			}
		});
	} finally {
		await session.close();
	}
	for (const path of written) console.log(`wrote ${relative(process.cwd(), path)}`);
	console.log(`n8n ${MAJOR === 1 ? '1.123' : '2.x'}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
