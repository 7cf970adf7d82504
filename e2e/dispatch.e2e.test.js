// @ts-check
'use strict';
/**
 * Free the Execution While BFL Works in a real n8n (`n8n start`, 1.123 and 2.x) with an execution
 * timeout: 60 FLUX.2 [pro] items whose emulated tasks take twice that limit end with 60 images. While
 * BFL works the execution is saved as waiting; n8n is stopped and started again in the middle;
 * the emulator's ledger shows each task paid once, and calls of the resume URL that do not prove
 * the secret are answered 401. A run without the option, beside it (on the line's shared server,
 * under the same limit), is stopped by the limit; and
 * one whose wait runs out while n8n is down (no callback came) passes its input items on, as n8n
 * ends an expired wait: what the README tells users.
 * Run alone: `npm run build && node harness/e2e.js e2e/dispatch.e2e.test.js` (E2E_N8N_MAJORS=1 or 2).
 */
const { after, before, describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { request } = require('undici');

const { startEmulator } = require('../emulator/server');
const { probeImage } = require('../emulator/images');
const { nodeOutput } = require('../harness/n8n');
const { sharedN8n, startN8n } = require('../harness/server');
const { codeNode, fluxNode, workflow } = require('../harness/workflows');

const MAJORS = (process.env.E2E_N8N_MAJORS ?? '1,2').split(',').map(Number);
const KEY = 'bfl_e2e_placeholder_key';
const ITEMS = 60;
/** n8n's execution limit, and the emulated tasks: twice as long, and longer than n8n's restart. */
const TIMEOUT_SECONDS = 10;
const TASK_MS = 25_000;

// Both n8n lines at once: their runs mostly wait for the emulated tasks.
describe('free the execution while BFL works', { concurrency: true }, () => {
	for (const major of MAJORS) {
		describe(`n8n ${major === 1 ? '1.123 on Node 20' : '2.x on Node 24'}`, () => {
			/** @type {Awaited<ReturnType<typeof startEmulator>>} */
			let emulator;
			/** @type {Awaited<ReturnType<typeof startN8n>>} */
			let n8n;
			/** The line's shared server (never restarted here), for the run without the option. @type {Awaited<ReturnType<typeof sharedN8n>>} */
			let held;
			const pro = { resource: 'image', operation: 'generate', model: 'flux-2-pro', prompt: '={{ $json.prompt }}', width: 256, height: 256 };
			const prompts = (/** @type {number} */ count) => codeNode('Prompts', Array.from({ length: count }, (_, index) => ({ prompt: `postcard ${index}` })));

			before(async () => {
				// An account allowed more than 60 tasks at once: the execution waits once every task is submitted.
				emulator = await startEmulator({ generationMs: TASK_MS, activeTaskLimit: 100 });
				n8n = await startN8n({ major: /** @type {1 | 2} */ (major), env: { EXECUTIONS_TIMEOUT: String(TIMEOUT_SECONDS) } });
				await n8n.addCredential({ type: 'bflApi', data: { apiKey: KEY, region: 'custom', baseUrl: emulator.apiBase } });
				await n8n.addWorkflow(
					workflow('e2eDispatch0001', [prompts(ITEMS), fluxNode('Generate', { ...pro, options: { freeExecution: true, maxConcurrentTasks: ITEMS } })]),
				);
				held = await sharedN8n(/** @type {1 | 2} */ (major));
				await held.addCredential({ type: 'bflApi', data: { apiKey: KEY, region: 'custom', baseUrl: emulator.apiBase } });
				const withoutOption = workflow('e2eNoDispatch01', [prompts(1), fluxNode('Generate', pro)]);
				await held.addWorkflow({ ...withoutOption, settings: { ...withoutOption.settings, executionTimeout: TIMEOUT_SECONDS } });
				// Tasks BFL never finishes in time: no callback comes.
				const stuck = codeNode('Prompts', [{ prompt: 'a stuck kite [[slow=600000]]' }, { prompt: 'a stuck boat [[slow=600000]]' }]);
				// Without an execution limit (n8n's default): with one, regular mode counts the wait and cancels the resume.
				const lost = workflow('e2eDispatchLost', [stuck, fluxNode('Generate', { ...pro, options: { freeExecution: true } })]);
				await n8n.addWorkflow({ ...lost, settings: { ...lost.settings, executionTimeout: -1 } });
			});

			after(async () => {
				await n8n?.close();
				await held?.close();
				await emulator?.close();
			});

			test(`${ITEMS} items whose tasks take twice the execution limit end with ${ITEMS} images, through a restart of n8n, each task paid once`, async (t) => {
				const startedAt = Date.now();
				const heldRun = await held.startRun('e2eNoDispatch01');
				const freed = await n8n.startRun('e2eDispatch0001');
				const lost = await n8n.startRun('e2eDispatchLost');
				const waiting = await n8n.execution(freed, { until: 'waiting', timeoutMs: 30_000 });
				assert.equal(waiting.run.status, 'waiting', 'saved as waiting while BFL works');
				await n8n.execution(lost, { until: 'waiting', timeoutMs: 30_000 });
				const submits = () =>
					emulator.ledger.filter((entry) => entry.method === 'POST' && entry.path === '/v1/flux-2-pro' && entry.status === 200 && !String(entry.body?.prompt).includes('stuck'));
				assert.equal(submits().length, ITEMS + 1, 'every item submitted before the wait (and the held run’s one)');

				// Calls of the resume URL that do not prove the secret.
				const resumeUrl = /** @type {any} */ ([...emulator.tasks.values()].find((task) => task.webhookUrl)).webhookUrl;
				for (const headers of [{}, { 'x-webhook-secret': 'not-the-secret' }]) {
					const forged = await request(resumeUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ id: 'x', status: 'Ready' }) });
					await forged.body.dump();
					assert.equal(forged.statusCode, 401, `a call with ${JSON.stringify(headers)} is refused`);
				}

				const restartedAt = Date.now();
				await n8n.stopServer();
				// The other execution's wait runs out while n8n is down (the node's own deadline call died with it).
				await n8n.expireWait(lost);
				await n8n.startServer();
				t.diagnostic(`n8n stopped and started again in ${((Date.now() - restartedAt) / 1000).toFixed(1)} s`);
				assert.equal(await n8n.status(freed), 'waiting', 'still waiting after the restart');

				// What a user then sees: n8n resumes an expired wait by passing the node's input items on.
				const expired = await n8n.execution(lost, { timeoutMs: 60_000 });
				assert.equal(expired.run.status, 'success');
				assert.deepEqual(
					nodeOutput(expired.run, 'Generate').map((item) => item.json),
					[{ prompt: 'a stuck kite [[slow=600000]]' }, { prompt: 'a stuck boat [[slow=600000]]' }],
					'the input items, without images, task IDs or errors',
				);

				// Without the option, the same wait is stopped by the limit.
				const stopped = await held.execution(heldRun, { timeoutMs: 60_000 });
				assert.notEqual(stopped.run.status, 'success', `the held run ended ${stopped.run.status}`);
				t.diagnostic(`without the option: ${stopped.run.status} (${stopped.run.data.resultData.error?.message ?? ''})`);

				const { run } = await n8n.execution(freed, { timeoutMs: 120_000 });
				assert.equal(run.status, 'success', JSON.stringify(run.data.resultData.error));
				const items = nodeOutput(run, 'Generate');
				assert.equal(items.length, ITEMS);
				assert.deepEqual(items.map((item) => item.pairedItem?.item ?? item.pairedItem), Array.from({ length: ITEMS }, (_, index) => index));
				for (const [index, item] of items.entries()) {
					assert.equal(item.json.status, 'Ready', JSON.stringify(item.json));
					assert.equal(item.json.prompt, `postcard ${index}`);
					assert.deepEqual(await probeImage(Buffer.from(item.binary.data.data, 'base64')), { format: 'jpeg', width: 256, height: 256 });
				}
				const seconds = (Date.now() - startedAt) / 1000;
				t.diagnostic(`the freed execution took ${seconds.toFixed(1)} s under a ${TIMEOUT_SECONDS} s limit`);
				assert.ok(seconds > 2 * TIMEOUT_SECONDS, `it outlived the limit: ${seconds} s`);
				assert.equal(submits().length, ITEMS + 1, 'nothing was submitted again');
				assert.equal(new Set(submits().map((entry) => entry.taskId)).size, ITEMS + 1);
				const ready = items.map((item) => item.json.taskId);
				assert.deepEqual(new Set(ready).size, ITEMS, 'each task collected once');
			});
		});
	}
});
