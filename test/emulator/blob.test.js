// @ts-check
'use strict';
/**
 * GET /_emulator/blob over real HTTP: streamed bytes for the node's input-size limits.
 */
const { request } = require('undici');
const { sniffMp4 } = require('../../dist/nodes/Flux/media/mp4.js');
const { useEmulator, call, lastEntry } = require('../support/emulator');

const emulator = useEmulator();

describe('blob route', () => {
	test('streams the asked bytes with a PNG header, Content-Length only with length=header', async () => {
		const sized = await call('/_emulator/blob?bytes=100000&kind=png&width=4000&height=3000', {
			key: null,
		});
		expect(sized.headers['content-length']).toBe('100000');
		expect(sized.bytes.length).toBe(100000);
		expect(sized.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
		expect(sized.bytes.readUInt32BE(16)).toBe(4000);
		const chunked = await call('/_emulator/blob?bytes=70000&kind=mp4&length=chunked', {
			key: null,
		});
		expect(chunked.headers['content-length']).toBeUndefined();
		expect(chunked.bytes.length).toBe(70000);
		expect(sniffMp4(chunked.bytes)).toMatchObject({ mimeType: 'video/mp4' });
		expect(lastEntry('/_emulator/blob')).toMatchObject({ bytesSent: 70000, hungUp: false });
	});

	test('stops writing when the client hangs up early', async () => {
		const total = 2 * 1024 * 1024 * 1024;
		// undici, not http.get: nock, loaded by other test files of the same jest worker, patches the
		// http module for the whole process.
		const response = await request(`${emulator.apiBase}/_emulator/blob?bytes=${total}&kind=mp4`);
		let received = 0;
		for await (const chunk of response.body) {
			received += chunk.length;
			if (received >= 256 * 1024) break; // leaving the loop destroys the body and its connection
		}
		expect(received).toBeLessThan(total);
		let entry;
		for (
			let attempt = 0;
			attempt < 100 && !(entry = lastEntry('/_emulator/blob'))?.status;
			attempt++
		)
			await new Promise((resolve) => setTimeout(resolve, 20));
		expect(entry).toMatchObject({ status: 200, hungUp: true });
		expect(entry.bytesSent).toBeLessThan(total / 20);
	});
});
