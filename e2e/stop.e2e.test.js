// @ts-check
'use strict';
/**
 * Stopping an execution while the FLUX node waits on BFL, as a user does from the executions list
 * (POST /rest/executions/:id/stop on a running n8n): the execution ends within a second, and BFL
 * sees no poll after it. n8n 1.123's `sleep` ignores an abort signal and 2.x's honours one; the
 * node's sleeps are interruptible on both (transport/clock.ts). Both lines, `n8n start`.
 * Run alone: `npm run build && node --test e2e/stop.e2e.test.js` (E2E_N8N_MAJORS=1 or 2).
 */
const { after, before, describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { request } = require('undici');

const { startEmulator } = require('../emulator/server');
const { sharedN8n } = require('../harness/server');
const { fluxNode, node } = require('../harness/workflows');

const MAJORS = (process.env.E2E_N8N_MAJORS ?? '1,2').split(',').map(Number);
const KEY = 'bfl_e2e_placeholder_key';
const STOP_WITHIN_MS = 1000;

/** @param {number} ms */
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The executions a list answer holds, on either n8n line. @param {any} json @returns {any[]} */
function executionsOf(json) {
	const data = json?.data ?? json;
	return Array.isArray(data) ? data : (data?.results ?? []);
}

for (const major of MAJORS) {
	describe(`stopping an execution mid-poll in n8n ${major === 1 ? '1.123 on Node 20' : '2.x on Node 24'}`, () => {
		/** @type {Awaited<ReturnType<typeof startEmulator>>} */
		let emulator;
		/** @type {Awaited<ReturnType<typeof sharedN8n>>} */
		let n8n;
		const path = `flux-stop-${major}`;

		before(async () => {
			emulator = await startEmulator({ generationMs: 300 });
			n8n = await sharedN8n(/** @type {1 | 2} */ (major));
			await n8n.addCredential({ type: 'bflApi', data: { apiKey: KEY, region: 'custom', baseUrl: emulator.apiBase } });
			const webhook = node('Webhook', 'n8n-nodes-base.webhook', { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} }, { typeVersion: 2, webhookId: `9a8b7c6d-0000-4000-8000-00000000000${major}` });
			// BFL takes two minutes: the node polls, sparser as the task ages.
			const flux = fluxNode('Generate', { resource: 'image', operation: 'generate', model: 'flux-2-klein-4b', prompt: 'a very slow kite [[slow=120000]]', width: 256, height: 256 });
			await n8n.addWorkflow({
				id: `e2eStopPoll000${major}`,
				name: 'Stopped while polling',
				active: false,
				settings: { executionOrder: 'v1' },
				nodes: [webhook, flux],
				connections: { Webhook: { main: [[{ node: 'Generate', type: 'main', index: 0 }]] } },
			});
		});

		after(async () => {
			await n8n?.close();
			await emulator?.close();
		});

		test(`the execution ends within ${STOP_WITHIN_MS} ms of Stop, and BFL is not polled after it`, async (t) => {
			const { rest } = n8n;
			await n8n.activate(`e2eStopPoll000${major}`);
			// n8n 2.x registers a published workflow's webhook a moment after answering.
			let started;
			for (const until = Date.now() + 15_000; ; ) {
				started = await request(`${n8n.baseUrl}/webhook/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
				await started.body.dump();
				if (started.statusCode !== 404 || Date.now() > until) break;
				await pause(250);
			}
			assert.equal(started.statusCode, 200);

			// Running, and a few polls in (the node is between polls most of the time).
			let running;
			const deadline = Date.now() + 30_000;
			while (!running && Date.now() < deadline) {
				const list = await rest.get('/rest/executions?limit=10');
				running = executionsOf(list.json).find((execution) => execution.status === 'running');
				if (!running) await pause(200);
			}
			assert.ok(running, 'the execution runs');
			const polls = () => emulator.ledger.filter((entry) => entry.method === 'GET' && entry.path === '/v1/get_result');
			while (polls().length < 3 && Date.now() < deadline) await pause(100);
			assert.ok(polls().length >= 3, `polled: ${polls().length}`);
			await pause(1500); // well into a wait between polls

			const stopAt = Date.now();
			const stop = await rest.post(`/rest/executions/${running.id}/stop`, {});
			assert.ok(stop.status < 300, `stop answered ${stop.status}: ${JSON.stringify(stop.json)}`);
			let status = 'running';
			while (['running', 'new'].includes(status) && Date.now() - stopAt < 10_000) {
				status = (await rest.get(`/rest/executions/${running.id}`)).json?.data?.status ?? 'unknown';
				if (['running', 'new'].includes(status)) await pause(50);
			}
			const tookMs = Date.now() - stopAt;
			t.diagnostic(`stopped after ${tookMs} ms with status ${status}`);
			assert.ok(['canceled', 'cancelled', 'error', 'crashed'].includes(status), `status after Stop: ${status}`);
			assert.ok(tookMs <= STOP_WITHIN_MS, `ended ${tookMs} ms after Stop`);

			const pollsAtStop = polls().filter((entry) => entry.time <= stopAt + 50).length;
			await pause(3000);
			assert.equal(polls().length, pollsAtStop, 'no poll after the stop');
		});
	});
}
