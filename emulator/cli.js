#!/usr/bin/env node
// @ts-check
'use strict';
// `npm run emulator`: starts the BFL emulator alone and prints its base URL.
// Settings: BFL_EMULATOR_PORT (default 8787), BFL_EMULATOR_GENERATION_MS (default 1500),
// BFL_EMULATOR_CREDITS (default 10000), BFL_EMULATOR_ACTIVE_LIMIT (default 24).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

if (!existsSync(join(__dirname, '..', 'dist', 'nodes', 'Flux', 'models.js'))) {
	console.error('The emulator validates with the built model table: run `npm run build` first.');
	process.exit(1);
}
const { startEmulator } = require('./server');

(async () => {
	const env = process.env;
	const emulator = await startEmulator({
		port: Number(env.BFL_EMULATOR_PORT ?? 8787),
		generationMs: Number(env.BFL_EMULATOR_GENERATION_MS ?? 1500),
		credits: Number(env.BFL_EMULATOR_CREDITS ?? 10000),
		activeTaskLimit: Number(env.BFL_EMULATOR_ACTIVE_LIMIT ?? 24),
	});
	console.log(`BFL emulator listening: ${emulator.apiBase}`);
	console.log(`  credential: Region "Custom", Base URL ${emulator.apiBase}, any API key (e.g. bfl_emulator_placeholder)`);
	console.log(`  results are served as ${emulator.deliveryBase}/results/...; ledger at ${emulator.apiBase}/_emulator/ledger`);
	const stop = () => emulator.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
})().catch((error) => {
	console.error(error);
	process.exit(1);
});
