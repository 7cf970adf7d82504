// @ts-check
'use strict';
/**
 * The credential's Test button in a real n8n (REST API of `n8n start`): it calls the free
 * GET /v1/credits with the key, and nothing else; a refused key reads as a failed test.
 */
const { after, before, describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { request } = require('undici');

const { startEmulator } = require('../emulator/server');
const { createInstance } = require('./n8n');

const MAJORS = (process.env.E2E_N8N_MAJORS ?? '1,2').split(',').map(Number);
const OWNER = { email: 'owner@example.com', password: 'E2e-Passw0rd!' };

for (const major of MAJORS) {
	describe(`credential test in n8n ${major === 1 ? '1.123' : '2.x'}`, () => {
		/** @type {Awaited<ReturnType<typeof startEmulator>>} */
		let emulator;
		/** @type {ReturnType<typeof createInstance>} */
		let n8n;
		/** @type {{ baseUrl: string, stop: () => Promise<void> }} */
		let server;
		let cookie = '';

		/** @param {string} path @param {unknown} [body] */
		async function rest(path, body) {
			const response = await request(`${server.baseUrl}${path}`, {
				method: body ? 'POST' : 'GET',
				headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
				body: body ? JSON.stringify(body) : undefined,
			});
			const text = await response.body.text();
			return { status: response.statusCode, headers: response.headers, json: text ? JSON.parse(text) : undefined };
		}

		before(async () => {
			emulator = await startEmulator({});
			n8n = createInstance({ major: /** @type {1 | 2} */ (major) });
			server = await n8n.startServer();
			await rest('/rest/owner/setup', { ...OWNER, firstName: 'E2E', lastName: 'Owner' });
			const login = await rest('/rest/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
			cookie = [login.headers['set-cookie'] ?? []].flat().map((value) => String(value).split(';')[0]).join('; ');
		});

		after(async () => {
			await server?.stop();
			n8n?.cleanup();
			await emulator?.close();
		});

		/** Creates the credential the way the editor does, then presses Test. */
		async function testCredential(apiKey) {
			const data = { apiKey, region: 'custom', baseUrl: emulator.apiBase };
			const created = await rest('/rest/credentials', { name: `BFL ${apiKey}`, type: 'bflApi', data });
			assert.equal(created.status, 200, JSON.stringify(created.json));
			const tested = await rest('/rest/credentials/test', { credentials: { id: created.json.data.id, name: 'BFL', type: 'bflApi', data } });
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

		test('a refused key fails the test, and nothing is generated', async () => {
			emulator.reset();
			const result = await testCredential('invalid-placeholder-key');
			assert.equal(result.status, 'Error');
			assert.ok(emulator.ledger.every((entry) => entry.method === 'GET' && entry.path === '/v1/credits'));
			assert.equal(emulator.tasks.size, 0);
		});
	});
}
