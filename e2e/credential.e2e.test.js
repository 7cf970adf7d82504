// @ts-check
'use strict';
/**
 * The credential's Test button in a real n8n (the REST API of `n8n start`, as the editor calls it): it calls the free
 * GET /v1/credits with the key, and nothing else; a refused key or a wrong Base URL reads as a failed test.
 */
const { after, before, describe, test } = require('node:test');
const assert = require('node:assert/strict');

const { startEmulator } = require('../emulator/server');
const { sharedN8n } = require('../harness/server');

const MAJORS = (process.env.E2E_N8N_MAJORS ?? '1,2').split(',').map(Number);

for (const major of MAJORS) {
	describe(`credential test in n8n ${major === 1 ? '1.123' : '2.x'}`, () => {
		/** @type {Awaited<ReturnType<typeof startEmulator>>} */
		let emulator;
		/** @type {Awaited<ReturnType<typeof sharedN8n>>} */
		let n8n;

		before(async () => {
			emulator = await startEmulator({});
			n8n = await sharedN8n(/** @type {1 | 2} */ (major));
		});

		after(async () => {
			await n8n?.close();
			await emulator?.close();
		});

		/** Creates the credential the way the editor does, then presses Test. */
		async function testCredential(apiKey, baseUrl = emulator.apiBase) {
			const data = { apiKey, region: 'custom', baseUrl };
			const created = await n8n.addCredential({ name: `BFL ${apiKey}`, type: 'bflApi', data });
			const tested = await n8n.rest.post('/rest/credentials/test', { credentials: { id: created.id, name: 'BFL', type: 'bflApi', data } });
			return tested.json.data;
		}

		test('a good key passes with one free GET /v1/credits', async () => {
			emulator.reset();
			const result = await testCredential('bfl_e2e_placeholder_key');
			assert.equal(result.status, 'OK', JSON.stringify(result));
			assert.deepEqual(
				emulator.ledger.map((entry) => `${entry.method} ${entry.path} ${entry.keyPresent}`),
				['GET /v1/credits true'],
			);
		});

		test('a refused key fails the test saying so and where to get one, and nothing is generated', async () => {
			emulator.reset();
			const result = await testCredential('invalid-placeholder-key');
			assert.equal(result.status, 'Error');
			assert.match(result.message, /BFL did not accept the API key/);
			assert.match(result.message, /dashboard\.bfl\.ai/);
			assert.ok(emulator.ledger.every((entry) => entry.method === 'GET' && entry.path === '/v1/credits'));
			assert.equal(emulator.tasks.size, 0);
		});

		test('a Base URL that is not BFL\'s API fails the test too', async () => {
			const result = await testCredential('bfl_e2e_placeholder_key', `${emulator.apiBase}/not-the-api`);
			assert.equal(result.status, 'Error');
			assert.match(result.message, /Base URL is not BFL's API/);
		});
	});
}
