// @ts-check
'use strict';
/**
 * A tiny OpenAI-compatible Chat Completions server on 127.0.0.1, for driving n8n's AI Agent without
 * a network or a real model. It records every request (path, headers, body: the `tools` the model
 * is shown and the `messages`, tool results included) and answers from a script: a function that
 * gets the request body and returns the next assistant turn, either tool calls or a final text.
 *
 *   const stub = await startOpenAiStub();
 *   stub.setScript((body, turn) => turn === 0 ? { toolCalls: [{ name: 'Generate_Image', arguments: { prompt: 'a fox' } }] } : { content: 'done' });
 *   // point n8n's OpenAI credential (field `url`) at stub.baseUrl; afterwards read stub.requests
 *
 * `turn` is the number of assistant turns already in the conversation, so a script is stateless
 * and a retried request gets the same answer. Supports `stream: true` (SSE chunks, with a usage
 * chunk when `stream_options.include_usage`) and GET /v1/models. Anything else answers 404 in
 * OpenAI's error shape; a script that throws answers 500, and the error is kept in `stub.errors`.
 */
const http = require('node:http');

/** @typedef {{ name: string, arguments: Record<string, unknown> | string, id?: string }} ScriptedToolCall */
/** @typedef {{ toolCalls: ScriptedToolCall[] } | { content: string }} ScriptedTurn */
/** @typedef {(body: any, turn: number) => ScriptedTurn} Script */
/** @typedef {{ time: number, method: string, path: string, headers: http.IncomingHttpHeaders, body: any, turn?: number, answer?: ScriptedTurn }} StubRequest */

const MODELS = ['gpt-4.1-mini', 'gpt-4o-mini'];

/** @param {http.ServerResponse} res @param {number} status @param {unknown} body */
function sendJson(res, status, body) {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
	res.end(text);
}

/** @param {http.IncomingMessage} req @returns {Promise<any>} */
async function readJson(req) {
	const chunks = [];
	for await (const chunk of req) chunks.push(chunk);
	const text = Buffer.concat(chunks).toString('utf8');
	if (!text) return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

/** Assistant turns already in the conversation. @param {any} body */
function turnOf(body) {
	return (Array.isArray(body?.messages) ? body.messages : []).filter((/** @type {any} */ message) => message?.role === 'assistant').length;
}

/**
 * The contents of the `tool` messages of a request (what the tools answered), oldest first.
 * @param {any} body @returns {Array<{ toolCallId: string, content: string }>}
 */
function toolResults(body) {
	return (Array.isArray(body?.messages) ? body.messages : [])
		.filter((/** @type {any} */ message) => message?.role === 'tool')
		.map((/** @type {any} */ message) => ({
			toolCallId: message.tool_call_id,
			content: Array.isArray(message.content) ? message.content.map((/** @type {any} */ part) => part?.text ?? '').join('') : String(message.content ?? ''),
		}));
}

/**
 * Starts the stub on a free port (or `port`).
 * @param {{ port?: number, script?: Script }} [options]
 */
async function startOpenAiStub(options = {}) {
	/** @type {StubRequest[]} */
	const requests = [];
	/** @type {Error[]} */
	const errors = [];
	/** @type {Script} */
	let script = options.script ?? (() => ({ content: 'No script set.' }));
	let completionCounter = 0;
	let callCounter = 0;

	/** The chat.completion message of a scripted turn. @param {ScriptedTurn} turn */
	function messageOf(turn) {
		if ('toolCalls' in turn) {
			return {
				role: 'assistant',
				content: null,
				tool_calls: turn.toolCalls.map((call) => ({
					id: call.id ?? `call_stub_${++callCounter}`,
					type: 'function',
					function: { name: call.name, arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments) },
				})),
			};
		}
		return { role: 'assistant', content: turn.content };
	}

	/** @param {http.ServerResponse} res @param {any} body @param {ScriptedTurn} turn */
	function complete(res, body, turn) {
		const id = `chatcmpl-stub-${++completionCounter}`;
		const created = Math.floor(Date.now() / 1000);
		const model = typeof body?.model === 'string' ? body.model : MODELS[0];
		const message = messageOf(turn);
		const finishReason = message.tool_calls ? 'tool_calls' : 'stop';
		const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
		if (!body?.stream) {
			sendJson(res, 200, {
				id,
				object: 'chat.completion',
				created,
				model,
				choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
				usage,
			});
			return;
		}
		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
		/** @param {unknown} chunk */
		const send = (chunk) => res.write(`data: ${JSON.stringify(chunk)}\n\n`);
		/** @param {Record<string, unknown>} delta @param {string | null} finish */
		const chunkOf = (delta, finish = null) => ({
			id,
			object: 'chat.completion.chunk',
			created,
			model,
			choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
		});
		send(chunkOf({ role: 'assistant', content: message.tool_calls ? null : '' }));
		if (message.tool_calls) {
			message.tool_calls.forEach((call, index) => {
				send(chunkOf({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
				send(chunkOf({ tool_calls: [{ index, function: { arguments: call.function.arguments } }] }));
			});
		} else {
			// Two pieces, as a real stream would split it.
			const text = String(message.content);
			const half = Math.ceil(text.length / 2);
			for (const piece of [text.slice(0, half), text.slice(half)]) if (piece) send(chunkOf({ content: piece }));
		}
		send(chunkOf({}, finishReason));
		if (body.stream_options?.include_usage) send({ id, object: 'chat.completion.chunk', created, model, choices: [], usage });
		res.write('data: [DONE]\n\n');
		res.end();
	}

	const server = http.createServer((req, res) => {
		void (async () => {
			const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname.replace(/\/+$/, '');
			const body = req.method === 'POST' ? await readJson(req) : undefined;
			/** @type {StubRequest} */
			const record = { time: Date.now(), method: req.method ?? '', path, headers: { ...req.headers }, body };
			requests.push(record);
			if (req.method === 'GET' && /(^|\/)models$/.test(path)) {
				sendJson(res, 200, { object: 'list', data: MODELS.map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'stub' })) });
				return;
			}
			if (req.method === 'POST' && /(^|\/)chat\/completions$/.test(path)) {
				const turn = turnOf(body);
				let answer;
				try {
					answer = script(body, turn);
				} catch (error) {
					errors.push(/** @type {Error} */ (error));
					sendJson(res, 500, { error: { message: `stub script failed: ${/** @type {Error} */ (error).message}`, type: 'server_error', code: null } });
					return;
				}
				record.turn = turn;
				record.answer = answer;
				complete(res, body, answer);
				return;
			}
			sendJson(res, 404, { error: { message: `The stub does not serve ${req.method} ${path}`, type: 'invalid_request_error', code: 'not_found' } });
		})().catch((error) => {
			errors.push(error);
			if (!res.headersSent) sendJson(res, 500, { error: { message: String(error?.message ?? error), type: 'server_error' } });
			else res.destroy();
		});
	});
	await new Promise((resolve, reject) => server.once('error', reject).listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined)));
	const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;

	return {
		port,
		/** The base URL for the OpenAI credential's `url` field (the SDK appends /chat/completions). */
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		errors,
		/** Chat completion requests only. */
		get completions() {
			return requests.filter((request) => request.method === 'POST' && /chat\/completions$/.test(request.path));
		},
		/** @param {Script} next */
		setScript(next) {
			script = next;
		},
		reset() {
			requests.length = 0;
			errors.length = 0;
		},
		/** @returns {Promise<void>} */
		close() {
			return new Promise((resolve) => {
				server.closeAllConnections?.();
				server.close(() => resolve(undefined));
			});
		},
	};
}

module.exports = { startOpenAiStub, toolResults, turnOf };
