// @ts-check
'use strict';
/**
 * Webhooks over real HTTP: the final poll answer POSTed to a receiver of the test's own, with the
 * secret echoed back.
 */
const crypto = require('node:crypto');
const http = require('node:http');
const { useEmulator, submit } = require('../support/emulator');

const emulator = useEmulator();

/** Starts a receiver; returns its URL, what it got, and a stop function. */
async function webhookReceiver() {
	/** @type {Array<{ headers: http.IncomingHttpHeaders, body: any, raw: string }>} */
	const received = [];
	const receiver = http.createServer((req, res) => {
		let text = '';
		req.on('data', (chunk) => (text += chunk));
		req.on('end', () => {
			received.push({ headers: req.headers, body: JSON.parse(text), raw: text });
			res.end('ok');
		});
	});
	await new Promise((resolve) => receiver.listen(0, '127.0.0.1', () => resolve(undefined)));
	const port = /** @type {import('node:net').AddressInfo} */ (receiver.address()).port;
	const until = async () => {
		for (let attempt = 0; attempt < 60 && received.length === 0; attempt++)
			await new Promise((resolve) => setTimeout(resolve, 50));
		return received;
	};
	return {
		url: `http://127.0.0.1:${port}/done`,
		until,
		stop: () => new Promise((resolve) => receiver.close(() => resolve(undefined))),
	};
}

describe('webhooks', () => {
	test('a delivery that ends after reset() is not recorded: it belonged to a forgotten task', async () => {
		/** @type {Array<() => void>} */
		const held = [];
		const receiver = http.createServer((req, res) => {
			req.resume();
			held.push(() => res.end('ok'));
		});
		await new Promise((resolve) => receiver.listen(0, '127.0.0.1', () => resolve(undefined)));
		const port = /** @type {import('node:net').AddressInfo} */ (receiver.address()).port;
		try {
			await submit('flux-2-klein-4b', {
				prompt: 'late',
				webhook_url: `http://127.0.0.1:${port}/done`,
				webhook_secret: 'placeholder-secret',
			});
			for (let attempt = 0; attempt < 60 && held.length === 0; attempt++)
				await new Promise((resolve) => setTimeout(resolve, 50));
			expect(held).toHaveLength(1); // the delivery is in flight, its answer held back
			emulator.reset();
			held[0]();
			await new Promise((resolve) => setTimeout(resolve, 300));
			expect(emulator.webhookDeliveries).toEqual([]);
		} finally {
			receiver.closeAllConnections();
			await new Promise((resolve) => receiver.close(() => resolve(undefined)));
		}
	});

	test('webhooks: the final poll answer is POSTed with X-Webhook-Secret', async () => {
		const receiver = await webhookReceiver();
		try {
			const submitted = await submit('flux-2-klein-4b', {
				prompt: 'hook',
				webhook_url: receiver.url,
				webhook_secret: 'placeholder-secret',
			});
			expect(submitted.json).toMatchObject({
				id: expect.any(String),
				status: 'Pending',
				webhook_url: receiver.url,
			});
			const received = await receiver.until();
			expect(received).toHaveLength(1);
			expect(received[0].headers['x-webhook-secret']).toBe('placeholder-secret');
			expect(received[0].body).toEqual({
				id: submitted.json.id,
				status: 'Ready',
				result: expect.objectContaining({ sample: expect.any(String), seed: expect.any(Number) }),
				progress: null,
				details: null,
				preview: null,
			});
			// The emulator records the delivery once the receiver has answered.
			for (let attempt = 0; attempt < 40 && emulator.webhookDeliveries.length === 0; attempt++)
				await new Promise((resolve) => setTimeout(resolve, 25));
			expect(emulator.webhookDeliveries).toEqual([
				expect.objectContaining({ taskId: submitted.json.id, status: 200 }),
			]);
		} finally {
			await receiver.stop();
		}
	});

	test('webhooks: a moderated task is delivered too, with its status and reasons', async () => {
		const receiver = await webhookReceiver();
		try {
			const submitted = await submit('flux-2-pro', {
				prompt: 'x [[content-moderated]]',
				webhook_url: receiver.url,
			});
			const [delivery] = await receiver.until();
			expect(delivery.body).toMatchObject({
				id: submitted.json.id,
				status: 'Content Moderated',
				result: null,
				details: { 'Moderation Reasons': [expect.any(String)] },
			});
		} finally {
			await receiver.stop();
		}
	});
});

describe('webhook deliveries and answers', () => {
	test('a delivery not answered 2xx is sent again after the retry delays, then given up', async () => {
		emulator.config.webhookRetryDelaysMs = [50, 50];
		/** @type {number[]} */
		const answers = [409, 409, 409, 200];
		let calls = 0;
		const receiver = http.createServer((req, res) => {
			req.resume();
			req.on('end', () => {
				res.statusCode = answers[calls++];
				res.end();
			});
		});
		await new Promise((resolve) => receiver.listen(0, '127.0.0.1', () => resolve(undefined)));
		const port = /** @type {import('node:net').AddressInfo} */ (receiver.address()).port;
		try {
			const submitted = await submit('flux-2-klein-4b', {
				prompt: 'hook',
				webhook_url: `http://127.0.0.1:${port}/late`,
			});
			// This task's deliveries (an earlier test's may still be recorded).
			const mine = () =>
				emulator.webhookDeliveries.filter((delivery) => delivery.taskId === submitted.json.id);
			for (let attempt = 0; attempt < 80 && mine().length < 3; attempt++)
				await new Promise((resolve) => setTimeout(resolve, 25));
			await new Promise((resolve) => setTimeout(resolve, 200)); // no fourth attempt comes
			expect(
				mine().map((delivery) => [delivery.taskId, delivery.attempt, delivery.status]),
			).toEqual([
				[submitted.json.id, 0, 409],
				[submitted.json.id, 1, 409],
				[submitted.json.id, 2, 409],
			]);
		} finally {
			await new Promise((resolve) => receiver.close(() => resolve(undefined)));
		}
	});

	test("a webhook submit is answered with a polling_url as BFL's skills read it, or without one as its schema gives it", async () => {
		const withUrl = await submit('flux-2-klein-4b', {
			prompt: 'hook',
			webhook_url: 'http://127.0.0.1:9/none',
		});
		expect(withUrl.json.polling_url).toMatch(/\/v1\/get_result\?id=/);
		emulator.config.webhookAnswer = 'schema';
		const bare = await submit('flux-2-klein-4b', {
			prompt: 'hook',
			webhook_url: 'http://127.0.0.1:9/none',
		});
		expect(Object.keys(bare.json).sort()).toEqual([
			'cost',
			'id',
			'input_mp',
			'output_mp',
			'status',
			'webhook_url',
		]);
	});
});

describe('webhook signatures', () => {
	/** Submits a task with a webhook and a secret under `mode`; returns what the receiver got. @param {'secret' | 'hmac' | 'both'} mode @param {string} [secret] */
	async function deliveredWith(mode, secret = 'placeholder-secret') {
		emulator.config.webhookSignature = mode;
		const receiver = await webhookReceiver();
		try {
			await submit('flux-2-klein-4b', {
				prompt: 'hook',
				webhook_url: receiver.url,
				...(secret ? { webhook_secret: secret } : {}),
			});
			const [delivery] = await receiver.until();
			return delivery;
		} finally {
			await receiver.stop();
		}
	}

	/** @param {string} raw */
	const hmac = (raw) =>
		`sha256=${crypto.createHmac('sha256', 'placeholder-secret').update(raw, 'utf8').digest('hex')}`;

	test("'secret' (the default): X-Webhook-Secret only", async () => {
		const delivery = await deliveredWith('secret');
		expect(delivery.headers['x-webhook-secret']).toBe('placeholder-secret');
		expect(delivery.headers['x-bfl-signature']).toBeUndefined();
	});

	test("'hmac': X-BFL-Signature, the HMAC-SHA256 of the raw body keyed with the secret, and no secret in the clear", async () => {
		const delivery = await deliveredWith('hmac');
		expect(delivery.headers['x-bfl-signature']).toBe(hmac(delivery.raw));
		expect(delivery.headers['x-webhook-secret']).toBeUndefined();
		expect(delivery.body.status).toBe('Ready');
		// The record is written once the receiver has answered.
		const recorded = () =>
			emulator.webhookDeliveries.find((entry) => entry.taskId === delivery.body.id);
		for (let attempt = 0; attempt < 40 && !recorded(); attempt++)
			await new Promise((resolve) => setTimeout(resolve, 25));
		expect(recorded()?.signedWith).toEqual(['x-bfl-signature']);
	});

	test("'both': both headers", async () => {
		const delivery = await deliveredWith('both');
		expect(delivery.headers['x-webhook-secret']).toBe('placeholder-secret');
		expect(delivery.headers['x-bfl-signature']).toBe(hmac(delivery.raw));
	});

	test('no secret: no signature header at all', async () => {
		const delivery = await deliveredWith('both', '');
		expect(delivery.headers['x-webhook-secret']).toBeUndefined();
		expect(delivery.headers['x-bfl-signature']).toBeUndefined();
	});
});
