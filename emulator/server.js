// @ts-check
'use strict';
/**
 * A local stand-in for the BFL API (shared/bfl-api.md, shared/bfl-api-2026.md), for demos and
 * tests without a key. Every endpoint, its fields, media inputs, price and concurrency bucket come
 * from the node's own model table (dist/, so build first). It keeps a per-key credit balance and
 * active-task counts, answers on a polling_url a client must really use, serves real images and
 * MP4 videos from a different host name that expire, stands in for the FLUX.1 finetune hosts
 * (api.us1 / api.eu1) on two more ports and a host that redirects lead to on a fourth, calls
 * webhooks, injects faults on demand and keeps a ledger of every request (the key's value never
 * recorded).
 *
 * This file holds the emulator's state and starts it; the rest lives by concern:
 *   config.js        the settings and their defaults
 *   http/            plumbing: listen.js, router.js (routes → handlers), respond.js (JSON, 422
 *                    shape, redirects), ledger.js, control.js (/_emulator/*), blob.js
 *   bfl/             BFL's semantics: endpoints.js, submit.js (validation from the table),
 *                    media.js (inputs), sizes.js, pricing.js, tasks.js (lifecycle, statuses),
 *                    poll.js (answers)
 *   accounts.js      keys, credits, active-task limits
 *   faults.js        injected failures (the list of them is there)
 *   delivery.js      signed, expiring result URLs; images, videos, draft caches
 *   webhooks.js      completion callbacks and their signatures
 *   finetunes.js     the FLUX.1 finetune hosts
 *   images.js, video/, caption.js, font.js, random.js   the pictures and clips, with receipts
 *
 * Cases for the node's coming work, opt-in (of the defaults only the video URLs' lifetime
 * changed: 2 h → 1 h):
 *   output_format webp   accepted wherever the model table lists it (the table decides;
 *                        FLUX.1 lists jpeg/png only today, BFL's 2026 OpenAPI has one
 *                        jpeg|png|webp enum on every endpoint)
 *   [[unknown-status]]   an undocumented status (Uploading) for some polls before Ready
 *   [[poll-429-first=n]], [[poll-429=rate]]   429 with Retry-After on polls of a live task
 *   [[poll-redirect=same|other]], [[delivery-redirect=same|other]]   307s to this host or to
 *                        the other host (otherBase); the ledger shows where x-key arrived
 *   webhookSignature     'secret' (X-Webhook-Secret, default) | 'hmac' (X-BFL-Signature) | 'both'
 *   videoResultLists     true or 2..4: result.samples / result.draft_caches lists on videos
 *   sampleTtlMs, videoSampleTtlMs   10 min and 1 h by default; every URL's se= states its expiry
 */
const crypto = require('node:crypto');
const { DEFAULT_CONFIG, makeConfig } = require('./config');
const { ROUTES } = require('./bfl/endpoints');
const { deliveryBaseOf } = require('./delivery');
const { promptFaults } = require('./faults');
const { pngHeader, mp4Header } = require('./http/blob');
const { closeAll, openSite } = require('./http/listen');
const { fail } = require('./http/respond');
const { handle } = require('./http/router');

/** @typedef {import('./types').Site} Site */
/** @typedef {import('./types').SiteName} SiteName */

/** @param {SiteName} name @returns {Site} */
function site(name) {
	return { name, token: crypto.randomBytes(6).toString('hex'), port: 0, apiBase: '' };
}

class Emulator {
	/** @param {Partial<import('./config').Config>} [config] */
	constructor(config = {}) {
		this.config = makeConfig(config);
		/** Every task by id (import('./types').Task; typed loosely for the tests that read it). @type {Map<string, any>} */
		this.tasks = new Map();
		/** Credits spent per key (the balance is config.credits minus this). @type {Map<string, number>} */
		this.spent = new Map();
		/** One entry per request (http/ledger.js). @type {any[]} */
		this.ledger = [];
		/** @type {any[]} */
		this.webhookDeliveries = [];
		/** @type {Set<NodeJS.Timeout>} */
		this.timers = new Set();
		this.signingKey = crypto.randomBytes(16);
		/**
		 * The main host (api.bfl.ai), the two finetune hosts (api.us1.bfl.ai, api.eu1.bfl.ai), and
		 * the other host, which serves only what the redirect faults send there.
		 */
		this.sites = { main: site('main'), us1: site('us1'), eu1: site('eu1'), other: site('other') };
		this.clusterToken = this.sites.main.token;
		this.apiBase = '';
		this.us1Base = '';
		this.eu1Base = '';
		this.otherBase = '';
		/** @type {import('node:http').Server[]} */
		this.servers = [];
	}

	/** Where the main host's results are served from (a different host name than the API). */
	get deliveryBase() {
		return deliveryBaseOf(this, this.sites.main);
	}

	/**
	 * Listens on 127.0.0.1 (and ::1 where it exists): the main API on `ports.main`, the finetune
	 * hosts on `ports.us1` and `ports.eu1`, the other host on `ports.other` (0 = any free port).
	 * @param {{ main?: number, us1?: number, eu1?: number, other?: number }} [ports]
	 */
	async listen(ports = {}) {
		for (const site of Object.values(this.sites)) {
			/** @type {import('node:http').RequestListener} */
			const handler = (req, res) => {
				handle(this, site, req, res).catch((error) => fail(res, error));
			};
			this.servers.push(...(await openSite(site, ports[site.name] ?? 0, handler)));
		}
		this.apiBase = this.sites.main.apiBase;
		this.us1Base = this.sites.us1.apiBase;
		this.eu1Base = this.sites.eu1.apiBase;
		this.otherBase = this.sites.other.apiBase;
		return this;
	}

	async close() {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		await closeAll(this.servers);
	}

	/** Forgets every task, charge, ledger entry and webhook delivery; the config stays. */
	reset() {
		this.tasks.clear();
		this.spent.clear();
		this.ledger.length = 0;
		this.webhookDeliveries.length = 0;
	}

	/** Runs `run` in `ms`, unless the emulator is closed first. @param {number} ms @param {() => void} run */
	later(ms, run) {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			run();
		}, ms);
		this.timers.add(timer);
	}
}

/**
 * Starts an emulator; `await emulator.close()` stops it. Ports: `port` (main API), `us1Port`,
 * `eu1Port` (finetune hosts), `otherPort` (the host redirects lead to); 0 or absent = any free port.
 * @param {Partial<typeof DEFAULT_CONFIG> & { port?: number, us1Port?: number, eu1Port?: number, otherPort?: number }} [options]
 */
async function startEmulator(options = {}) {
	const { port, us1Port, eu1Port, otherPort, ...config } = options;
	return await new Emulator(config).listen({ main: port ?? 0, us1: us1Port ?? 0, eu1: eu1Port ?? 0, other: otherPort ?? 0 });
}

module.exports = { startEmulator, Emulator, DEFAULT_CONFIG, promptFaults, ROUTES, pngHeader, mp4Header };
