// @ts-check
'use strict';
/**
 * What the emulator's own tests share: one emulator per test file (started before its tests,
 * reset to the same settings before each), and small HTTP helpers over undici.
 */
const { request } = require('undici');
const { startEmulator } = require('../../emulator/server');
const { renderImage } = require('../../emulator/images');
const { renderVideo } = require('../../emulator/video');

/** @typedef {Awaited<ReturnType<typeof startEmulator>>} Emulator */

const KEY = 'bfl_emulator_test_placeholder';
const IN_PROGRESS = new Set(['Pending', 'Reasoning', 'Generating']);

/** The settings every test starts from. */
const TEST_CONFIG = {
	generationMs: 200,
	videoGenerationMs: 300,
	videoRenderSize: 160,
	credits: 10000,
	prices: {},
	sampleTtlMs: 600000,
	videoSampleTtlMs: 3600000,
	retryAfterSeconds: null,
	activeTaskLimit: 24,
	kontextMaxLimit: 6,
	videoTaskLimit: 5,
	strict: false,
	removedEndpoints: 'refuse',
	webhookSignature: 'secret',
	webhookRetryDelaysMs: [1000, 5000, 30000],
	webhookAnswer: 'skills',
	videoResultLists: false,
	faults: {},
};

/** @type {Emulator | undefined} */
let current;

/**
 * Starts an emulator for this test file (beforeAll), resets it before each test and closes it
 * after all. Returns a stand-in that forwards every property to that emulator, so tests read
 * `emulator.config`, `emulator.ledger`… as on the real one.
 * @param {Parameters<typeof startEmulator>[0]} [options] @param {Record<string, unknown>} [settings] applied before each test, over TEST_CONFIG
 * @returns {Emulator}
 */
function useEmulator(options = { generationMs: 200 }, settings = {}) {
	beforeAll(async () => {
		current = await startEmulator(options);
	});
	afterAll(async () => {
		await current?.close();
		current = undefined;
	});
	beforeEach(() => {
		emulator().reset();
		Object.assign(emulator().config, TEST_CONFIG, settings, { faults: {}, prices: {} });
	});
	return /** @type {Emulator} */ (
		new Proxy(
			{},
			{
				get: (_, property) => {
					const value = Reflect.get(emulator(), property);
					return typeof value === 'function' ? value.bind(emulator()) : value;
				},
			},
		)
	);
}

/** The emulator of the running test file. */
function emulator() {
	if (!current) throw new Error('no emulator: call useEmulator() at the top of the test file');
	return current;
}

/** @param {string} path @param {{ method?: string, body?: unknown, key?: string | null, base?: string, headers?: Record<string, string> }} [options] */
async function call(
	path,
	{ method = 'GET', body, key = KEY, base = emulator().apiBase, headers: extra = {} } = {},
) {
	const url = path.startsWith('http') ? path : `${base}${path}`;
	/** @type {Record<string, string>} */
	const headers = { 'content-type': 'application/json', ...extra };
	if (key) headers['x-key'] = key;
	const response = await request(url, {
		method: /** @type {any} */ (method),
		headers,
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const bytes = Buffer.from(await response.body.arrayBuffer());
	let json;
	try {
		json = JSON.parse(bytes.toString('utf8'));
	} catch {
		json = undefined;
	}
	return { status: response.statusCode, json, bytes, headers: response.headers };
}

/** @param {string} path @param {unknown} body @param {string} [base] */
const submit = (path, body, base) => call(`/v1/${path}`, { method: 'POST', body, base });

/** Polls until the task leaves Pending/Reasoning/Generating; returns the final answer. */
async function waitDone(pollingUrl) {
	for (let attempt = 0; attempt < 100; attempt++) {
		const { json } = await call(pollingUrl, { key: null });
		if (!IN_PROGRESS.has(json.status)) return json;
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	throw new Error('never finished');
}

/** @param {number} width @param {number} height @param {'png' | 'jpeg'} [format] */
async function imageBase64(width, height, format = 'png') {
	return (await renderImage({ width, height, format, seed: width + height })).toString('base64');
}

/** @param {number} seconds */
function videoBase64(seconds) {
	return renderVideo({ width: 64, height: 36, seconds, fps: 8, seed: 3 }).toString('base64');
}

/** The ledger entry of the last request to a path. @param {string} path */
function lastEntry(path) {
	return [...emulator().ledger].reverse().find((entry) => entry.path === path);
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

module.exports = {
	KEY,
	useEmulator,
	call,
	submit,
	waitDone,
	imageBase64,
	videoBase64,
	lastEntry,
	sleep,
};
