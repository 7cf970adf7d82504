// @ts-check
'use strict';
/**
 * The emulator's settings: passed to startEmulator(), shown and changed while it runs by
 * GET|POST /_emulator/config, set from the environment by cli.js. The faults are listed in
 * faults.js.
 */
const { BUCKET_LIMITS } = require('../dist/nodes/Flux/models/index.js');
const { defaultFinetunes } = require('./finetunes');

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
	/** Image result URLs expire this long after the task is Ready (BFL: 10 minutes); their `se=` says when. */
	sampleTtlMs: 10 * 60 * 1000,
	/** Video and draft-cache URLs (BFL's newest skill: about 1 h after Ready; older notes 2 h). */
	videoSampleTtlMs: 60 * 60 * 1000,
	/** true: 422 on unknown fields on every route; false: only where the table says BFL does (rejectsUnknownFields). */
	strict: false,
	/** Endpoints that only node version 1 offers (removed by BFL): 'refuse' answers 404 like BFL, 'serve' serves them. */
	removedEndpoints: /** @type {'refuse' | 'serve'} */ ('refuse'),
	/** Send Retry-After (seconds) on 429; null = no header, like BFL's documented behaviour. */
	retryAfterSeconds: /** @type {number | null} */ (null),
	/** Videos are rendered small: this many pixels on the longer side, keeping the requested shape. */
	videoRenderSize: 320,
	/**
	 * Video results as lists, as BFL's newest skill describes them: `result.samples` (MP4 URLs) and,
	 * for drafts, `result.draft_caches`, with `sample` and `draft_cache` holding the first entry.
	 * false: the singular keys only; true: lists of one; 2 to 4: that many clips (each its own).
	 */
	videoResultLists: /** @type {boolean | number} */ (false),
	/** Host name of the result URLs (the API is 127.0.0.1); it must resolve to this machine. */
	deliveryHostname: 'localhost',
	/**
	 * How a webhook carries the submitted webhook_secret: 'secret' echoes it in X-Webhook-Secret
	 * (BFL's SDK); 'hmac' sends X-BFL-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed
	 * with the secret> (BFL's skills); 'both' sends both. No secret, no header.
	 */
	webhookSignature: /** @type {'secret' | 'hmac' | 'both'} */ ('secret'),
	/**
	 * A delivery that fails (no answer, or not 2xx) is sent again after these delays, then given
	 * up, as BFL's skills describe (1 s, 5 s, 30 s) [one source]. [] = never again.
	 */
	webhookRetryDelaysMs: /** @type {number[]} */ ([1000, 5000, 30000]),
	/**
	 * What a submit that named a webhook_url answers: 'skills' adds the polling_url, as BFL's own
	 * skills read it from that answer; 'schema' is BFL's AsyncWebhookResponse as its OpenAPI
	 * document gives it, without one [which is right is uncertain].
	 */
	webhookAnswer: /** @type {'skills' | 'schema'} */ ('skills'),
	/** FLUX.1 finetunes per finetune host, with the details GET /v1/finetune_details shows. */
	finetunes: /** @type {Record<'us1' | 'eu1', Record<string, Record<string, unknown>>>} */ (defaultFinetunes()),
	/** Global faults applied to every task, same names as the prompt tokens (faults.js). */
	faults: /** @type {Record<string, string | number | boolean>} */ ({}),
};

/** @typedef {typeof DEFAULT_CONFIG} Config */

/** The defaults with `options` over them; faults and prices are copied so a caller's objects stay its own. @param {Partial<Config>} options @returns {Config} */
function makeConfig(options = {}) {
	return { ...DEFAULT_CONFIG, ...options, faults: { ...(options.faults ?? {}) }, prices: { ...(options.prices ?? {}) } };
}

module.exports = { DEFAULT_CONFIG, makeConfig };
