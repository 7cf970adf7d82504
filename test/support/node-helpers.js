// @ts-check
'use strict';
/**
 * Test helpers that need Node built-ins, which the n8n community lint forbids in .ts files
 * (JavaScript, like the emulator and its tests).
 */
const fs = require('node:fs');
const path = require('node:path');
const { Readable } = require('node:stream');

/** The text of a file of the repository, e.g. `nodes/Flux/models/flux3.ts`. @param {string} relative */
function readSource(relative) {
	return fs.readFileSync(path.join(__dirname, '..', '..', relative), 'utf8');
}

/**
 * A lazy stream: `head`, then zeros up to `total` bytes, one chunk per turn of the event loop and
 * only as the reader asks for them. nock reads a reply stream without backpressure, so pacing is
 * what lets a reader that stops early be seen: `stats.read` then stays far below `total`.
 * `stats` also tells whether the stream ended or was destroyed.
 * @param {{ head: Buffer, total: number, chunkSize?: number }} options
 */
function zeroStream({ head, total, chunkSize = 64 * 1024 }) {
	const stats = { read: 0, destroyed: false, ended: false };
	const stream = new Readable({
		read() {
			setImmediate(() => {
				if (stats.destroyed) return;
				if (stats.read >= total) {
					stats.ended = true;
					this.push(null);
					return;
				}
				const size = Math.min(chunkSize, total - stats.read);
				const chunk = Buffer.alloc(size);
				if (stats.read < head.length)
					head.copy(chunk, 0, stats.read, Math.min(head.length, stats.read + size));
				stats.read += size;
				this.push(chunk);
			});
		},
		destroy(error, callback) {
			stats.destroyed = true;
			callback(error);
		},
	});
	return { stream, stats };
}

module.exports = { readSource, zeroStream };
