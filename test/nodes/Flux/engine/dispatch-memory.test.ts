/**
 * Free the Execution While BFL Works with n8n's binary data in memory (n8n 1.x's default): nothing
 * the node keeps survives the wait, so it refuses before anything is paid, saying what to set.
 */
import nock from 'nock';

import { runFlux } from '../../../support/harness';

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());

test('memory mode: refused before any request, naming the option and the setting', async () => {
	const requests: string[] = [];
	nock.emitter.on('no match', (request: { path?: string }) => requests.push(String(request.path)));
	const run = runFlux({
		version: 2,
		parameters: {
			resource: 'image',
			operation: 'generate',
			model: 'flux-2-klein-4b',
			prompt: 'a fox',
			width: 256,
			height: 256,
			options: { freeExecution: true },
		},
	});
	await expect(run).rejects.toThrow(
		/^Free the Execution While BFL Works \(freeExecution\): n8n keeps binary data in memory/,
	);
	await expect(run).rejects.toMatchObject({
		description: expect.stringContaining('N8N_DEFAULT_BINARY_DATA_MODE'),
	});
	expect(requests).toEqual([]); // nock saw no request at all
});
