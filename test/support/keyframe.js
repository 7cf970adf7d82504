// @ts-check
'use strict';
/**
 * Reads the luma of the first keyframe of an MP4 made by emulator/video.js, for tests that look
 * at its pixels. That keyframe is an IDR of I_PCM macroblocks (raw samples), so reading it needs
 * only the SPS (sizes, frame_num length) and the slice header, no H.264 decoder.
 */

class BitReader {
	/** @param {Buffer} bytes */
	constructor(bytes) {
		this.bytes = bytes;
		this.bit = 0;
	}
	/** @param {number} count */
	bits(count) {
		let value = 0;
		for (let i = 0; i < count; i++, this.bit++)
			value = value * 2 + ((this.bytes[this.bit >> 3] >> (7 - (this.bit & 7))) & 1);
		return value;
	}
	ue() {
		let zeros = 0;
		while (this.bits(1) === 0) zeros++;
		return 2 ** zeros - 1 + this.bits(zeros);
	}
	align() {
		this.bit = Math.ceil(this.bit / 8) * 8;
	}
}

/** A NAL unit's RBSP: emulation prevention bytes (00 00 03) removed. @param {Buffer} nal */
function rbspOf(nal) {
	const out = [];
	for (let i = 0, zeros = 0; i < nal.length; i++) {
		if (zeros >= 2 && nal[i] === 3) {
			zeros = 0;
			continue;
		}
		out.push(nal[i]);
		zeros = nal[i] === 0 ? zeros + 1 : 0;
	}
	return Buffer.from(out);
}

/**
 * @param {Buffer} mp4
 * @returns {{ width: number, height: number, luma: Uint8Array }} width and height of the coded picture (whole macroblocks)
 */
function firstKeyframe(mp4) {
	const avcC = mp4.indexOf('avcC', 0, 'latin1') + 4;
	const spsLength = mp4.readUInt16BE(avcC + 6);
	const sps = new BitReader(rbspOf(mp4.subarray(avcC + 8 + 1, avcC + 8 + spsLength)));
	sps.bits(24); // profile, constraints, level
	sps.ue(); // seq_parameter_set_id
	const log2MaxFrameNum = sps.ue() + 4;
	sps.ue(); // pic_order_cnt_type (2)
	sps.ue(); // max_num_ref_frames
	sps.bits(1);
	const mbWidth = sps.ue() + 1;
	const mbHeight = sps.ue() + 1;
	const mdat = mp4.indexOf('mdat', 0, 'latin1') + 4;
	const nal = rbspOf(mp4.subarray(mdat + 4 + 1, mdat + 4 + mp4.readUInt32BE(mdat)));
	const slice = new BitReader(nal);
	slice.ue(); // first_mb_in_slice
	slice.ue(); // slice_type
	slice.ue(); // pic_parameter_set_id
	slice.bits(log2MaxFrameNum); // frame_num
	slice.ue(); // idr_pic_id
	slice.bits(2); // dec_ref_pic_marking
	slice.ue(); // slice_qp_delta
	slice.ue(); // disable_deblocking_filter_idc
	const width = mbWidth * 16;
	const luma = new Uint8Array(width * mbHeight * 16);
	for (let mb = 0; mb < mbWidth * mbHeight; mb++) {
		slice.ue(); // mb_type: I_PCM
		slice.align();
		const start = slice.bit >> 3;
		for (let row = 0; row < 16; row++) {
			const y = Math.floor(mb / mbWidth) * 16 + row;
			luma.set(
				nal.subarray(start + row * 16, start + row * 16 + 16),
				y * width + (mb % mbWidth) * 16,
			);
		}
		slice.bit += 384 * 8;
	}
	return { width, height: mbHeight * 16, luma };
}

module.exports = { firstKeyframe };
