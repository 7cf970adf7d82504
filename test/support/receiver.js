// @ts-check
'use strict';
/**
 * An HTTP server standing in for n8n's waiting-webhook endpoint in unit tests: every request (BFL's
 * callbacks from the emulator, the node's own wake-ups) is handed, as n8n hands it to a node, to the
 * test's handler, whose answer is sent back. JavaScript: the tests' lint allows no Node built-in.
 */
const http = require('node:http');

/**
 * @typedef {{ method: string, path: string, headers: Record<string, string>, query: Record<string, string>, body: unknown, rawBody: Buffer }} ReceivedCall
 * @typedef {{ status: number, body?: unknown }} ReceiverAnswer
 */

/**
 * @param {(call: ReceivedCall) => Promise<ReceiverAnswer>} handle
 * @returns {Promise<{ url: string, calls: ReceivedCall[], close: () => Promise<void> }>}
 */
async function startReceiver(handle) {
	/** @type {ReceivedCall[]} */
	const calls = [];
	const server = http.createServer((req, res) => {
		/** @type {Buffer[]} */
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', async () => {
			const rawBody = Buffer.concat(chunks);
			const url = new URL(req.url ?? '/', 'http://receiver');
			let body;
			try {
				body = rawBody.length ? JSON.parse(rawBody.toString('utf8')) : {};
			} catch {
				body = rawBody.toString('utf8');
			}
			/** @type {ReceivedCall} */
			const call = {
				method: req.method ?? 'GET',
				path: url.pathname,
				headers: /** @type {Record<string, string>} */ (req.headers),
				query: Object.fromEntries(url.searchParams),
				body,
				rawBody,
			};
			calls.push(call);
			let answer;
			try {
				answer = await handle(call);
			} catch (error) {
				answer = { status: 500, body: { error: String(error) } };
			}
			res.writeHead(answer.status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(answer.body ?? {}));
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${port}`,
		calls,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve(undefined));
			}),
	};
}

module.exports = { startReceiver };
