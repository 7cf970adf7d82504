/**
 * Lasting links for an AI agent: with n8n's binary data in filesystem mode (n8n 2.x's default),
 * the tool's result is kept by n8n and the agent gets a signed link served by n8n that outlives
 * BFL's 10 minutes; the link's token opens exactly the image BFL made. Real ExecuteContext and
 * BinaryDataService, BFL on nock. (Memory mode: operations.test.ts shows nothing is downloaded.)
 */
import { Container } from '@n8n/di';
import nock from 'nock';
import { BinaryDataService } from 'n8n-core';

import { LASTING_LINK_HOURS } from '../../../../nodes/Flux/engine/links';
import { DELIVERY, fakeBfl } from '../../../support/fakeBfl';
import { decode } from '../../../support/fixtures';
import { useFastPolls } from '../../../support/fastPolls';
import { runFlux, useBinaryMode } from '../../../support/harness';

useBinaryMode('filesystem');
useFastPolls();

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const klein = {
	resource: 'image',
	operation: 'generate',
	model: 'flux-2-klein-4b',
	prompt: 'a fox',
	width: 256,
	height: 256,
};
const REST = 'https://n8n.example.com/rest';

test("the agent gets a link served by n8n for a day, opening BFL's image, beside BFL's own link", async () => {
	await fakeBfl('flux-2-klein-4b');
	const before = Date.now();
	const [item] = await runFlux({ version: 2, tool: true, parameters: klein, restApiUrl: REST });
	expect(item.binary).toBeUndefined(); // an agent never receives binary data
	expect(item.json.imageUrl).toBe(`${DELIVERY}/results/t1/sample.png`);
	const lasting = new URL(String(item.json.lastingUrl));
	expect(`${lasting.origin}${lasting.pathname}`).toBe(`${REST}/binary-data/signed`);
	const expires = Date.parse(String(item.json.lastingUrlExpiresAt));
	expect(expires - before).toBeGreaterThanOrEqual(LASTING_LINK_HOURS * 3_600_000 - 1000);
	expect(item.json.note).toMatch(/Show the user lastingUrl/);

	const service = Container.get(BinaryDataService);
	const id = service.validateSignedToken(lasting.searchParams.get('token') as string);
	const bytes = await service.getAsBuffer({ id } as never);
	expect(await decode(bytes)).toMatchObject({ format: 'png', width: 48, height: 32 });
});

test('without a base URL n8n cannot give a usable link: the agent keeps BFL’s link and its expiry', async () => {
	await fakeBfl('flux-2-klein-4b');
	const [item] = await runFlux({ version: 2, tool: true, parameters: klein });
	expect(item.json.lastingUrl).toBeUndefined();
	expect(item.json.note).toContain(`expires at ${item.json.expiresAt}`);
});

test('a workflow (not an agent) gets no lasting link, and with Download Result off nothing is stored', async () => {
	await fakeBfl('flux-2-klein-4b');
	const [item] = await runFlux({
		version: 2,
		parameters: { ...klein, options: { download: false } },
		restApiUrl: REST,
	});
	expect(item.json.lastingUrl).toBeUndefined();
	expect(item.binary).toBeUndefined();
	expect(nock.pendingMocks().some((mock) => mock.includes('delivery'))).toBe(true); // never downloaded
});
