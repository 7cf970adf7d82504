#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * `npm run demo`: builds the pack, starts the BFL emulator (or uses the real API when
 * BFL_API_KEY is set), starts a real n8n with the pack installed the way the community-nodes panel
 * installs it, creates the credential, runs examples/flux-demo.json exactly as a user would import
 * it (three prompts through FLUX, then an edit of the first image) and writes the images n8n
 * handed downstream to a folder. Everything it starts, it stops.
 *
 * Settings: BFL_API_KEY (real API; about 8.3 credits, US$0.083, by the README's What it costs),
 * BFL_REGION (default https://api.bfl.ai), N8N_MAJOR (1 = n8n 1.123 on this Node 20, the default; 2 = n8n 2.x on Node 24),
 * DEMO_OUT (default ./out/demo).
 */
const { spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const CREDENTIAL_ID = 'bflDemoCred0001';

function step(message) {
	console.log(`\n▶ ${message}`);
}

async function main() {
	const started = Date.now();
	const out = resolve(process.env.DEMO_OUT ?? join(ROOT, 'out', 'demo'));
	const major = /** @type {1 | 2} */ (Number(process.env.N8N_MAJOR ?? 1));
	const realKey = process.env.BFL_API_KEY;

	step('Building the pack');
	const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
	if (build.status !== 0) throw new Error('npm run build failed');

	// Loaded after the build: the emulator validates with the built model table.
	const { startEmulator } = require('../emulator/server');
	const { createInstance } = require('../harness/n8n');
	const { probeImage } = require('../emulator/images');

	/** @type {Awaited<ReturnType<typeof startEmulator>> | undefined} */
	let emulator;
	let n8n;
	try {
		let credentialData;
		if (realKey) {
			step('BFL_API_KEY is set: the demo uses the real BFL API');
			credentialData = { apiKey: realKey, region: process.env.BFL_REGION ?? 'https://api.bfl.ai' };
		} else {
			emulator = await startEmulator({ generationMs: 1500 });
			step(`No BFL_API_KEY: using the local BFL emulator at ${emulator.apiBase}`);
			credentialData = { apiKey: 'bfl_emulator_placeholder', region: 'custom', baseUrl: emulator.apiBase };
		}

		step(`Starting a real n8n ${major === 1 ? '1.123 (Node 20)' : '2.x (Node 24)'} with the pack installed (the first run installs n8n: about 6 minutes)`);
		rmSync(out, { recursive: true, force: true });
		mkdirSync(out, { recursive: true });
		n8n = createInstance({ major });
		await n8n.importCredentials([{ id: CREDENTIAL_ID, name: 'BFL (demo)', type: 'bflApi', data: credentialData }]);
		const workflow = JSON.parse(readFileSync(join(ROOT, 'examples', 'flux-demo.json'), 'utf8'));
		await n8n.importWorkflow(workflow);

		step(`Running the workflow "${workflow.name}"`);
		const { run } = await n8n.execute(workflow.id);
		const runData = run.data.resultData.runData;
		for (const [name, runs] of Object.entries(runData)) {
			const items = runs[0].data?.main?.[0] ?? [];
			console.log(`  ${runs[0].executionStatus === 'error' || runs[0].error ? '✗' : '✓'} ${name}: ${items.length} item(s)`);
			for (const item of name === 'Generate' || name === 'Edit' ? items : []) {
				const json = item.json;
				console.log(`      task ${json.taskId}  seed ${json.seed}  ${json.width}×${json.height} ${json.mimeType}  cost ${json.cost}`);
			}
		}
		if (run.status !== 'success' && run.data.resultData.error) {
			throw new Error(`the workflow failed: ${run.data.resultData.error.message}`);
		}

		step(`Writing the images n8n handed downstream to ${out}`);
		let written = 0;
		for (const name of ['Generate', 'Edit']) {
			for (const item of runData[name]?.[0]?.data?.main?.[0] ?? []) {
				for (const binary of Object.values(item.binary ?? {})) {
					const bytes = Buffer.from(/** @type {any} */ (binary).data, 'base64');
					const image = await probeImage(bytes);
					const file = join(out, /** @type {any} */ (binary).fileName);
					writeFileSync(file, bytes);
					written++;
					console.log(`  ${file}  ${bytes.length} bytes  ${image ? `${image.format} ${image.width}×${image.height}` : 'NOT AN IMAGE'}`);
					if (!image) throw new Error(`${file} is not an image`);
				}
			}
		}
		if (written !== 4) throw new Error(`expected 4 images, found ${written}`);
		console.log(`\nDemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
	} finally {
		n8n?.cleanup();
		await emulator?.close();
	}
}

main().catch((error) => {
	console.error(`\nDemo failed: ${error.message}`);
	process.exit(1);
});
