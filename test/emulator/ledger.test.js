// @ts-check
'use strict';
/**
 * The ledger over real HTTP: every request, the key's value never.
 */
const { useEmulator, call, submit, imageBase64, KEY } = require('../support/emulator');

const emulator = useEmulator();

describe('ledger', () => {
	test('the ledger records every request without the key value, media summarised (also in lists)', async () => {
		const image = await imageBase64(256, 256);
		await submit('flux-2-pro', { prompt: 'ledger', input_image: 'https://example.com/a.png' });
		await submit('flux-3-image', { prompt: 'list', images: [image, 'https://example.com/b.png'] });
		const [entry, list] = emulator.ledger;
		expect(entry).toMatchObject({
			method: 'POST',
			path: '/v1/flux-2-pro',
			keyPresent: true,
			bodyKeys: ['prompt', 'input_image'],
			unknownFields: [],
		});
		expect(list.body.images).toEqual([
			`<base64 ${image.length} chars>`,
			'https://example.com/b.png',
		]);
		expect(JSON.stringify(emulator.ledger)).not.toContain(KEY);
		const viaHttp = await call('/_emulator/ledger');
		expect(viaHttp.json.ledger.length).toBeGreaterThanOrEqual(2);
	});
});
