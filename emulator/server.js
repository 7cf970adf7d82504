// @ts-check
'use strict';
/**
 * A local stand-in for the BFL API (../shared/bfl-api.md), for demos and tests without a key.
 * It validates with the node's own model table (dist/, so build first), keeps a per-key credit
 * balance and active-task count, answers on a polling_url a client must really use, serves real
 * images from a different host name that expire, calls webhooks, injects faults on demand and
 * keeps a ledger of every request (the key's value never recorded).
 */
const http = require('node:http');
const crypto = require('node:crypto');
const { request: undiciRequest } = require('undici');
const { renderImage, probeImage } = require('./images');

const { MODELS_BY_ENDPOINT } = require('../dist/nodes/Flux/models.js');
const { validateRequest, unknownFields } = require('../dist/nodes/Flux/validation.js');

const MP = 1024 * 1024;

/**
 * Faults, set globally (POST /_emulator/config) or per task by a prompt token `[[name]]` or
 * `[[name=value]]`: request-moderated, content-moderated, error, slow=<ms>, poll-500=<rate 0..1>,
 * poll-reset=<rate>, poll-malformed=<rate>, not-found-ms=<ms>, delivery-fail-once, delivery-slow=<ms>,
 * submit-malformed, submit-500, noise (an incompressible image, for memory benchmarks).
 */
const DEFAULT_CONFIG = {
	/** How long a task stays Pending, in ms. */
	generationMs: 1500,
	/** Credits per key at start (1 credit = US$0.01). */
	credits: 10000,
	/** Keys that are accepted; empty = any non-empty key. A key starting with "invalid" is refused. */
	apiKeys: /** @type {string[]} */ ([]),
	activeTaskLimit: 24,
	kontextMaxLimit: 6,
	/** Result URLs expire this long after the task is Ready (BFL: 10 minutes). */
	sampleTtlMs: 10 * 60 * 1000,
	/** 422 on fields the endpoint does not know (BFL ignores them; strict catches client bugs). */
	strict: true,
	/** Send Retry-After (seconds) on 429; null = no header, like BFL's documented behaviour. */
	retryAfterSeconds: /** @type {number | null} */ (null),
	/** Global faults applied to every task, same names as the prompt tokens. */
	faults: /** @type {Record<string, string | number | boolean>} */ ({}),
};

/** Megapixels as BFL reports them (2 decimals). */
function megapixels(width, height) {
	return Math.round(((width * height) / MP) * 100) / 100;
}

/** Approximate BFL pricing (§5), in credits. */
function costOf(endpoint, outputMp, inputMp) {
	const perMp = {
		'flux-2-klein-4b': [1.4, 0.1],
		'flux-2-klein-9b': [1.5, 0.2],
		'flux-2-klein-9b-preview': [1.5, 0.2],
		'flux-2-pro': [3, 1.5],
		'flux-2-pro-preview': [3, 1.5],
		'flux-2-max': [7, 3],
		'flux-2-flex': [5, 5],
	}[endpoint];
	if (perMp) {
		const [first, extra] = perMp;
		return Math.round((first + Math.max(0, outputMp - 1) * extra + inputMp * extra) * 10) / 10;
	}
	const flat = {
		'flux-kontext-pro': 4,
		'flux-kontext-max': 8,
		'flux-pro-1.1': 4,
		'flux-pro-1.1-ultra': 6,
		'flux-pro-1.0-fill': 5,
		'flux-pro-1.1-ultra-finetuned': 7,
		'flux-pro-1.0-fill-finetuned': 6,
		'flux-dev': 2.5,
	}[endpoint];
	return flat ?? 5;
}

/** `[[name]]` / `[[name=value]]` tokens in a prompt. */
function promptFaults(prompt) {
	/** @type {Record<string, string | boolean>} */
	const faults = {};
	for (const match of String(prompt ?? '').matchAll(/\[\[([a-z0-9-]+)(?:=([^\]]+))?\]\]/g)) {
		faults[match[1]] = match[2] ?? true;
	}
	return faults;
}

function roundTo(value, step) {
	return Math.max(step, Math.round(value / step) * step);
}

function sizeForRatio(ratio, pixels, step) {
	const [w, h] = String(ratio).split(':').map(Number);
	const width = Math.sqrt((pixels * w) / h);
	return { width: roundTo(width, step), height: roundTo((width * h) / w, step) };
}

function isImageField(model, api) {
	return model.fields.some((field) => field.api === api && field.kind === 'image');
}

class Emulator {
	/** @param {Partial<typeof DEFAULT_CONFIG>} [config] */
	constructor(config = {}) {
		this.config = { ...DEFAULT_CONFIG, ...config, faults: { ...(config.faults ?? {}) } };
		/** @type {Map<string, any>} */
		this.tasks = new Map();
		/** @type {Map<string, number>} */
		this.spent = new Map();
		/** @type {any[]} */
		this.ledger = [];
		/** @type {any[]} */
		this.webhookDeliveries = [];
		/** @type {Set<NodeJS.Timeout>} */
		this.timers = new Set();
		this.clusterToken = crypto.randomBytes(6).toString('hex');
		this.signingKey = crypto.randomBytes(16);
		this.apiBase = '';
		this.deliveryBase = '';
		/** @type {http.Server[]} */
		this.servers = [];
	}

	/**
	 * Listens on 127.0.0.1 (API) and serves results as `localhost` (a different host name on the
	 * same port, as BFL's delivery hosts differ from its API host); ::1 too where it exists.
	 * @param {number} [port]
	 */
	async listen(port = 0) {
		const handler = (req, res) => this.handle(req, res).catch((error) => this.fail(res, error));
		const main = http.createServer(handler);
		await new Promise((resolve, reject) => main.once('error', reject).listen(port, '127.0.0.1', () => resolve(undefined)));
		const actual = /** @type {import('node:net').AddressInfo} */ (main.address()).port;
		this.servers.push(main);
		const v6 = http.createServer(handler);
		await new Promise((resolve) => {
			v6.once('error', () => resolve(undefined)).listen(actual, '::1', () => {
				this.servers.push(v6);
				resolve(undefined);
			});
		});
		this.apiBase = `http://127.0.0.1:${actual}`;
		this.deliveryBase = `http://localhost:${actual}`;
		return this;
	}

	async close() {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		await Promise.all(
			this.servers.map(
				(server) =>
					new Promise((resolve) => {
						server.closeAllConnections?.();
						server.close(() => resolve(undefined));
					}),
			),
		);
	}

	reset() {
		this.tasks.clear();
		this.spent.clear();
		this.ledger.length = 0;
		this.webhookDeliveries.length = 0;
	}

	creditsLeft(key) {
		return Math.round((this.config.credits - (this.spent.get(key) ?? 0)) * 100) / 100;
	}

	fail(res, error) {
		if (!res.headersSent) this.json(res, 500, { detail: `emulator error: ${error?.message ?? error}` });
		else res.destroy();
	}

	json(res, status, body, headers = {}) {
		const text = JSON.stringify(body);
		res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
		res.end(text);
		return status;
	}

	/** Reads a JSON body; undefined when it is not JSON. */
	async readBody(req) {
		const chunks = [];
		for await (const chunk of req) chunks.push(chunk);
		const text = Buffer.concat(chunks).toString('utf8');
		if (!text) return {};
		try {
			return JSON.parse(text);
		} catch {
			return undefined;
		}
	}

	/** What the ledger keeps of a body: scalars as sent, images as a short description. */
	summariseBody(model, body) {
		if (!body || typeof body !== 'object') return body;
		/** @type {Record<string, unknown>} */
		const summary = {};
		for (const [key, value] of Object.entries(body)) {
			if (model && isImageField(model, key) && typeof value === 'string' && !/^https?:/.test(value)) {
				summary[key] = `<base64 ${value.length} chars>`;
			} else {
				summary[key] = typeof value === 'string' && value.length > 500 ? `${value.slice(0, 500)}…` : value;
			}
		}
		return summary;
	}

	record(req, url, entry) {
		const headers = { ...req.headers };
		const keyPresent = 'x-key' in headers;
		if (keyPresent) headers['x-key'] = '<redacted>';
		const record = {
			time: Date.now(),
			method: req.method,
			host: req.headers.host,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			keyPresent,
			headers,
			...entry,
		};
		this.ledger.push(record);
		return record;
	}

	/** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
	async handle(req, res) {
		const url = new URL(req.url ?? '/', this.apiBase);
		const entry = this.record(req, url, {});
		const respond = async () => {
			if (url.pathname.startsWith('/_emulator/')) return await this.control(req, res, url);
			if (url.pathname.startsWith('/results/')) return await this.deliver(req, res, url, entry);
			if (req.method === 'GET' && url.pathname === '/v1/get_result') return await this.poll(req, res, url, entry);
			const key = req.headers['x-key'];
			if (!key) return this.json(res, 401, { detail: 'Not authenticated' });
			if (typeof key !== 'string' || key.startsWith('invalid') || (this.config.apiKeys.length && !this.config.apiKeys.includes(key))) {
				return this.json(res, 403, { detail: 'Invalid API key' });
			}
			if (req.method === 'GET' && url.pathname === '/v1/credits') return this.json(res, 200, { credits: this.creditsLeft(key) });
			const match = /^\/v1\/([a-z0-9.-]+)$/.exec(url.pathname);
			const model = match && MODELS_BY_ENDPOINT.get(match[1]);
			if (req.method === 'POST' && model) return await this.submit(req, res, key, model, entry);
			return this.json(res, 404, { detail: 'Not Found' });
		};
		entry.status = await respond();
	}

	/** POST /v1/{endpoint} */
	async submit(req, res, key, model, entry) {
		const body = await this.readBody(req);
		entry.bodyKeys = body && typeof body === 'object' ? Object.keys(body) : [];
		entry.body = this.summariseBody(model, body);
		if (!body || typeof body !== 'object' || Array.isArray(body)) {
			return this.json(res, 422, { detail: [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }] });
		}
		const detail = validateRequest(model, 'api', body).map((problem) => ({
			loc: ['body', problem.field],
			msg: `Value ${problem.message}`,
			type: problem.type,
		}));
		if (this.config.strict) {
			for (const field of unknownFields(model, 'api', body)) {
				detail.push({ loc: ['body', field], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' });
			}
		}
		/** @type {Array<{ width: number, height: number }>} */
		const inputs = [];
		for (const field of model.fields) {
			const value = body[field.api];
			if (field.kind !== 'image' || typeof value !== 'string' || !value) continue;
			if (/^https?:\/\//.test(value)) {
				if (!field.acceptsUrl) detail.push({ loc: ['body', field.api], msg: 'Expected base64 image data, got a URL', type: 'value_error' });
				continue;
			}
			if (value.startsWith('data:')) {
				detail.push({ loc: ['body', field.api], msg: 'Send raw base64, without the data: prefix', type: 'value_error' });
				continue;
			}
			const probe = await probeImage(Buffer.from(value, 'base64'));
			if (!probe) detail.push({ loc: ['body', field.api], msg: 'Could not decode the image', type: 'value_error' });
			else inputs.push(probe);
		}
		if (detail.length) return this.json(res, 422, { detail });

		const faults = { ...this.config.faults, ...promptFaults(body.prompt) };
		if (faults['submit-500']) return this.json(res, 500, { detail: 'Internal Server Error' });

		const active = [...this.tasks.values()].filter((task) => task.key === key && this.isActive(task));
		const limit = this.config.activeTaskLimit;
		const kontextMax = model.endpoint === 'flux-kontext-max' && active.filter((task) => task.endpoint === 'flux-kontext-max').length >= this.config.kontextMaxLimit;
		if (active.length >= limit || kontextMax) {
			const headers = this.config.retryAfterSeconds === null ? {} : { 'retry-after': String(this.config.retryAfterSeconds) };
			return this.json(res, 429, { detail: `You have reached the maximum number of active tasks (${kontextMax ? this.config.kontextMaxLimit : limit})` }, headers);
		}

		const { width, height } = this.outputSize(model, body, inputs);
		const outputMp = megapixels(width, height);
		const inputMp = Math.round(inputs.reduce((sum, input) => sum + megapixels(input.width, input.height), 0) * 100) / 100;
		const cost = costOf(model.endpoint, outputMp, inputMp);
		if (this.creditsLeft(key) < cost) return this.json(res, 402, { detail: 'Insufficient credits. Top up at https://dashboard.bfl.ai' });
		this.spent.set(key, (this.spent.get(key) ?? 0) + cost);

		const id = crypto.randomUUID();
		const now = Date.now();
		const generationMs = Number(faults.slow ?? this.config.generationMs);
		const formatField = model.fields.find((field) => field.api === 'output_format');
		const task = {
			id,
			key,
			endpoint: model.endpoint,
			createdAt: now,
			readyAt: faults['request-moderated'] ? now : now + generationMs,
			seed: Number.isInteger(body.seed) ? body.seed : crypto.randomInt(0, 2 ** 31),
			prompt: String(body.prompt ?? ''),
			format: body.output_format ?? formatField?.default ?? 'jpeg',
			width,
			height,
			faults,
			cost,
			polls: 0,
			downloads: 0,
			webhookUrl: body.webhook_url,
			webhookSecret: body.webhook_secret,
			/** @type {Promise<Buffer> | undefined} */
			image: undefined,
		};
		this.tasks.set(id, task);
		entry.taskId = id;
		if (faults['submit-malformed']) {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"id": "' + id + '", "polling_url": ');
			return 200;
		}
		if (task.webhookUrl) {
			this.later(Math.max(0, task.readyAt - now), () => this.callWebhook(task));
			return this.json(res, 200, { id, status: 'Pending', webhook_url: task.webhookUrl, cost, input_mp: inputMp, output_mp: outputMp });
		}
		return this.json(res, 200, { id, polling_url: this.pollingUrl(id), cost, input_mp: inputMp, output_mp: outputMp });
	}

	pollingUrl(id) {
		return `${this.apiBase}/v1/get_result?id=${id}&cluster=${this.clusterToken}`;
	}

	later(ms, run) {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			run();
		}, ms);
		this.timers.add(timer);
	}

	isActive(task) {
		return Date.now() < task.readyAt;
	}

	/** Output size as BFL would choose it for this model and body. */
	outputSize(model, body, inputs) {
		const hasSize = model.fields.some((field) => field.api === 'width');
		if (model.endpoint === 'flux-pro-1.0-expand' && inputs[0]) {
			return {
				width: inputs[0].width + (body.left ?? 0) + (body.right ?? 0),
				height: inputs[0].height + (body.top ?? 0) + (body.bottom ?? 0),
			};
		}
		if (model.endpoint.includes('fill') && inputs[0]) return { width: inputs[0].width, height: inputs[0].height };
		if (hasSize && model.maxPixels) {
			// FLUX.2: 0 or absent = automatic (first input's size, else 1024×1024), multiples of 16, ≤ 4 MP.
			const base = inputs[0] ?? { width: 1024, height: 1024 };
			let width = body.width || base.width;
			let height = body.height || base.height;
			const scale = Math.min(1, Math.sqrt(model.maxPixels / (width * height)));
			width = Math.max(64, Math.floor((width * scale) / 16) * 16);
			height = Math.max(64, Math.floor((height * scale) / 16) * 16);
			return { width, height };
		}
		if (hasSize) {
			const defaults = Object.fromEntries(model.fields.filter((field) => field.api === 'width' || field.api === 'height').map((field) => [field.api, field.default]));
			return { width: body.width ?? defaults.width, height: body.height ?? defaults.height };
		}
		if (model.fields.some((field) => field.api === 'aspect_ratio')) {
			const ultra = model.endpoint.includes('ultra');
			const ratio = body.aspect_ratio || (inputs[0] ? `${inputs[0].width}:${inputs[0].height}` : ultra ? '16:9' : '1:1');
			return sizeForRatio(ratio, ultra ? 4 * MP : MP, ultra ? 32 : 16);
		}
		return inputs[0] ? { width: inputs[0].width, height: inputs[0].height } : { width: 1024, height: 1024 };
	}

	/** The get_result answer for a task right now. */
	answer(task) {
		const now = Date.now();
		const base = { id: task.id, result: null, progress: null, details: null, preview: null };
		if (task.faults['request-moderated']) {
			return { ...base, status: 'Request Moderated', details: { 'Moderation Reasons': ['Emulated request moderation'] } };
		}
		if (now < task.readyAt) {
			const progress = Math.round(((now - task.createdAt) / Math.max(1, task.readyAt - task.createdAt)) * 100) / 100;
			return { ...base, status: 'Pending', progress };
		}
		if (task.faults['content-moderated']) {
			return { ...base, status: 'Content Moderated', details: { 'Moderation Reasons': ['Emulated content moderation'] } };
		}
		if (task.faults.error) return { ...base, status: 'Error', details: { message: 'Emulated generation failure' } };
		return {
			...base,
			status: 'Ready',
			result: {
				sample: this.sampleUrl(task),
				prompt: task.prompt,
				seed: task.seed,
				start_time: task.createdAt / 1000,
				end_time: task.readyAt / 1000,
				duration: (task.readyAt - task.createdAt) / 1000,
			},
		};
	}

	sampleUrl(task) {
		const expires = new Date(task.readyAt + this.config.sampleTtlMs).toISOString();
		const path = `/results/${task.id}/sample.${task.format === 'jpeg' ? 'jpeg' : task.format}`;
		const sig = crypto.createHmac('sha256', this.signingKey).update(`${path}|${expires}`).digest('hex').slice(0, 32);
		return `${this.deliveryBase}${path}?se=${encodeURIComponent(expires)}&sp=r&sig=${sig}`;
	}

	/** GET /v1/get_result?id=…&cluster=… (a rebuilt URL without the cluster token finds nothing). */
	async poll(req, res, url, entry) {
		const id = url.searchParams.get('id');
		if (!id) return this.json(res, 422, { detail: [{ loc: ['query', 'id'], msg: 'Field required', type: 'missing' }] });
		entry.taskId = id;
		const task = this.tasks.get(id);
		const notFound = { id, status: 'Task not found', result: null, progress: null, details: null, preview: null };
		if (!task || url.searchParams.get('cluster') !== this.clusterToken) return this.json(res, 200, notFound);
		task.polls++;
		const faults = task.faults;
		if (faults['not-found-ms'] && Date.now() - task.createdAt < Number(faults['not-found-ms'])) return this.json(res, 200, notFound);
		if (faults['poll-reset'] && Math.random() < Number(faults['poll-reset'] === true ? 1 : faults['poll-reset'])) {
			req.socket.destroy();
			return 0;
		}
		if (faults['poll-500'] && Math.random() < Number(faults['poll-500'] === true ? 1 : faults['poll-500'])) {
			return this.json(res, 500, { detail: 'Internal Server Error' });
		}
		if (faults['poll-malformed'] && Math.random() < Number(faults['poll-malformed'] === true ? 1 : faults['poll-malformed'])) {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"id": "' + id + '", "status": "Pen');
			return 200;
		}
		const answer = this.answer(task);
		entry.answer = answer.status;
		return this.json(res, 200, answer);
	}

	/** GET /results/{id}/sample.{ext}?se=…&sig=… on the delivery host name; no CORS headers. */
	async deliver(req, res, url, entry) {
		const match = /^\/results\/([^/]+)\/sample\.(jpeg|png|webp)$/.exec(url.pathname);
		const task = match && this.tasks.get(match[1]);
		entry.taskId = match?.[1];
		if (!task || this.answer(task).status !== 'Ready') return this.text(res, 404, 'BlobNotFound');
		const expires = url.searchParams.get('se') ?? '';
		const sig = crypto.createHmac('sha256', this.signingKey).update(`${url.pathname}|${expires}`).digest('hex').slice(0, 32);
		if (sig !== url.searchParams.get('sig')) return this.text(res, 403, 'AuthenticationFailed: signature mismatch');
		if (Date.now() > Date.parse(expires)) return this.text(res, 403, 'AuthenticationFailed: Signed expiry time has passed');
		task.downloads++;
		if (task.faults['delivery-fail-once'] && task.downloads === 1) return this.text(res, 503, 'ServerBusy');
		if (task.faults['delivery-slow']) await new Promise((resolve) => setTimeout(resolve, Number(task.faults['delivery-slow'])));
		task.image ??= renderImage({ width: task.width, height: task.height, format: task.format, seed: task.seed, noise: Boolean(task.faults.noise) });
		const bytes = await task.image;
		res.writeHead(200, { 'content-type': `image/${task.format}`, 'content-length': bytes.length });
		res.end(bytes);
		return 200;
	}

	text(res, status, text) {
		res.writeHead(status, { 'content-type': 'text/plain' });
		res.end(text);
		return status;
	}

	async callWebhook(task) {
		const body = JSON.stringify(this.answer(task));
		const headers = { 'content-type': 'application/json', ...(task.webhookSecret ? { 'x-webhook-secret': task.webhookSecret } : {}) };
		const delivery = { taskId: task.id, url: task.webhookUrl, status: 0, error: /** @type {string | undefined} */ (undefined) };
		try {
			const response = await undiciRequest(task.webhookUrl, { method: 'POST', headers, body });
			delivery.status = response.statusCode;
			await response.body.dump();
		} catch (error) {
			delivery.error = String(/** @type {Error} */ (error).message);
		}
		this.webhookDeliveries.push(delivery);
	}

	/** /_emulator/ledger, /_emulator/config, /_emulator/reset, /_emulator/tasks: for tests and demos. */
	async control(req, res, url) {
		if (url.pathname === '/_emulator/ledger') return this.json(res, 200, { ledger: this.ledger, webhooks: this.webhookDeliveries });
		if (url.pathname === '/_emulator/tasks') {
			return this.json(res, 200, { tasks: [...this.tasks.values()].map(({ image, key, ...task }) => ({ ...task, status: this.answer(task).status })) });
		}
		if (url.pathname === '/_emulator/reset' && req.method === 'POST') {
			this.reset();
			return this.json(res, 200, { ok: true });
		}
		if (url.pathname === '/_emulator/config' && req.method === 'POST') {
			const patch = await this.readBody(req);
			Object.assign(this.config, patch ?? {});
			return this.json(res, 200, { config: this.config });
		}
		return this.json(res, 404, { detail: 'Not Found' });
	}
}

/**
 * Starts an emulator; `await emulator.close()` stops it.
 * @param {Partial<typeof DEFAULT_CONFIG> & { port?: number }} [options]
 */
async function startEmulator(options = {}) {
	const { port, ...config } = options;
	return await new Emulator(config).listen(port ?? 0);
}

module.exports = { startEmulator, Emulator, DEFAULT_CONFIG, promptFaults, costOf };
