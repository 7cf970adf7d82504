// @ts-check
'use strict';
/** Bits for the H.264 stream: a bit writer (u(n), ue(v), se(v)) and NAL units with emulation prevention. */

class BitWriter {
	constructor(capacity = 256) {
		this.buffer = Buffer.alloc(capacity);
		/** Whole bytes written. */
		this.length = 0;
		/** Bits waiting to fill the next byte (most significant first) and how many. */
		this.pending = 0;
		this.pendingBits = 0;
	}

	/** @param {number} extra */
	reserve(extra) {
		if (this.length + extra <= this.buffer.length) return;
		const bigger = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + extra));
		this.buffer.copy(bigger, 0, 0, this.length);
		this.buffer = bigger;
	}

	/** u(n), n ≤ 32. @param {number} value @param {number} bits */
	bits(value, bits) {
		for (let i = bits - 1; i >= 0; i--) {
			this.pending = (this.pending << 1) | (Math.floor(value / 2 ** i) & 1);
			if (++this.pendingBits === 8) {
				this.reserve(1);
				this.buffer[this.length++] = this.pending;
				this.pending = 0;
				this.pendingBits = 0;
			}
		}
	}

	/** @param {boolean | number} flag */
	flag(flag) {
		this.bits(flag ? 1 : 0, 1);
	}

	/** ue(v): unsigned exp-Golomb. @param {number} value */
	ue(value) {
		const code = value + 1;
		const length = Math.floor(Math.log2(code)) + 1;
		this.bits(0, length - 1);
		this.bits(code, length);
	}

	/** se(v): signed exp-Golomb (k > 0 → 2k − 1, k ≤ 0 → −2k). @param {number} value */
	se(value) {
		this.ue(value > 0 ? 2 * value - 1 : -2 * value);
	}

	get aligned() {
		return this.pendingBits === 0;
	}

	/** Zero bits up to the next byte boundary (pcm_alignment_zero_bit). */
	alignZero() {
		if (this.pendingBits) this.bits(0, 8 - this.pendingBits);
	}

	/** Whole bytes; the writer must be byte-aligned. @param {Uint8Array} bytes */
	bytes(bytes) {
		if (!this.aligned) throw new Error('BitWriter.bytes: not byte-aligned');
		this.reserve(bytes.length);
		this.buffer.set(bytes, this.length);
		this.length += bytes.length;
	}

	/** rbsp_trailing_bits(): a stop bit, then zero bits to the byte boundary. */
	trailing() {
		this.bits(1, 1);
		this.alignZero();
	}

	/** The RBSP written so far (byte-aligned). */
	finish() {
		if (!this.aligned) throw new Error('BitWriter.finish: not byte-aligned');
		return this.buffer.subarray(0, this.length);
	}
}

/**
 * A NAL unit: the header byte, then the RBSP with emulation prevention (an 0x03 after any two
 * zero bytes that are followed by a byte ≤ 3).
 * @param {number} refIdc @param {number} type @param {Buffer} rbsp
 */
function nalUnit(refIdc, type, rbsp) {
	const out = Buffer.alloc(1 + rbsp.length + Math.ceil(rbsp.length / 2) + 1);
	out[0] = (refIdc << 5) | type;
	let length = 1;
	let zeros = 0;
	for (const byte of rbsp) {
		if (zeros >= 2 && byte <= 3) {
			out[length++] = 3;
			zeros = 0;
		}
		out[length++] = byte;
		zeros = byte === 0 ? zeros + 1 : 0;
	}
	return out.subarray(0, length);
}

module.exports = { BitWriter, nalUnit };
