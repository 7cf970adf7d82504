// @ts-check
'use strict';
/**
 * GET /_emulator/blob?bytes=<n>&kind=png|mp4|text&length=header|chunked[&width=&height=]: streams n
 * bytes (a PNG or MP4 header, then zeros; or text) without holding them, respecting backpressure,
 * for the node's input-size limits. The ledger entry's `bytesSent` says how much was written
 * before the client hung up.
 */
const { json, problem } = require('./respond');

const BLOB_CHUNK = 64 * 1024;
const ZEROS = Buffer.alloc(BLOB_CHUNK);
const TEXT_FILL = Buffer.from('emulator blob line: plain text for input-limit tests\n'.repeat(Math.ceil(BLOB_CHUNK / 53))).subarray(0, BLOB_CHUNK);

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

/** Resolves when the response may be written again, or has closed. @param {import('node:http').ServerResponse} res */
function drained(res) {
	return new Promise((resolve) => {
		const done = () => {
			res.off('drain', done);
			res.off('close', done);
			resolve(undefined);
		};
		res.on('drain', done);
		res.on('close', done);
	});
}

/** @param {import('node:http').ServerResponse} res @param {URL} url @param {import('../types').LedgerEntry} entry */
async function blob(res, url, entry) {
	const bytes = Number(url.searchParams.get('bytes') ?? '0');
	const kind = url.searchParams.get('kind') ?? 'text';
	const length = url.searchParams.get('length') ?? 'header';
	const side = (name) => Number(url.searchParams.get(name) ?? '1024');
	if (!Number.isSafeInteger(bytes) || bytes < 0 || !['png', 'mp4', 'text'].includes(kind) || !['header', 'chunked'].includes(length)) {
		return json(res, 422, { detail: [problem(['query'], 'bytes must be a whole number ≥ 0, kind png|mp4|text, length header|chunked')] });
	}
	const head = kind === 'png' ? pngHeader(side('width'), side('height')) : kind === 'mp4' ? mp4Header(bytes) : Buffer.alloc(0);
	const fill = kind === 'text' ? TEXT_FILL : ZEROS;
	/** @type {import('node:http').OutgoingHttpHeaders} */
	const headers = { 'content-type': { png: 'image/png', mp4: 'video/mp4', text: 'text/plain; charset=utf-8' }[kind] };
	if (length === 'header') headers['content-length'] = bytes;
	res.writeHead(200, headers);
	entry.bytesSent = 0;
	let closed = false;
	res.on('close', () => (closed = !res.writableFinished));
	res.on('error', () => (closed = true));
	let remaining = bytes;
	let first = head.subarray(0, Math.min(head.length, bytes));
	while (remaining > 0 && !closed && !res.destroyed) {
		const chunk = first.length ? first : remaining >= BLOB_CHUNK ? fill : fill.subarray(0, remaining);
		first = Buffer.alloc(0);
		const flowing = res.write(chunk);
		entry.bytesSent += chunk.length;
		remaining -= chunk.length;
		if (!flowing) await drained(res);
	}
	entry.hungUp = remaining > 0 || closed;
	if (!res.destroyed) res.end();
	return 200;
}

module.exports = { blob, pngHeader, mp4Header };
