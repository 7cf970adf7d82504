#!/usr/bin/env node
// @ts-check
'use strict';
// `npm run emulator`: starts the BFL emulator alone and prints its URLs: the main API (api.bfl.ai)
// and the two finetune hosts (api.us1.bfl.ai, api.eu1.bfl.ai). Settings, from the environment:
//   BFL_EMULATOR_PORT               main API port (default 8787)
//   BFL_EMULATOR_US1_PORT           us1 finetune host port (default main + 1)
//   BFL_EMULATOR_EU1_PORT           eu1 finetune host port (default main + 2)
//   BFL_EMULATOR_OTHER_PORT         the host the redirect faults lead to (default main + 3)
//   BFL_EMULATOR_GENERATION_MS      how long an image task takes (default 1500)
//   BFL_EMULATOR_VIDEO_MS           how long a video task takes (default 4000)
//   BFL_EMULATOR_CREDITS            every key's balance at start (default 10000; 1 credit = US$0.01)
//   BFL_EMULATOR_ACTIVE_LIMIT       active standard tasks per key (default 24)
//   BFL_EMULATOR_KONTEXT_MAX_LIMIT  active flux-kontext-max tasks per key (default 6)
//   BFL_EMULATOR_VIDEO_LIMIT        active video tasks per key (default 5)
//   BFL_EMULATOR_STRICT             1 = 422 on unknown fields on every route (default: per route, as BFL)
//   BFL_EMULATOR_REMOVED            refuse (default, 404 like BFL) or serve: endpoints BFL removed
//   BFL_EMULATOR_VIDEO_SIZE         longer side of the rendered videos in pixels (default 320)
//   BFL_EMULATOR_PRICES             JSON object of credits per model id, e.g. {"flux-2-pro": 3}
//   BFL_EMULATOR_WEBHOOK_SIGNATURE  secret (default: X-Webhook-Secret), hmac (X-BFL-Signature) or both
// Everything else (faults, credits, prices…) can be changed while it runs: POST /_emulator/config.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

if (!existsSync(join(__dirname, '..', 'dist', 'nodes', 'Flux', 'models', 'index.js'))) {
	console.error('The emulator validates with the built model table: run `npm run build` first.');
	process.exit(1);
}
const { startEmulator, DEFAULT_CONFIG } = require('./server');

/** A number from the environment, or the default. @param {string | undefined} value @param {number} fallback */
function number(value, fallback) {
	return value === undefined || value === '' ? fallback : Number(value);
}

(async () => {
	const env = process.env;
	const port = number(env.BFL_EMULATOR_PORT, 8787);
	const emulator = await startEmulator({
		port,
		us1Port: number(env.BFL_EMULATOR_US1_PORT, port === 0 ? 0 : port + 1),
		eu1Port: number(env.BFL_EMULATOR_EU1_PORT, port === 0 ? 0 : port + 2),
		otherPort: number(env.BFL_EMULATOR_OTHER_PORT, port === 0 ? 0 : port + 3),
		generationMs: number(env.BFL_EMULATOR_GENERATION_MS, DEFAULT_CONFIG.generationMs),
		videoGenerationMs: number(env.BFL_EMULATOR_VIDEO_MS, DEFAULT_CONFIG.videoGenerationMs),
		credits: number(env.BFL_EMULATOR_CREDITS, DEFAULT_CONFIG.credits),
		activeTaskLimit: number(env.BFL_EMULATOR_ACTIVE_LIMIT, DEFAULT_CONFIG.activeTaskLimit),
		kontextMaxLimit: number(env.BFL_EMULATOR_KONTEXT_MAX_LIMIT, DEFAULT_CONFIG.kontextMaxLimit),
		videoTaskLimit: number(env.BFL_EMULATOR_VIDEO_LIMIT, DEFAULT_CONFIG.videoTaskLimit),
		strict: env.BFL_EMULATOR_STRICT === '1' || env.BFL_EMULATOR_STRICT === 'true',
		removedEndpoints: env.BFL_EMULATOR_REMOVED === 'serve' ? 'serve' : 'refuse',
		videoRenderSize: number(env.BFL_EMULATOR_VIDEO_SIZE, DEFAULT_CONFIG.videoRenderSize),
		prices: env.BFL_EMULATOR_PRICES ? JSON.parse(env.BFL_EMULATOR_PRICES) : {},
		webhookSignature: /** @type {'secret' | 'hmac' | 'both'} */ (env.BFL_EMULATOR_WEBHOOK_SIGNATURE || DEFAULT_CONFIG.webhookSignature),
	});
	console.log(`BFL emulator listening: ${emulator.apiBase}`);
	console.log(`  credential: Region "Custom", Base URL ${emulator.apiBase}, any API key (e.g. bfl_emulator_placeholder)`);
	console.log(`  finetune hosts: us1 ${emulator.us1Base}, eu1 ${emulator.eu1Base} (FLUX.1 finetunes: GET /v1/my_finetunes there)`);
	console.log(`  results are served as ${emulator.deliveryBase}/results/...; ledger at ${emulator.apiBase}/_emulator/ledger`);
	console.log(`  redirects (faults poll-redirect, delivery-redirect) lead to ${emulator.otherBase}`);
	const stop = () => emulator.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
})().catch((error) => {
	console.error(error);
	process.exit(1);
});
