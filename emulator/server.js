// @ts-check
'use strict';
/**
 * A local stand-in for the BFL API (shared/bfl-api.md, shared/bfl-api-2026.md), for demos and
 * tests without a key. Every endpoint, its fields, media inputs, price and concurrency bucket come
 * from the node's own model table (dist/, so build first). It keeps a per-key credit balance and
 * active-task counts, answers on a polling_url a client must really use, serves real images and
 * MP4 videos from a different host name that expire, stands in for the FLUX.1 finetune hosts
 * (api.us1 / api.eu1) on two more ports, calls webhooks, injects faults on demand and keeps a
 * ledger of every request (the key's value never recorded).
 */
const http = require('node:http');
const crypto = require('node:crypto');
const { request: undiciRequest } = require('undici');
const { renderImage, probeImage } = require('./images');
const { renderVideo } = require('./video');

const { MODELS, pathOf, fieldsFor, BUCKET_LIMITS, limitsOf, MEGAPIXEL } = require('../dist/nodes/Flux/models/index.js');
const { validateRequest, unknownFields } = require('../dist/nodes/Flux/models/validation.js');
const { sniffMp4 } = require('../dist/nodes/Flux/media/mp4.js');

/** @typedef {import('../dist/nodes/Flux/models/index.js').ModelSpec} ModelSpec */
/** @typedef {import('../dist/nodes/Flux/models/index.js').FieldSpec} FieldSpec */
/** @typedef {import('../dist/nodes/Flux/models/index.js').MediaField} MediaField */
/** @typedef {{ width: number, height: number }} Size */
/** @typedef {{ name: 'main' | 'us1' | 'eu1', token: string, port: number, apiBase: string }} Site */
/**
 * What the media inputs of one request held.
 * @typedef {{ images: Size[], byField: Record<string, Size>, video?: { width?: number, height?: number, durationSeconds?: number }, draft?: DraftInfo }} Media
 */
/** @typedef {{ seconds: number, width: number, height: number }} DraftInfo */

/** The path after /v1/ → its model. */
const ROUTES = new Map(MODELS.map((model) => [pathOf(model), model]));

/** Models only node version 1 offers: endpoints BFL has removed. */
function isRemoved(model) {
	return model.versions.length === 1 && model.versions[0] === 1;
}

/** FLUX 3 tasks show `Reasoning` and `Generating` between Pending and Ready. */
function reasons(model) {
	return model.id.startsWith('flux-3-');
}

const FLUX3_IMAGE_PIXELS = /** @type {Record<string, number>} */ ({
	'768sq': 768 * 768,
	'1k': MEGAPIXEL,
	'1.5k': 1536 * 1536,
	'2k': 4 * MEGAPIXEL,
	'4k': 16 * MEGAPIXEL,
});
/** Video resolution tiers: the short side in pixels. */
const VIDEO_SHORT_SIDE = /** @type {Record<string, number>} */ ({ hd: 720, fhd: 1080, qhd: 1440, uhd: 2160 });
/** Duration of a video whose length BFL picks ("auto"), in seconds. */
const AUTO_VIDEO_SECONDS = 5;
const VIDEO_FPS = 24;
const DRAFT_MAGIC = 'BFLEMUDRAFT1\n';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DEFAULT_SIZE = { width: 1024, height: 1024 };

/**
 * Faults, set globally (POST /_emulator/config) or per task by a prompt token `[[name]]` or
 * `[[name=value]]`: request-moderated, content-moderated, error, slow=<ms>, poll-500=<rate 0..1>,
 * poll-reset=<rate>, poll-malformed=<rate>, not-found-ms=<ms>, delivery-fail-once, delivery-slow=<ms>,
 * submit-malformed, submit-500, noise (an incompressible image, for memory benchmarks).
 */
const DEFAULT_CONFIG = {
	/** How long an image task takes, in ms. */
	generationMs: 1500,
	/** How long a video task takes, in ms. */
	videoGenerationMs: 4000,
	/** Every key's balance at start, and after POST /_emulator/config {"credits": N} (1 credit = US$0.01). */
	credits: 10000,
	/** Credits per request by model id, overriding the table's price (videos: estimate and settled charge). */
	prices: /** @type {Record<string, number>} */ ({}),
	/** Keys that are accepted; empty = any non-empty key. A key starting with "invalid" is refused. */
	apiKeys: /** @type {string[]} */ ([]),
	/** Active tasks per key: standard models (flux-kontext-max included), flux-kontext-max alone, videos. */
	activeTaskLimit: /** @type {number} */ (BUCKET_LIMITS.standard),
	kontextMaxLimit: /** @type {number} */ (BUCKET_LIMITS['kontext-max']),
	videoTaskLimit: /** @type {number} */ (BUCKET_LIMITS.video),
	/** Image result URLs expire this long after the task is Ready (BFL: 10 minutes). */
	sampleTtlMs: 10 * 60 * 1000,
	/** Video and draft-cache URLs (BFL: 1 to 2 hours). */
	videoSampleTtlMs: 2 * 60 * 60 * 1000,
	/** true: 422 on unknown fields on every route; false: only where the table says BFL does (rejectsUnknownFields). */
	strict: false,
	/** Endpoints that only node version 1 offers (removed by BFL): 'refuse' answers 404 like BFL, 'serve' serves them. */
	removedEndpoints: /** @type {'refuse' | 'serve'} */ ('refuse'),
	/** Send Retry-After (seconds) on 429; null = no header, like BFL's documented behaviour. */
	retryAfterSeconds: /** @type {number | null} */ (null),
	/** Videos are rendered small: this many pixels on the longer side, keeping the requested shape. */
	videoRenderSize: 320,
	/** Host name of the result URLs (the API is 127.0.0.1); it must resolve to this machine. */
	deliveryHostname: 'localhost',
	/** FLUX.1 finetunes per finetune host, with the details GET /v1/finetune_details shows. */
	finetunes: /** @type {Record<'us1' | 'eu1', Record<string, Record<string, unknown>>>} */ ({
		us1: {
			'ft-us-portrait-0001': finetuneDetails('Portraits of Alex', 'character', 'ALXPRT', 300, 'lora', '2025-04-11T09:32:05Z'),
			'ft-us-product-0002': finetuneDetails('Sneaker product shots', 'product', 'SNKR', 500, 'full', '2025-06-23T15:04:51Z'),
		},
		eu1: {
			'ft-eu-watercolor-0001': finetuneDetails('Watercolour style', 'style', 'WTRCLR', 800, 'lora', '2025-08-02T07:18:40Z'),
		},
	}),
	/** Global faults applied to every task, same names as the prompt tokens. */
	faults: /** @type {Record<string, string | number | boolean>} */ ({}),
};

/** Fake training settings of a FLUX.1 finetune, shaped like BFL's `finetune_details`. */
function finetuneDetails(comment, mode, triggerWord, iterations, type, createdAt) {
	return {
		finetune_comment: comment,
		mode,
		trigger_word: triggerWord,
		iterations,
		learning_rate: type === 'lora' ? 0.0001 : 0.00001,
		captioning: true,
		priority: 'quality',
		finetune_type: type,
		lora_rank: type === 'lora' ? 32 : null,
		created_at: createdAt,
		status: 'Ready',
	};
}

/** Megapixels as BFL reports them (2 decimals). */
function megapixels(width, height) {
	return Math.round(((width * height) / MEGAPIXEL) * 100) / 100;
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

/** @returns {Size} */
function sizeForRatio(ratio, pixels, step) {
	const [w, h] = String(ratio).split(':').map(Number);
	const width = Math.sqrt((pixels * w) / h);
	return { width: roundTo(width, step), height: roundTo((width * h) / w, step) };
}

/** "16:9" → 16/9; undefined for "auto" or anything else. */
function ratioOf(value) {
	const match = typeof value === 'string' ? /^(\d+):(\d+)$/.exec(value) : null;
	return match ? Number(match[1]) / Number(match[2]) : undefined;
}

/** @param {number} shortSide @param {number} ratio width / height @returns {Size} */
function sizeForShortSide(shortSide, ratio) {
	return ratio >= 1
		? { width: roundTo(shortSide * ratio, 2), height: shortSide }
		: { width: shortSide, height: roundTo(shortSide / ratio, 2) };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(bytes) {
	let crc = 0xffffffff;
	for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

/** A PNG signature and IHDR chunk (8-bit RGB) of the given size. */
function pngHeader(width, height) {
	const data = Buffer.alloc(13);
	data.writeUInt32BE(width, 0);
	data.writeUInt32BE(height, 4);
	data[8] = 8;
	data[9] = 2;
	const typed = Buffer.concat([Buffer.from('IHDR', 'latin1'), data]);
	const chunk = Buffer.alloc(4 + typed.length + 4);
	chunk.writeUInt32BE(13, 0);
	typed.copy(chunk, 4);
	chunk.writeUInt32BE(crc32(typed), 4 + typed.length);
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk]);
}

/** An ftyp box, then the header of an mdat box that runs to the end of a file of `total` bytes. */
function mp4Header(total) {
	const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 32]), Buffer.from('ftypisom', 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2avc1mp41', 'latin1')]);
	const rest = total - ftyp.length;
	if (rest < 16) return ftyp;
	const mdat = Buffer.alloc(16);
	if (rest <= 0xffffffff) {
		mdat.writeUInt32BE(rest, 0);
		mdat.write('mdat', 4, 'latin1');
		return Buffer.concat([ftyp, mdat.subarray(0, 8)]);
	}
	mdat.writeUInt32BE(1, 0);
	mdat.write('mdat', 4, 'latin1');
	mdat.writeBigUInt64BE(BigInt(rest), 8);
	return Buffer.concat([ftyp, mdat]);
}

const BLOB_CHUNK = 64 * 1024;
const ZEROS = Buffer.alloc(BLOB_CHUNK);
const TEXT_FILL = Buffer.from('emulator blob line: plain text for input-limit tests\n'.repeat(Math.ceil(BLOB_CHUNK / 53))).subarray(0, BLOB_CHUNK);

/** 422 detail entry in FastAPI's shape. */
function problemOf(loc, msg, type = 'value_error') {
	return { loc, msg, type };
}

class Emulator {
	/** @param {Partial<typeof DEFAULT_CONFIG>} [config] */
	constructor(config = {}) {
		this.config = { ...DEFAULT_CONFIG, ...config, faults: { ...(config.faults ?? {}) }, prices: { ...(config.prices ?? {}) } };
		/** @type {Map<string, any>} */
		this.tasks = new Map();
		/** Credits spent per key (the balance is config.credits minus this). @type {Map<string, number>} */
		this.spent = new Map();
		/** @type {any[]} */
		this.ledger = [];
		/** @type {any[]} */
		this.webhookDeliveries = [];
		/** @type {Set<NodeJS.Timeout>} */
		this.timers = new Set();
		this.signingKey = crypto.randomBytes(16);
		/** The main host (api.bfl.ai) and the two finetune hosts (api.us1.bfl.ai, api.eu1.bfl.ai). */
		this.sites = {
			main: /** @type {Site} */ ({ name: 'main', token: crypto.randomBytes(6).toString('hex'), port: 0, apiBase: '' }),
			us1: /** @type {Site} */ ({ name: 'us1', token: crypto.randomBytes(6).toString('hex'), port: 0, apiBase: '' }),
			eu1: /** @type {Site} */ ({ name: 'eu1', token: crypto.randomBytes(6).toString('hex'), port: 0, apiBase: '' }),
		};
		this.clusterToken = this.sites.main.token;
		this.apiBase = '';
		this.us1Base = '';
		this.eu1Base = '';
		/** @type {http.Server[]} */
		this.servers = [];
	}

	/** Where the main host's results are served from (a different host name than the API). */
	get deliveryBase() {
		return this.deliveryBaseOf(this.sites.main);
	}

	/** @param {Site} site */
	deliveryBaseOf(site) {
		return `http://${this.config.deliveryHostname}:${site.port}`;
	}

	/**
	 * Listens on 127.0.0.1: the main API on `ports.main`, the finetune hosts on `ports.us1` and
	 * `ports.eu1` (0 = any free port). Each also listens on ::1 where it exists, so results can be
	 * served as `localhost` (a different host name on the same port, as BFL's delivery hosts
	 * differ from its API hosts).
	 * @param {{ main?: number, us1?: number, eu1?: number }} [ports]
	 */
	async listen(ports = {}) {
		for (const site of Object.values(this.sites)) await this.open(site, ports[site.name] ?? 0);
		this.apiBase = this.sites.main.apiBase;
		this.us1Base = this.sites.us1.apiBase;
		this.eu1Base = this.sites.eu1.apiBase;
		return this;
	}

	/** @param {Site} site @param {number} port */
	async open(site, port) {
		/** @type {http.RequestListener} */
		const handler = (req, res) => {
			this.handle(site, req, res).catch((error) => this.fail(res, error));
		};
		const v4 = http.createServer(handler);
		await new Promise((resolve, reject) => v4.once('error', reject).listen(port, '127.0.0.1', () => resolve(undefined)));
		site.port = /** @type {import('node:net').AddressInfo} */ (v4.address()).port;
		site.apiBase = `http://127.0.0.1:${site.port}`;
		this.servers.push(v4);
		const v6 = http.createServer(handler);
		await new Promise((resolve) => {
			v6.once('error', () => resolve(undefined)).listen(site.port, '::1', () => {
				this.servers.push(v6);
				resolve(undefined);
			});
		});
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
		this.settleDue();
		return Math.round((this.config.credits - (this.spent.get(key) ?? 0)) * 100) / 100;
	}

	charge(key, credits) {
		this.spent.set(key, (this.spent.get(key) ?? 0) + credits);
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

	text(res, status, text) {
		res.writeHead(status, { 'content-type': 'text/plain' });
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

	/** What the ledger keeps of a body: scalars as sent, media (also in lists and timed pairs) as a short description. */
	summariseBody(model, body) {
		if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
		const media = new Set(model.fields.filter((field) => field.kind === 'media').map((field) => field.api));
		/** @param {unknown} value @returns {unknown} */
		const summariseMedia = (value) => {
			if (Array.isArray(value)) return value.map((entry) => (Array.isArray(entry) ? [entry[0], summariseMedia(entry[1])] : summariseMedia(entry)));
			if (typeof value !== 'string' || /^https?:/i.test(value)) return value;
			return `<base64 ${value.length} chars>`;
		};
		/** @type {Record<string, unknown>} */
		const summary = {};
		for (const [key, value] of Object.entries(body)) {
			if (media.has(key)) summary[key] = summariseMedia(value);
			else summary[key] = typeof value === 'string' && value.length > 500 ? `${value.slice(0, 500)}…` : value;
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

	/** @param {Site} site @param {http.IncomingMessage} req @param {http.ServerResponse} res */
	async handle(site, req, res) {
		const url = new URL(req.url ?? '/', site.apiBase);
		const entry = this.record(req, url, {});
		this.settleDue();
		const respond = async () => {
			if (url.pathname.startsWith('/_emulator/')) return await this.control(req, res, url, entry);
			if (url.pathname.startsWith('/results/')) return await this.deliver(site, req, res, url, entry);
			const route = this.route(site, url.pathname);
			if (!route) return this.json(res, 404, { detail: 'Not Found' });
			if (req.method !== route.method) return this.json(res, 405, { detail: 'Method Not Allowed' });
			if (route.name === 'poll') return await this.poll(site, req, res, url, entry);
			const key = req.headers['x-key'];
			if (!key) return this.json(res, 401, { detail: 'Not authenticated' });
			if (typeof key !== 'string' || key.startsWith('invalid') || (this.config.apiKeys.length && !this.config.apiKeys.includes(key))) {
				return this.json(res, 403, { detail: 'Invalid API key' });
			}
			if (route.name === 'credits') return this.json(res, 200, { credits: this.creditsLeft(key) });
			if (route.name === 'my_finetunes') return this.json(res, 200, { finetunes: Object.keys(this.finetunesOf(site)) });
			if (route.name === 'finetune_details') return this.finetuneDetails(site, res, url);
			return await this.submit(site, req, res, key, /** @type {ModelSpec} */ (route.model), entry);
		};
		entry.status = await respond();
	}

	/**
	 * The route a path names on a host, as FastAPI matches it (before any auth).
	 * @param {Site} site @param {string} pathname
	 * @returns {{ name: string, method: string, model?: ModelSpec } | undefined}
	 */
	route(site, pathname) {
		if (pathname === '/v1/get_result') return { name: 'poll', method: 'GET' };
		if (pathname === '/v1/credits') return { name: 'credits', method: 'GET' };
		if (site.name !== 'main' && (pathname === '/v1/my_finetunes' || pathname === '/v1/finetune_details')) {
			return { name: pathname.slice(4), method: 'GET' };
		}
		const model = pathname.startsWith('/v1/') ? ROUTES.get(pathname.slice(4)) : undefined;
		if (!model || (isRemoved(model) && this.config.removedEndpoints !== 'serve')) return undefined;
		return { name: 'submit', method: 'POST', model };
	}

	/** @param {Site} site @returns {Record<string, Record<string, unknown>>} */
	finetunesOf(site) {
		return site.name === 'main' ? {} : (this.config.finetunes[site.name] ?? {});
	}

	/** GET /v1/finetune_details?finetune_id= (finetune hosts only). @param {Site} site */
	finetuneDetails(site, res, url) {
		const id = url.searchParams.get('finetune_id');
		if (!id) return this.json(res, 422, { detail: [problemOf(['query', 'finetune_id'], 'Field required', 'missing')] });
		const details = this.finetunesOf(site)[id];
		if (!details) return this.json(res, 404, { detail: 'Finetune not found' });
		return this.json(res, 200, { finetune_details: { finetune_id: id, ...details } });
	}

	/**
	 * POST /v1/{path}
	 * @param {Site} site @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {string} key @param {ModelSpec} model
	 */
	async submit(site, req, res, key, model, entry) {
		const body = await this.readBody(req);
		const isObject = Boolean(body) && typeof body === 'object' && !Array.isArray(body);
		entry.bodyKeys = isObject ? Object.keys(body) : [];
		entry.body = this.summariseBody(model, body);
		if (!isObject) return this.json(res, 422, { detail: [problemOf(['body'], 'JSON decode error', 'json_invalid')] });
		const unknown = unknownFields(model, 'api', body);
		entry.unknownFields = unknown;
		// BFL takes "auto" as a video duration; the table models it as "not sent".
		const checked = body.duration === 'auto' && model.resource === 'video' ? { ...body, duration: undefined } : body;
		const detail = validateRequest(model, 'api', checked).map((problem) => problemOf(['body', problem.field], `Value ${problem.message}`, problem.type));
		if (this.config.strict || model.rejectsUnknownFields) {
			for (const field of unknown) detail.push(problemOf(['body', field], 'Extra inputs are not permitted', 'extra_forbidden'));
		}
		const media = await this.inspectMedia(model, body, detail);
		if (detail.length) return this.json(res, 422, { detail });

		if (model.finetuneHost && !(String(body.finetune_id) in this.finetunesOf(site))) {
			return this.json(res, 404, { detail: 'Finetune not found' });
		}
		const faults = { ...this.config.faults, ...promptFaults(body.prompt) };
		if (faults['submit-500']) return this.json(res, 500, { detail: 'Internal Server Error' });

		const busy = this.busyBucket(key, model);
		if (busy) {
			const headers = this.config.retryAfterSeconds === null ? {} : { 'retry-after': String(this.config.retryAfterSeconds) };
			return this.json(res, 429, { detail: `You have reached the maximum number of active tasks (${busy})` }, headers);
		}

		const video = model.resource === 'video';
		const { width, height } = video ? this.videoSize(model, body, media) : this.outputSize(model, body, media);
		const outputMp = megapixels(width, height);
		const videoMp = media.video?.width && media.video.height ? megapixels(media.video.width, media.video.height) : undefined;
		const inputMp = Math.round((media.images.reduce((sum, input) => sum + megapixels(input.width, input.height), 0) + (videoMp ?? 0)) * 100) / 100;
		const seconds = video ? this.videoSeconds(model, body, media) : undefined;
		const priceInput = { body, outputMp, inputMp, videoMp };
		// A video's submit cost is an estimate (its length may be unknown); the final poll settles it.
		const cost = this.priceOf(model, { ...priceInput, seconds: typeof body.duration === 'number' && body.duration > 0 ? body.duration : undefined });
		const settledCost = video ? this.priceOf(model, { ...priceInput, seconds }) : cost;
		if (this.creditsLeft(key) < cost) return this.json(res, 402, { detail: 'Insufficient credits. Top up at https://dashboard.bfl.ai' });
		this.charge(key, cost);

		const id = crypto.randomUUID();
		const now = Date.now();
		const generationMs = Number(faults.slow ?? (video ? this.config.videoGenerationMs : this.config.generationMs));
		const formatField = model.fields.find((field) => field.api === 'output_format');
		const task = {
			id,
			key,
			site: site.name,
			endpoint: model.id,
			path: pathOf(model),
			resource: model.resource,
			bucket: model.bucket,
			reasoning: reasons(model),
			createdAt: now,
			readyAt: faults['request-moderated'] ? now : now + generationMs,
			seed: Number.isInteger(body.seed) ? body.seed : crypto.randomInt(0, 2 ** 31),
			prompt: String(body.prompt ?? ''),
			format: video ? 'mp4' : (body.output_format ?? /** @type {any} */ (formatField)?.default ?? 'jpeg'),
			width,
			height,
			seconds,
			draft: video && body.draft === true,
			faults,
			cost,
			settledCost,
			/** Credits charged so far: the submit cost, then the settled charge (0 when moderated). */
			charged: cost,
			settled: false,
			polls: 0,
			downloads: 0,
			webhookUrl: body.webhook_url,
			webhookSecret: body.webhook_secret,
			/** @type {Promise<Buffer> | Buffer | undefined} */
			output: undefined,
			/** @type {Buffer | undefined} */
			bundle: undefined,
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
		return this.json(res, 200, { id, polling_url: this.pollingUrl(site, id), cost, input_mp: inputMp, output_mp: outputMp });
	}

	/** The table's price, or the configured override. @param {ModelSpec} model */
	priceOf(model, input) {
		const override = this.config.prices?.[model.id];
		return typeof override === 'number' ? override : model.price(input);
	}

	/**
	 * The limit a new task of this model would exceed, if any: 24 standard tasks (flux-kontext-max
	 * included), 6 flux-kontext-max, 5 videos (not counted in the 24).
	 * @param {ModelSpec} model
	 */
	busyBucket(key, model) {
		const active = [...this.tasks.values()].filter((task) => task.key === key && this.isActive(task));
		if (model.bucket === 'video') {
			const limit = this.config.videoTaskLimit;
			return active.filter((task) => task.bucket === 'video').length >= limit ? limit : undefined;
		}
		const standard = this.config.activeTaskLimit;
		if (active.filter((task) => task.bucket !== 'video').length >= standard) return standard;
		const kontextMax = this.config.kontextMaxLimit;
		if (model.bucket === 'kontext-max' && active.filter((task) => task.bucket === 'kontext-max').length >= kontextMax) return kontextMax;
		return undefined;
	}

	/**
	 * Checks every media input as BFL would (decodable image, MP4 within its length, base64 or an
	 * accepted URL) and measures it. Problems are added to `detail`.
	 * @param {ModelSpec} model @param {Record<string, unknown>} body @param {Array<{ loc: unknown[] }>} detail
	 * @returns {Promise<Media>}
	 */
	async inspectMedia(model, body, detail) {
		const operation = model.operationOf?.(body);
		const fields = operation ? fieldsFor(model, operation) : model.fields;
		const flagged = new Set(detail.map((problem) => problem.loc[1]));
		/** @type {Media} */
		const media = { images: [], byField: {} };
		for (const field of fields) {
			if (field.kind !== 'media' || flagged.has(field.api)) continue;
			const value = body[field.api];
			if (value === undefined || value === null || value === '') continue;
			const entries = field.list ? (Array.isArray(value) ? value : [value]) : [value];
			for (const [index, entry] of entries.entries()) {
				const text = Array.isArray(entry) ? entry[1] : entry;
				if (typeof text !== 'string') continue; // the table's validation named it
				const message = await this.inspectOne(field, text, media);
				if (message) detail.push(problemOf(field.list ? ['body', field.api, index] : ['body', field.api], message));
			}
		}
		for (const field of fields) {
			if (field.kind !== 'media' || !field.sameSizeAs) continue;
			const [a, b] = [media.byField[field.api], media.byField[field.sameSizeAs]];
			if (a && b && (a.width !== b.width || a.height !== b.height)) {
				detail.push(problemOf(['body', field.api], `Must have the same size as ${field.sameSizeAs} (${b.width}×${b.height}); got ${a.width}×${a.height}`));
			}
		}
		return media;
	}

	/**
	 * One media value; returns what is wrong with it, if anything.
	 * @param {MediaField} field @param {string} text @param {Media} media
	 */
	async inspectOne(field, text, media) {
		if (/^https?:\/\//i.test(text)) {
			if (!field.acceptsUrl) return 'Expected base64 data, got a URL';
			if (field.media === 'bundle') media.draft ??= this.draftFromUrl(text);
			return undefined;
		}
		if (text.startsWith('data:')) return 'Send raw base64, without the data: prefix';
		if (!BASE64.test(text)) return 'Invalid base64 data';
		const bytes = Buffer.from(text, 'base64');
		const limits = limitsOf(field);
		if (bytes.length > limits.maxBytes) return `File is ${bytes.length} bytes; at most ${limits.maxBytes}`;
		if (field.media === 'bundle') {
			media.draft ??= this.draftFromBytes(bytes);
			return undefined;
		}
		if (field.media === 'video') {
			const info = sniffMp4(bytes);
			if (!info) return 'Could not decode the video: expected an MP4';
			if (limits.maxSeconds !== undefined && info.durationSeconds !== undefined && info.durationSeconds > limits.maxSeconds + 0.001) {
				return `Video is ${info.durationSeconds} s long; at most ${limits.maxSeconds} s`;
			}
			if ((limits.maxWidth && (info.width ?? 0) > limits.maxWidth) || (limits.maxHeight && (info.height ?? 0) > limits.maxHeight)) {
				return `Video is ${info.width}×${info.height}; at most ${limits.maxWidth}×${limits.maxHeight}`;
			}
			media.video ??= info;
			return undefined;
		}
		const probe = await probeImage(bytes);
		if (!probe) return 'Could not decode the image';
		const size = { width: probe.width, height: probe.height };
		if (limits.minSide && Math.min(size.width, size.height) < limits.minSide) return `Image is ${size.width}×${size.height}; each side must be at least ${limits.minSide}`;
		if (limits.maxMegapixels && (size.width * size.height) / MEGAPIXEL > limits.maxMegapixels) return `Image is ${size.width}×${size.height}; at most ${limits.maxMegapixels} MP`;
		media.images.push(size);
		media.byField[field.api] ??= size;
		return undefined;
	}

	/** What a draft_cache bundle made by this emulator says about its draft. @returns {DraftInfo | undefined} */
	draftFromBytes(bytes) {
		const text = bytes.subarray(0, 512).toString('latin1');
		if (!text.startsWith(DRAFT_MAGIC)) return undefined;
		try {
			const info = JSON.parse(text.slice(DRAFT_MAGIC.length, text.indexOf('\n', DRAFT_MAGIC.length)));
			return { seconds: Number(info.seconds), width: Number(info.width), height: Number(info.height) };
		} catch {
			return undefined;
		}
	}

	/** @returns {DraftInfo | undefined} */
	draftFromUrl(text) {
		const match = /\/results\/([^/]+)\/draft_cache\.bin/.exec(text);
		const task = match && this.tasks.get(match[1]);
		return task ? { seconds: task.seconds, width: task.width, height: task.height } : undefined;
	}

	/**
	 * Output size as BFL would choose it for this image model and body.
	 * @param {ModelSpec} model @param {Record<string, any>} body @param {Media} media @returns {Size}
	 */
	outputSize(model, body, media) {
		const first = media.images[0];
		const has = (api) => model.fields.some((field) => field.api === api);
		const ops = model.operations;
		if (ops.includes('erase') || ops.includes('deblur')) return media.byField.image ?? first ?? DEFAULT_SIZE;
		if (ops.includes('tryOn')) return media.byField.person ?? first ?? DEFAULT_SIZE;
		if (ops.includes('fill')) return media.byField.image ?? first ?? DEFAULT_SIZE;
		if (ops.includes('expand') && has('top')) {
			const base = media.byField.image ?? first ?? DEFAULT_SIZE;
			return { width: base.width + (body.left ?? 0) + (body.right ?? 0), height: base.height + (body.top ?? 0) + (body.bottom ?? 0) };
		}
		if (ops.includes('expand')) return { width: body.width, height: body.height }; // outpainting: the canvas
		if (has('resolution')) {
			// FLUX 3 Image: an equal-area tier in the asked shape (auto: the first reference's, else square).
			const ratio = body.aspect_ratio && body.aspect_ratio !== 'auto' ? body.aspect_ratio : first ? `${first.width}:${first.height}` : '1:1';
			return sizeForRatio(ratio, FLUX3_IMAGE_PIXELS[body.resolution ?? '1k'] ?? MEGAPIXEL, 16);
		}
		if (has('width') && model.maxPixels) {
			// FLUX.2: 0 or absent = automatic (first input's size, else 1024×1024), multiples of 16, ≤ 4 MP.
			const base = first ?? DEFAULT_SIZE;
			let width = body.width || base.width;
			let height = body.height || base.height;
			const scale = Math.min(1, Math.sqrt(model.maxPixels / (width * height)));
			width = Math.max(64, Math.floor((width * scale) / 16) * 16);
			height = Math.max(64, Math.floor((height * scale) / 16) * 16);
			return { width, height };
		}
		if (has('width')) {
			const defaults = Object.fromEntries(model.fields.filter((field) => field.api === 'width' || field.api === 'height').map((field) => [field.api, field.default]));
			return { width: body.width ?? defaults.width, height: body.height ?? defaults.height };
		}
		if (has('aspect_ratio')) {
			const ultra = model.id.includes('ultra');
			const ratio = body.aspect_ratio || (first ? `${first.width}:${first.height}` : ultra ? '16:9' : '1:1');
			return sizeForRatio(ratio, ultra ? 4 * MEGAPIXEL : MEGAPIXEL, ultra ? 32 : 16);
		}
		return first ?? DEFAULT_SIZE;
	}

	/**
	 * The size BFL would render a video at (the emulator renders it smaller, see renderSize).
	 * @param {ModelSpec} model @param {Record<string, any>} body @param {Media} media @returns {Size}
	 */
	videoSize(model, body, media) {
		const source = media.video?.width && media.video.height ? { width: media.video.width, height: media.video.height } : { width: 1280, height: 720 };
		if (model.operations.includes('upscale')) {
			const factor = Number(body.upscale_factor ?? 2);
			return { width: roundTo(source.width * factor, 2), height: roundTo(source.height * factor, 2) };
		}
		if (!model.fields.some((field) => field.api === 'resolution')) return sizeForShortSide(720, source.width / source.height); // video edit: 720p
		const enhance = model.operationOf?.(body) === 'enhance';
		const tier = VIDEO_SHORT_SIDE[body.resolution ?? (enhance ? 'fhd' : 'hd')] ?? 720;
		const input = media.images[0] ?? (media.video?.width ? source : undefined) ?? media.draft;
		const ratio = ratioOf(body.aspect_ratio) ?? (input ? input.width / input.height : 16 / 9);
		return sizeForShortSide(tier, ratio);
	}

	/**
	 * Seconds of output: the asked duration, else what BFL would pick (5 s; the last timed
	 * keyframe; the draft's length), or the input video's length capped at the field's limit.
	 * @param {ModelSpec} model @param {Record<string, any>} body @param {Media} media
	 */
	videoSeconds(model, body, media) {
		if (!model.fields.some((field) => field.api === 'duration')) {
			// Upscale and edit keep the input's length (a URL's is unknown here: 5 s).
			const input = model.fields.find((field) => field.kind === 'media' && field.media === 'video');
			const max = input && input.kind === 'media' ? (limitsOf(input).maxSeconds ?? 20) : 20;
			return Math.min(media.video?.durationSeconds ?? AUTO_VIDEO_SECONDS, max);
		}
		if (typeof body.duration === 'number' && body.duration > 0) return body.duration;
		if (media.draft) return media.draft.seconds;
		const timed = Array.isArray(body.keyframes) ? body.keyframes.filter((entry) => Array.isArray(entry)) : [];
		if (timed.length) return Math.min(20, Math.max(AUTO_VIDEO_SECONDS, Math.ceil(Number(timed[timed.length - 1][0]))));
		return AUTO_VIDEO_SECONDS;
	}

	/** @param {Site} site @param {string} id */
	pollingUrl(site, id) {
		return `${site.apiBase}/v1/get_result?id=${id}&cluster=${site.token}`;
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

	/** Settles every finished task's charge: moderated tasks are refunded, videos charged their real length. */
	settleDue() {
		const now = Date.now();
		for (const task of this.tasks.values()) if (!task.settled && now >= task.readyAt) this.settle(task);
	}

	settle(task) {
		if (task.settled || Date.now() < task.readyAt) return;
		task.settled = true;
		const moderated = task.faults['request-moderated'] || task.faults['content-moderated'];
		const final = moderated ? 0 : task.settledCost;
		this.charge(task.key, final - task.charged);
		task.charged = final;
	}

	/** The status of a task still running: FLUX 3 reasons, then generates. */
	phase(task, now) {
		if (!task.reasoning) return 'Pending';
		const share = (now - task.createdAt) / Math.max(1, task.readyAt - task.createdAt);
		return share < 1 / 3 ? 'Pending' : share < 2 / 3 ? 'Reasoning' : 'Generating';
	}

	/** The get_result answer for a task right now. */
	answer(task) {
		const now = Date.now();
		this.settle(task);
		/** @param {string} status */
		const base = (status) => ({ id: task.id, status, result: null, progress: null, details: null, preview: null });
		// Videos carry the settled charge on their final answer (SettledCostResultResponse).
		const settledCost = task.resource === 'video' ? { cost: task.charged } : {};
		if (task.faults['request-moderated']) {
			return { ...base('Request Moderated'), details: { 'Moderation Reasons': ['Emulated request moderation'] }, ...settledCost };
		}
		if (now < task.readyAt) {
			const progress = Math.round(((now - task.createdAt) / Math.max(1, task.readyAt - task.createdAt)) * 100) / 100;
			return { ...base(this.phase(task, now)), progress };
		}
		if (task.faults['content-moderated']) {
			return { ...base('Content Moderated'), details: { 'Moderation Reasons': ['Emulated content moderation'] }, ...settledCost };
		}
		if (task.faults.error) return { ...base('Error'), details: { message: 'Emulated generation failure' }, ...settledCost };
		return {
			...base('Ready'),
			result: {
				sample: this.signedUrl(task, `sample.${task.format}`),
				...(task.draft ? { draft_cache: this.signedUrl(task, 'draft_cache.bin') } : {}),
				prompt: task.prompt,
				seed: task.seed,
				start_time: task.createdAt / 1000,
				end_time: task.readyAt / 1000,
				duration: (task.readyAt - task.createdAt) / 1000,
			},
			...settledCost,
		};
	}

	/** A signed, expiring URL of one of a task's files, on its host's delivery name. */
	signedUrl(task, file) {
		const ttl = task.resource === 'video' ? this.config.videoSampleTtlMs : this.config.sampleTtlMs;
		const expires = new Date(task.readyAt + ttl).toISOString();
		const path = `/results/${task.id}/${file}`;
		return `${this.deliveryBaseOf(this.sites[/** @type {'main' | 'us1' | 'eu1'} */ (task.site)])}${path}?se=${encodeURIComponent(expires)}&sp=r&sig=${this.sign(path, expires)}`;
	}

	sign(path, expires) {
		return crypto.createHmac('sha256', this.signingKey).update(`${path}|${expires}`).digest('hex').slice(0, 32);
	}

	/**
	 * GET /v1/get_result?id=…&cluster=… A rebuilt URL without the cluster token, or a poll on
	 * another host than the one that took the task, finds nothing.
	 * @param {Site} site
	 */
	async poll(site, req, res, url, entry) {
		const id = url.searchParams.get('id');
		if (!id) return this.json(res, 422, { detail: [problemOf(['query', 'id'], 'Field required', 'missing')] });
		entry.taskId = id;
		const task = this.tasks.get(id);
		const notFound = { id, status: 'Task not found', result: null, progress: null, details: null, preview: null };
		if (!task || task.site !== site.name || url.searchParams.get('cluster') !== site.token) return this.json(res, 200, notFound);
		task.polls++;
		const faults = task.faults;
		const rate = (name) => Number(faults[name] === true ? 1 : faults[name]);
		if (faults['not-found-ms'] && Date.now() - task.createdAt < Number(faults['not-found-ms'])) return this.json(res, 200, notFound);
		if (faults['poll-reset'] && Math.random() < rate('poll-reset')) {
			req.socket.destroy();
			return 0;
		}
		if (faults['poll-500'] && Math.random() < rate('poll-500')) return this.json(res, 500, { detail: 'Internal Server Error' });
		if (faults['poll-malformed'] && Math.random() < rate('poll-malformed')) {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"id": "' + id + '", "status": "Pen');
			return 200;
		}
		const answer = this.answer(task);
		entry.answer = answer.status;
		return this.json(res, 200, answer);
	}

	/**
	 * GET /results/{id}/sample.{ext} or /results/{id}/draft_cache.bin ?se=…&sig=…, on the delivery
	 * host name of the host that took the task; no CORS headers.
	 * @param {Site} site
	 */
	async deliver(site, req, res, url, entry) {
		const match = /^\/results\/([^/]+)\/(sample\.(jpeg|png|webp|mp4)|draft_cache\.bin)$/.exec(url.pathname);
		const task = match && this.tasks.get(match[1]);
		entry.taskId = match?.[1];
		if (!task || task.site !== site.name || this.answer(task).status !== 'Ready') return this.text(res, 404, 'BlobNotFound');
		const bundle = match[2] === 'draft_cache.bin';
		if ((bundle && !task.draft) || (!bundle && match[3] !== task.format)) return this.text(res, 404, 'BlobNotFound');
		const expires = url.searchParams.get('se') ?? '';
		if (this.sign(url.pathname, expires) !== url.searchParams.get('sig')) return this.text(res, 403, 'AuthenticationFailed: signature mismatch');
		if (Date.now() > Date.parse(expires)) return this.text(res, 403, 'AuthenticationFailed: Signed expiry time has passed');
		task.downloads++;
		if (task.faults['delivery-fail-once'] && task.downloads === 1) return this.text(res, 503, 'ServerBusy');
		if (task.faults['delivery-slow']) await new Promise((resolve) => setTimeout(resolve, Number(task.faults['delivery-slow'])));
		let bytes;
		let type;
		if (bundle) {
			task.bundle ??= Buffer.concat([Buffer.from(`${DRAFT_MAGIC}${JSON.stringify({ seconds: task.seconds, width: task.width, height: task.height })}\n`, 'latin1'), crypto.randomBytes(2048)]);
			[bytes, type] = [task.bundle, 'application/octet-stream'];
		} else if (task.resource === 'video') {
			task.output ??= renderVideo({ ...this.renderSize(task), seconds: Math.round(task.seconds * 1000) / 1000, fps: VIDEO_FPS, seed: task.seed });
			[bytes, type] = [await task.output, 'video/mp4'];
		} else {
			task.output ??= renderImage({ width: task.width, height: task.height, format: task.format, seed: task.seed, noise: Boolean(task.faults.noise) });
			[bytes, type] = [await task.output, `image/${task.format}`];
		}
		res.writeHead(200, { 'content-type': type, 'content-length': bytes.length });
		res.end(bytes);
		return 200;
	}

	/** Videos are rendered small: videoRenderSize on the longer side, in the task's shape. @returns {Size} */
	renderSize(task) {
		const scale = this.config.videoRenderSize / Math.max(task.width, task.height);
		return { width: Math.max(16, roundTo(task.width * scale, 2)), height: Math.max(16, roundTo(task.height * scale, 2)) };
	}

	/** POSTs the final poll answer to the task's webhook_url, with X-Webhook-Secret. */
	async callWebhook(task) {
		// A timer may fire a millisecond before Date.now() reaches readyAt: the answer must be final.
		if (Date.now() < task.readyAt) return this.later(task.readyAt - Date.now() + 1, () => this.callWebhook(task));
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

	/**
	 * GET /_emulator/blob?bytes=<n>&kind=png|mp4|text&length=header|chunked[&width=&height=]: streams n
	 * bytes (a PNG or MP4 header, then zeros; or text) without holding them, respecting backpressure.
	 * The ledger entry's `bytesSent` says how much was written before the client hung up.
	 */
	async blob(req, res, url, entry) {
		const bytes = Number(url.searchParams.get('bytes') ?? '0');
		const kind = url.searchParams.get('kind') ?? 'text';
		const length = url.searchParams.get('length') ?? 'header';
		const side = (name) => Number(url.searchParams.get(name) ?? '1024');
		if (!Number.isSafeInteger(bytes) || bytes < 0 || !['png', 'mp4', 'text'].includes(kind) || !['header', 'chunked'].includes(length)) {
			return this.json(res, 422, { detail: [problemOf(['query'], 'bytes must be a whole number ≥ 0, kind png|mp4|text, length header|chunked')] });
		}
		const head = kind === 'png' ? pngHeader(side('width'), side('height')) : kind === 'mp4' ? mp4Header(bytes) : Buffer.alloc(0);
		const fill = kind === 'text' ? TEXT_FILL : ZEROS;
		/** @type {http.OutgoingHttpHeaders} */
		const headers = { 'content-type': { png: 'image/png', mp4: 'video/mp4', text: 'text/plain; charset=utf-8' }[kind] };
		if (length === 'header') headers['content-length'] = bytes;
		res.writeHead(200, headers);
		entry.bytesSent = 0;
		let closed = false;
		res.on('close', () => (closed = !res.writableFinished));
		res.on('error', () => (closed = true));
		const waitDrain = () =>
			new Promise((resolve) => {
				const done = () => {
					res.off('drain', done);
					res.off('close', done);
					resolve(undefined);
				};
				res.on('drain', done);
				res.on('close', done);
			});
		let remaining = bytes;
		let first = head.subarray(0, Math.min(head.length, bytes));
		while (remaining > 0 && !closed && !res.destroyed) {
			const chunk = first.length ? first : remaining >= BLOB_CHUNK ? fill : fill.subarray(0, remaining);
			first = Buffer.alloc(0);
			const flowing = res.write(chunk);
			entry.bytesSent += chunk.length;
			remaining -= chunk.length;
			if (!flowing) await waitDrain();
		}
		entry.hungUp = remaining > 0 || closed;
		if (!res.destroyed) res.end();
		return 200;
	}

	/** /_emulator/ledger, tasks, config, reset, blob: for tests and demos. */
	async control(req, res, url, entry) {
		if (url.pathname === '/_emulator/ledger') return this.json(res, 200, { ledger: this.ledger, webhooks: this.webhookDeliveries });
		if (url.pathname === '/_emulator/tasks') {
			return this.json(res, 200, { tasks: [...this.tasks.values()].map(({ output, bundle, key, ...task }) => ({ ...task, status: this.answer(task).status })) });
		}
		if (url.pathname === '/_emulator/blob' && req.method === 'GET') return await this.blob(req, res, url, entry);
		if (url.pathname === '/_emulator/reset' && req.method === 'POST') {
			this.reset();
			return this.json(res, 200, { ok: true });
		}
		if (url.pathname === '/_emulator/config' && req.method === 'GET') return this.json(res, 200, { config: this.config });
		if (url.pathname === '/_emulator/config' && req.method === 'POST') {
			const patch = (await this.readBody(req)) ?? {};
			Object.assign(this.config, patch);
			// A new balance applies to every key at once.
			if ('credits' in patch) this.spent.clear();
			return this.json(res, 200, { config: this.config });
		}
		return this.json(res, 404, { detail: 'Not Found' });
	}
}

/**
 * Starts an emulator; `await emulator.close()` stops it. Ports: `port` (main API), `us1Port`,
 * `eu1Port` (finetune hosts); 0 or absent = any free port.
 * @param {Partial<typeof DEFAULT_CONFIG> & { port?: number, us1Port?: number, eu1Port?: number }} [options]
 */
async function startEmulator(options = {}) {
	const { port, us1Port, eu1Port, ...config } = options;
	return await new Emulator(config).listen({ main: port ?? 0, us1: us1Port ?? 0, eu1: eu1Port ?? 0 });
}

module.exports = { startEmulator, Emulator, DEFAULT_CONFIG, promptFaults, ROUTES, pngHeader, mp4Header };
