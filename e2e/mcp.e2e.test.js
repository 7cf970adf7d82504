// @ts-check
'use strict';
/**
 * The FLUX tool behind n8n 2.x's MCP Server Trigger, reached by the official MCP TypeScript SDK's
 * client over streamable HTTP with a Bearer token, as Claude Desktop, Cursor or any MCP client
 * would: `tools/list` shows a description an LLM can use and its input schema; `tools/call` makes
 * one task at the emulator and answers with the compact JSON, whose lastingUrl (binary data in
 * filesystem mode, n8n's URL known) serves the image after BFL's own link is gone. Without the
 * token nothing is listed. n8n 2.x only: examples/mcp-server.json targets it.
 * Run alone: `npm run build && node --test e2e/mcp.e2e.test.js`.
 */
const { after, before, describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { request } = require('undici');

const { startEmulator } = require('../emulator/server');
const { probeImage } = require('../emulator/images');
const { sharedN8n } = require('../harness/server');
const { CREDENTIAL, node } = require('../harness/workflows');

const MAJORS = (process.env.E2E_N8N_MAJORS ?? '1,2').split(',').map(Number);
const KEY = 'bfl_e2e_placeholder_key';
const TOKEN = 'e2e-placeholder-mcp-bearer-token';
const BEARER = { id: 'mcpBearerCred01', name: 'MCP bearer (e2e)' };
const PATH = 'flux-mcp';
const TOOL_NAME = 'Generate_Image';

/** MCP Server Trigger (Bearer auth) with one FLUX tool: Image → Generate on FLUX.2 [klein] 4B. */
function mcpWorkflow() {
	const trigger = node('MCP Server Trigger', '@n8n/n8n-nodes-langchain.mcpTrigger', { authentication: 'bearerAuth', path: PATH }, {
		typeVersion: 2,
		webhookId: '3b1f2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
		credentials: { httpBearerAuth: BEARER },
	});
	const tool = node('Generate Image', 'n8n-nodes-bfl.fluxTool', { resource: 'image', operation: 'generate', model: 'flux-2-klein-4b' }, {
		typeVersion: 2,
		credentials: { bflApi: CREDENTIAL },
	});
	return {
		id: 'e2eMcpServer001',
		name: 'FLUX over MCP',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [trigger, tool],
		connections: { 'Generate Image': { ai_tool: [[{ node: 'MCP Server Trigger', type: 'ai_tool', index: 0 }]] } },
	};
}

/** An MCP client connected to the trigger's production URL. @param {string} url @param {string | undefined} token */
async function connect(url, token) {
	// Through a variable: the SDK's subpaths resolve by its exports map, which this repository's
	// TypeScript settings (module resolution node10) cannot read; Node's require can.
	const sdk = '@modelcontextprotocol/sdk/client';
	const { Client } = require(`${sdk}/index.js`);
	const { StreamableHTTPClientTransport } = require(`${sdk}/streamableHttp.js`);
	const client = new Client({ name: 'n8n-nodes-bfl-e2e', version: '1.0.0' });
	const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: token ? { authorization: `Bearer ${token}` } : {} } });
	await client.connect(transport);
	return client;
}

describe('MCP: the FLUX tool behind n8n 2.x’s MCP Server Trigger', { skip: !MAJORS.includes(2) && 'E2E_N8N_MAJORS leaves out n8n 2.x' }, () => {
	/** @type {Awaited<ReturnType<typeof startEmulator>>} */
	let emulator;
	/** @type {Awaited<ReturnType<typeof sharedN8n>>} */
	let n8n;
	let mcpUrl = '';

	before(async () => {
		emulator = await startEmulator({ generationMs: 300 });
		// Binary data on disk, and n8n signs links with its public URL (WEBHOOK_URL): here, the server itself.
		n8n = await sharedN8n(2);
		await n8n.addCredential({ type: 'bflApi', data: { apiKey: KEY, region: 'custom', baseUrl: emulator.apiBase } }, CREDENTIAL);
		await n8n.addCredential({ type: 'httpBearerAuth', data: { token: TOKEN } }, BEARER);
		await n8n.addWorkflow(mcpWorkflow());
		await n8n.activate('e2eMcpServer001');
		mcpUrl = `${n8n.baseUrl}/mcp/${PATH}`;
	});

	after(async () => {
		await n8n?.close();
		await emulator?.close();
	});

	test('without the Bearer token the client is refused', async () => {
		await assert.rejects(connect(mcpUrl, undefined), /401|Unauthorized|authoriz/i);
		await assert.rejects(connect(mcpUrl, 'not-the-token'), /401|403|Unauthorized|Forbidden|authoriz/i);
	});

	test('tools/list: the FLUX tool with a description an LLM can use, and its prompt as input', async (t) => {
		const client = await connect(mcpUrl, TOKEN);
		try {
			const { tools } = await client.listTools();
			t.diagnostic(`tools: ${JSON.stringify(tools)}`);
			const flux = tools.find((tool) => tool.name === TOOL_NAME);
			assert.ok(flux, `the FLUX tool is listed: ${JSON.stringify(tools.map((tool) => tool.name))}`);
			assert.match(String(flux.description), /^Generate an image with FLUX\.2 \[klein\] 4B \(Black Forest Labs FLUX\)/);
			assert.match(String(flux.description), /imageUrl/);
			assert.match(String(flux.description), /lastingUrl/);
			const properties = /** @type {Record<string, any>} */ (flux.inputSchema.properties ?? {});
			assert.ok(properties.prompt, `prompt is an input: ${JSON.stringify(flux.inputSchema)}`);
		} finally {
			await client.close();
		}
	});

	test('tools/call: one task, the compact JSON, and a lasting link served by n8n that opens the image', async (t) => {
		emulator.reset();
		const client = await connect(mcpUrl, TOKEN);
		let answer;
		try {
			const result = await client.callTool({ name: TOOL_NAME, arguments: { prompt: 'a lighthouse on a cliff, asked over MCP' } });
			const content = /** @type {Array<{ type: string, text?: string }>} */ (result.content);
			const text = content.find((part) => part.type === 'text')?.text ?? '';
			t.diagnostic(`tools/call answered: ${text.slice(0, 800)}`);
			const parsed = JSON.parse(text);
			answer = Array.isArray(parsed) ? parsed[0] : parsed;
		} finally {
			await client.close();
		}
		const submits = emulator.ledger.filter((entry) => entry.method === 'POST' && entry.path === '/v1/flux-2-klein-4b');
		assert.equal(submits.length, 1, 'one task');
		assert.equal(submits[0].body.prompt, 'a lighthouse on a cliff, asked over MCP');
		assert.equal(answer.model, 'flux-2-klein-4b');
		assert.equal(answer.taskId, submits[0].taskId);
		assert.ok(String(answer.imageUrl).startsWith(emulator.deliveryBase), `BFL's link: ${answer.imageUrl}`);
		assert.ok(String(answer.lastingUrl).startsWith(`${n8n.baseUrl}/rest/binary-data/signed?token=`), `n8n's link: ${answer.lastingUrl}`);
		assert.ok(Date.parse(answer.lastingUrlExpiresAt) > Date.now() + 23 * 3600_000, 'valid for about a day');

		// BFL's link gone: n8n's still serves the image.
		emulator.reset();
		const served = await request(answer.lastingUrl);
		assert.equal(served.statusCode, 200);
		const bytes = Buffer.from(await served.body.arrayBuffer());
		assert.deepEqual(await probeImage(bytes), { format: 'jpeg', width: 1024, height: 1024 });
		assert.ok(!emulator.ledger.some((entry) => entry.path.includes('/results/')), 'served by n8n, not fetched from BFL');
	});
});
