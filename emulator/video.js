// @ts-check
'use strict';
/**
 * Real, playable MP4 clips for the emulator, with no library: an H.264 Constrained Baseline
 * stream written bit by bit, in an ISO BMFF (MP4) file laid out for progressive playback
 * (ftyp, moov, mdat).
 *
 * The codec is lossless "conditional replenishment", which needs no transform coding:
 * - every keyframe (IDR) is made of I_PCM macroblocks: raw 8-bit Y, Cb, Cr samples;
 * - every other frame is a P frame that re-sends, as I_PCM, only the macroblocks that changed
 *   since the frame before, and codes all the others as P_Skip (a copy of the previous frame).
 * The picture is a seed-dependent striped pattern whose colours change at each keyframe, with a
 * progress bar along the bottom that grows every frame (so time is visible, and seeking too),
 * and, given a receipt, what was asked across the top (caption.js; drawn into each keyframe's
 * samples, so it costs no bytes: P frames skip its unchanged macroblocks).
 *
 * Keyframes come every second while the clip's keyframes fit in IDR_BUDGET bytes, less often
 * otherwise (a 320×176 keyframe is 84 KB); the progress bar costs at most one 384-byte
 * macroblock per step of 2 pixels. A 5 s 320×176 clip is about 0.45 MB.
 *
 * Sizes: odd widths and heights are rounded up to even (4:2:0 chroma cannot crop one pixel);
 * the coded picture is a whole number of 16×16 macroblocks, cropped to the asked size by the
 * SPS's frame cropping. fps must be a whole number.
 */

/** Bytes of I_PCM keyframes a clip may hold before keyframes are spaced more than 1 s apart. */
const IDR_BUDGET = 512 * 1024;
/** Movie (mvhd, tkhd) timescale: milliseconds. */
const MOVIE_TIMESCALE = 1000;
/** Media (mdhd) ticks per frame; the media timescale is fps × this. */
const TICKS_PER_FRAME = 1000;

const { random } = require('./random');
const { drawCaption, layoutCaption } = require('./caption');

// ---------------------------------------------------------------------------------------------
// Bit writing and NAL units

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

// ---------------------------------------------------------------------------------------------
// H.264 parameter sets and slices

const NAL_SLICE = 1;
const NAL_IDR = 5;
const NAL_SPS = 7;
const NAL_PPS = 8;
const PROFILE_BASELINE = 66;
/** constraint_set0 + constraint_set1: Constrained Baseline. */
const CONSTRAINTS = 0xc0;
/** mb_type of I_PCM in an I slice; in a P slice the intra types are offset by 5. */
const MB_I_PCM = 25;
const MB_P_INTRA_OFFSET = 5;

/** The largest frame of any level (MaxFS of level 5.1 and 5.2), in macroblocks. */
const MAX_FRAME_MBS = 36864;
/** Levels (Table A-1): level_idc, MaxMBPS, MaxFS. */
const LEVELS = [
	[10, 1485, 99],
	[11, 3000, 396],
	[12, 6000, 396],
	[13, 11880, 396],
	[20, 11880, 396],
	[21, 19800, 792],
	[22, 20250, 1620],
	[30, 40500, 1620],
	[31, 108000, 3600],
	[32, 216000, 5120],
	[40, 245760, 8192],
	[42, 522240, 8704],
	[50, 589824, 22080],
	[51, 983040, 36864],
	[52, 2073600, 36864],
];

/**
 * The lowest level whose frame size and macroblock rate fit (A.3.1: also each side at most
 * √(8·MaxFS) macroblocks). The bit rate of I_PCM keyframes is not taken into account: decoders
 * do not police it.
 * @param {number} mbWidth @param {number} mbHeight @param {number} fps
 */
function levelFor(mbWidth, mbHeight, fps) {
	const frameMbs = mbWidth * mbHeight;
	for (const [level, maxMbps, maxFs] of LEVELS) {
		const side = Math.sqrt(8 * maxFs);
		if (frameMbs <= maxFs && frameMbs * fps <= maxMbps && mbWidth <= side && mbHeight <= side) return level;
	}
	return 52;
}

/**
 * @typedef {object} StreamSpec
 * @property {number} width shown width (even)
 * @property {number} height shown height (even)
 * @property {number} mbWidth
 * @property {number} mbHeight
 * @property {number} fps
 * @property {number} level
 * @property {number} log2MaxFrameNum
 */

/** seq_parameter_set_rbsp() (7.3.2.1.1). @param {StreamSpec} spec */
function sps(spec) {
	const w = new BitWriter(64);
	w.bits(PROFILE_BASELINE, 8);
	w.bits(CONSTRAINTS, 8); // constraint_set0..5 flags + reserved_zero_2bits
	w.bits(spec.level, 8);
	w.ue(0); // seq_parameter_set_id
	w.ue(spec.log2MaxFrameNum - 4); // log2_max_frame_num_minus4
	w.ue(2); // pic_order_cnt_type 2: output order = decoding order, nothing in slice headers
	w.ue(1); // max_num_ref_frames
	w.flag(0); // gaps_in_frame_num_value_allowed_flag
	w.ue(spec.mbWidth - 1); // pic_width_in_mbs_minus1
	w.ue(spec.mbHeight - 1); // pic_height_in_map_units_minus1
	w.flag(1); // frame_mbs_only_flag
	w.flag(1); // direct_8x8_inference_flag
	// Cropping in 4:2:0 frame units of 2 samples (CropUnitX = CropUnitY = 2).
	const cropRight = (spec.mbWidth * 16 - spec.width) / 2;
	const cropBottom = (spec.mbHeight * 16 - spec.height) / 2;
	const cropping = cropRight > 0 || cropBottom > 0;
	w.flag(cropping); // frame_cropping_flag
	if (cropping) {
		w.ue(0); // frame_crop_left_offset
		w.ue(cropRight);
		w.ue(0); // frame_crop_top_offset
		w.ue(cropBottom);
	}
	w.flag(1); // vui_parameters_present_flag
	// vui_parameters() (E.1.1)
	w.flag(1); // aspect_ratio_info_present_flag
	w.bits(1, 8); // aspect_ratio_idc 1: square pixels
	w.flag(0); // overscan_info_present_flag
	w.flag(1); // video_signal_type_present_flag
	w.bits(5, 3); // video_format: unspecified
	w.flag(0); // video_full_range_flag: samples are 16..235 / 16..240
	w.flag(1); // colour_description_present_flag
	w.bits(6, 8); // colour_primaries: SMPTE 170M (BT.601)
	w.bits(6, 8); // transfer_characteristics: SMPTE 170M
	w.bits(6, 8); // matrix_coefficients: SMPTE 170M
	w.flag(0); // chroma_loc_info_present_flag
	w.flag(1); // timing_info_present_flag
	w.bits(1, 32); // num_units_in_tick
	w.bits(2 * spec.fps, 32); // time_scale (two ticks per frame)
	w.flag(1); // fixed_frame_rate_flag
	w.flag(0); // nal_hrd_parameters_present_flag
	w.flag(0); // vcl_hrd_parameters_present_flag
	w.flag(0); // pic_struct_present_flag
	w.flag(1); // bitstream_restriction_flag
	w.flag(1); // motion_vectors_over_pic_boundaries_flag
	w.ue(0); // max_bytes_per_pic_denom: no limit (I_PCM pictures are big)
	w.ue(0); // max_bits_per_mb_denom: no limit
	w.ue(16); // log2_max_mv_length_horizontal
	w.ue(16); // log2_max_mv_length_vertical
	w.ue(0); // max_num_reorder_frames: frames are shown as soon as decoded
	w.ue(1); // max_dec_frame_buffering
	w.trailing();
	return nalUnit(3, NAL_SPS, w.finish());
}

/** pic_parameter_set_rbsp() (7.3.2.2). */
function pps() {
	const w = new BitWriter(16);
	w.ue(0); // pic_parameter_set_id
	w.ue(0); // seq_parameter_set_id
	w.flag(0); // entropy_coding_mode_flag: CAVLC
	w.flag(0); // bottom_field_pic_order_in_frame_present_flag
	w.ue(0); // num_slice_groups_minus1
	w.ue(0); // num_ref_idx_l0_default_active_minus1
	w.ue(0); // num_ref_idx_l1_default_active_minus1
	w.flag(0); // weighted_pred_flag
	w.bits(0, 2); // weighted_bipred_idc
	w.se(0); // pic_init_qp_minus26
	w.se(0); // pic_init_qs_minus26
	w.se(0); // chroma_qp_index_offset
	w.flag(1); // deblocking_filter_control_present_flag
	w.flag(0); // constrained_intra_pred_flag
	w.flag(0); // redundant_pic_cnt_present_flag
	w.trailing();
	return nalUnit(3, NAL_PPS, w.finish());
}

/**
 * A YUV 4:2:0 picture of whole macroblocks.
 * @typedef {{ y: Uint8Array, cb: Uint8Array, cr: Uint8Array, lumaWidth: number, chromaWidth: number }} Picture
 */

/** Appends one I_PCM macroblock's samples (aligned first). @param {BitWriter} w @param {Picture} pic @param {number} mbX @param {number} mbY */
function writePcm(w, pic, mbX, mbY) {
	w.alignZero(); // pcm_alignment_zero_bit
	w.reserve(384);
	for (let row = 0; row < 16; row++) {
		const start = (mbY * 16 + row) * pic.lumaWidth + mbX * 16;
		w.bytes(pic.y.subarray(start, start + 16));
	}
	for (const plane of [pic.cb, pic.cr]) {
		for (let row = 0; row < 8; row++) {
			const start = (mbY * 8 + row) * pic.chromaWidth + mbX * 8;
			w.bytes(plane.subarray(start, start + 8));
		}
	}
}

/**
 * One coded picture as a single slice: an IDR of I_PCM macroblocks, or a P picture where the
 * macroblocks flagged in `changed` are I_PCM and the rest P_Skip.
 * @param {StreamSpec} spec @param {Picture} pic
 * @param {{ idr: boolean, frameNum: number, idrPicId: number, changed?: Uint8Array }} frame
 */
function slice(spec, pic, { idr, frameNum, idrPicId, changed }) {
	const w = new BitWriter(idr ? spec.mbWidth * spec.mbHeight * 386 + 32 : 64);
	// slice_header() (7.3.3)
	w.ue(0); // first_mb_in_slice
	w.ue(idr ? 7 : 5); // slice_type: I or P, the same for every slice of the picture
	w.ue(0); // pic_parameter_set_id
	w.bits(frameNum, spec.log2MaxFrameNum); // frame_num
	if (idr) w.ue(idrPicId); // idr_pic_id
	if (!idr) {
		w.flag(0); // num_ref_idx_active_override_flag
		w.flag(0); // ref_pic_list_modification_flag_l0
	}
	// dec_ref_pic_marking() (every picture is a reference picture)
	if (idr) {
		w.flag(0); // no_output_of_prior_pics_flag
		w.flag(0); // long_term_reference_flag
	} else {
		w.flag(0); // adaptive_ref_pic_marking_mode_flag: sliding window
	}
	w.se(0); // slice_qp_delta
	w.ue(1); // disable_deblocking_filter_idc: off (nothing to smooth in lossless pictures)
	// slice_data() (7.3.4), CAVLC
	const count = spec.mbWidth * spec.mbHeight;
	if (idr) {
		for (let mb = 0; mb < count; mb++) {
			w.ue(MB_I_PCM); // mb_type
			writePcm(w, pic, mb % spec.mbWidth, Math.floor(mb / spec.mbWidth));
		}
	} else {
		let skipRun = 0;
		for (let mb = 0; mb < count; mb++) {
			if (!changed?.[mb]) {
				skipRun++;
				continue;
			}
			w.ue(skipRun); // mb_skip_run (0 too: it precedes every coded macroblock)
			skipRun = 0;
			w.ue(MB_P_INTRA_OFFSET + MB_I_PCM); // mb_type
			writePcm(w, pic, mb % spec.mbWidth, Math.floor(mb / spec.mbWidth));
		}
		if (skipRun > 0) w.ue(skipRun);
	}
	w.trailing(); // rbsp_slice_trailing_bits()
	return nalUnit(idr ? 3 : 2, idr ? NAL_IDR : NAL_SLICE, w.finish());
}

// ---------------------------------------------------------------------------------------------
// Pictures

/** @param {number} h 0..1 @param {number} s @param {number} v @returns {[number, number, number]} RGB 0..255 */
function hsv(h, s, v) {
	const i = Math.floor(h * 6);
	const f = h * 6 - i;
	const [p, q, t] = [v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)];
	const rgb = [
		[v, t, p],
		[q, v, p],
		[p, v, t],
		[p, q, v],
		[t, p, v],
		[v, p, q],
	][((i % 6) + 6) % 6];
	return [rgb[0] * 255, rgb[1] * 255, rgb[2] * 255];
}

/** BT.601 limited range. @param {number} r @param {number} g @param {number} b */
function yuv(r, g, b) {
	return [
		16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255,
		128 + (-37.797 * r - 74.203 * g + 112 * b) / 255,
		128 + (112 * r - 93.786 * g - 18.214 * b) / 255,
	];
}

/** @param {number} value */
const sample = (value) => Math.min(235, Math.max(16, Math.round(value)));

const BAR_TRACK = [40, 128, 128];
const BAR_FILL = [225, 128, 128];
const BAR_HEIGHT = 4;

/**
 * The background of scene `scene` (the stretch between two keyframes): stripes at a seed-given
 * angle in two seed-given colours whose hue turns from scene to scene, with the empty bar track.
 * @param {StreamSpec} spec @param {number[]} look seed-given hues, stripe count, angle and drift
 * @param {number} scene @param {number} barTop
 * @returns {Picture}
 */
function background(spec, look, scene, barTop) {
	const [hue0, hue1, stripeCount, angle, drift] = look;
	const lumaWidth = spec.mbWidth * 16;
	const lumaHeight = spec.mbHeight * 16;
	const chromaWidth = lumaWidth / 2;
	const pic = {
		y: new Uint8Array(lumaWidth * lumaHeight),
		cb: new Uint8Array((lumaWidth * lumaHeight) / 4),
		cr: new Uint8Array((lumaWidth * lumaHeight) / 4),
		lumaWidth,
		chromaWidth,
	};
	const [cx, cy] = [Math.cos(angle), Math.sin(angle)];
	const size = Math.max(spec.width, spec.height);
	const phase = scene * drift;
	const colour0 = (/** @type {number} */ t) => yuv(...hsv((hue0 + scene * 0.17) % 1, 0.75, 0.5 + 0.45 * t));
	const colour1 = (/** @type {number} */ t) => yuv(...hsv((hue1 + scene * 0.29) % 1, 0.55, 0.95 - 0.45 * t));
	// Each 2×2 block shares one colour, so chroma needs no averaging.
	for (let cyIdx = 0; cyIdx < lumaHeight / 2; cyIdx++) {
		for (let cxIdx = 0; cxIdx < chromaWidth; cxIdx++) {
			const x = cxIdx * 2;
			const y = cyIdx * 2;
			const position = ((x * cx + y * cy) / size) * stripeCount + phase;
			const band = ((Math.floor(position) % 2) + 2) % 2;
			const t = Math.min(1, x / spec.width);
			let [Y, U, V] = band ? colour0(t) : colour1(t);
			if (y >= barTop && y < barTop + BAR_HEIGHT && x < spec.width) [Y, U, V] = BAR_TRACK;
			const luma = sample(Y);
			pic.y[y * lumaWidth + x] = luma;
			pic.y[y * lumaWidth + x + 1] = luma;
			pic.y[(y + 1) * lumaWidth + x] = luma;
			pic.y[(y + 1) * lumaWidth + x + 1] = luma;
			pic.cb[cyIdx * chromaWidth + cxIdx] = Math.min(240, Math.max(16, Math.round(U)));
			pic.cr[cyIdx * chromaWidth + cxIdx] = Math.min(240, Math.max(16, Math.round(V)));
		}
	}
	return pic;
}

/** Luma of the text: the prompt white, the details line lighter grey. */
const TEXT_LUMA = { prompt: 235, details: 190 };

/**
 * Draws a receipt's layout into a picture: the band darkened towards black (chroma towards grey),
 * the text in luma only (chroma is shared by 2×2 pixels).
 * @param {Picture} pic @param {import('./caption').Layout} layout @param {number} width shown width
 */
function drawReceipt(pic, layout, width) {
	drawCaption(layout, {
		shade: (factor) => {
			for (let y = 0; y < layout.bandHeight; y++) {
				for (let x = 0; x < width; x++) pic.y[y * pic.lumaWidth + x] = 16 + (pic.y[y * pic.lumaWidth + x] - 16) * factor;
			}
			for (let y = 0; y < Math.ceil(layout.bandHeight / 2); y++) {
				for (let x = 0; x < width / 2; x++) {
					const at = y * pic.chromaWidth + x;
					pic.cb[at] = 128 + (pic.cb[at] - 128) * factor;
					pic.cr[at] = 128 + (pic.cr[at] - 128) * factor;
				}
			}
		},
		ink: (x, y, kind) => {
			if (x < width && y < layout.bandHeight) pic.y[y * pic.lumaWidth + x] = TEXT_LUMA[kind];
		},
	});
}

/**
 * Fills the progress bar from x = `from` to `to` (even), flagging the macroblocks it changes.
 * @param {Picture} pic @param {number} barTop @param {number} from @param {number} to @param {Uint8Array} changed @param {number} mbWidth
 */
function fillBar(pic, barTop, from, to, changed, mbWidth) {
	for (let x = from; x < to; x += 2) {
		const mb = (barTop >> 4) * mbWidth + (x >> 4);
		changed[mb] = 1;
		for (let y = barTop; y < barTop + BAR_HEIGHT; y++) {
			pic.y[y * pic.lumaWidth + x] = BAR_FILL[0];
			pic.y[y * pic.lumaWidth + x + 1] = BAR_FILL[0];
		}
		for (let y = barTop / 2; y < (barTop + BAR_HEIGHT) / 2; y++) {
			pic.cb[y * pic.chromaWidth + x / 2] = BAR_FILL[1];
			pic.cr[y * pic.chromaWidth + x / 2] = BAR_FILL[2];
		}
	}
}

// ---------------------------------------------------------------------------------------------
// MP4 (ISO BMFF) boxes

/** @param {string} type @param {...(Buffer | Uint8Array)} parts */
function box(type, ...parts) {
	const size = 8 + parts.reduce((sum, part) => sum + part.length, 0);
	const header = Buffer.alloc(8);
	header.writeUInt32BE(size, 0);
	header.write(type, 4, 'latin1');
	return Buffer.concat([header, ...parts]);
}

/** A full box: version and flags before the payload. @param {string} type @param {number} version @param {number} flags @param {...Buffer} parts */
function fullBox(type, version, flags, ...parts) {
	const head = Buffer.alloc(4);
	head.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 0);
	return box(type, head, ...parts);
}

/** Big-endian 32-bit words. @param {...number} words */
function u32(...words) {
	const out = Buffer.alloc(words.length * 4);
	words.forEach((word, i) => out.writeUInt32BE(word >>> 0, i * 4));
	return out;
}

/** The identity transformation matrix of mvhd and tkhd. */
const MATRIX = u32(0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000);

/**
 * @param {{ spec: StreamSpec, spsNal: Buffer, ppsNal: Buffer, sampleSizes: number[], syncSamples: number[],
 *   chunkSampleCounts: number[], chunkOffsets: number[], mediaTimescale: number, mediaDuration: number,
 *   sampleDeltas: number[], movieDuration: number }} track
 */
function moovBox(track) {
	const { spec } = track;
	const mvhd = fullBox(
		'mvhd',
		0,
		0,
		u32(0, 0, MOVIE_TIMESCALE, track.movieDuration), // creation, modification, timescale, duration
		u32(0x00010000), // rate 1.0
		Buffer.from([0x01, 0x00, 0, 0]), // volume 1.0, reserved
		u32(0, 0), // reserved
		MATRIX,
		u32(0, 0, 0, 0, 0, 0), // pre_defined
		u32(2), // next_track_ID
	);
	const tkhd = fullBox(
		'tkhd',
		0,
		3, // track_enabled | track_in_movie
		u32(0, 0, 1, 0, track.movieDuration), // creation, modification, track_ID, reserved, duration
		u32(0, 0), // reserved
		u32(0, 0), // layer, alternate_group, volume, reserved
		MATRIX,
		u32(spec.width * 0x10000, spec.height * 0x10000),
	);
	const mdhd = fullBox(
		'mdhd',
		0,
		0,
		u32(0, 0, track.mediaTimescale, track.mediaDuration),
		Buffer.from([0x55, 0xc4, 0, 0]), // language "und", pre_defined
	);
	const hdlr = fullBox('hdlr', 0, 0, u32(0), Buffer.from('vide', 'latin1'), u32(0, 0, 0), Buffer.from('VideoHandler\0', 'latin1'));
	const vmhd = fullBox('vmhd', 0, 1, Buffer.alloc(8)); // graphicsmode, opcolor
	const dinf = box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1)));

	const avcC = box(
		'avcC',
		Buffer.from([1, PROFILE_BASELINE, CONSTRAINTS, spec.level, 0xff /* 4-byte NAL lengths */, 0xe1 /* 1 SPS */]),
		Buffer.from([track.spsNal.length >> 8, track.spsNal.length & 0xff]),
		track.spsNal,
		Buffer.from([1, track.ppsNal.length >> 8, track.ppsNal.length & 0xff]),
		track.ppsNal,
	);
	const entry = Buffer.alloc(78);
	entry.writeUInt16BE(1, 6); // data_reference_index
	entry.writeUInt16BE(spec.width, 24);
	entry.writeUInt16BE(spec.height, 26);
	entry.writeUInt32BE(0x00480000, 28); // 72 dpi
	entry.writeUInt32BE(0x00480000, 32);
	entry.writeUInt16BE(1, 40); // frame_count
	const name = 'BFL emulator H.264';
	entry[42] = name.length; // compressorname: a Pascal string in 32 bytes
	entry.write(name, 43, 'latin1');
	entry.writeUInt16BE(0x18, 74); // depth
	entry.writeInt16BE(-1, 76); // pre_defined
	const stsd = fullBox('stsd', 0, 0, u32(1), box('avc1', entry, avcC));

	/** @type {number[]} */
	const stts = [];
	for (const delta of track.sampleDeltas) {
		if (stts.length && stts[stts.length - 1] === delta) stts[stts.length - 2]++;
		else stts.push(1, delta);
	}
	/** @type {number[]} */
	const stsc = [];
	track.chunkSampleCounts.forEach((count, i) => {
		if (!stsc.length || stsc[stsc.length - 2] !== count) stsc.push(i + 1, count, 1);
	});
	const stbl = box(
		'stbl',
		stsd,
		fullBox('stts', 0, 0, u32(stts.length / 2, ...stts)),
		fullBox('stss', 0, 0, u32(track.syncSamples.length, ...track.syncSamples)),
		fullBox('stsc', 0, 0, u32(stsc.length / 3, ...stsc)),
		fullBox('stsz', 0, 0, u32(0, track.sampleSizes.length, ...track.sampleSizes)),
		fullBox('stco', 0, 0, u32(track.chunkOffsets.length, ...track.chunkOffsets)),
	);
	const minf = box('minf', vmhd, dinf, stbl);
	const trak = box('trak', tkhd, box('mdia', mdhd, hdlr, minf));
	return box('moov', mvhd, trak);
}

// ---------------------------------------------------------------------------------------------

/** @param {string} name @param {unknown} value @param {number} min @param {number} max */
function checkNumber(name, value, min, max) {
	if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
		throw new RangeError(`renderVideo: ${name} must be a number from ${min} to ${max}, got ${String(value)}`);
	}
}

/**
 * Renders a playable MP4 (H.264 Constrained Baseline, no audio) of exactly `seconds` seconds.
 * Odd sizes are rounded up to even; the same arguments always give the same bytes.
 * @param {{ width: number, height: number, seconds: number, fps?: number, seed?: number, receipt?: import('./caption').Receipt }} options
 *   width, height: 16..4096 pixels, at most 36864 macroblocks in all (e.g. 4096×2304); seconds: more than 0, up to 600 (whole milliseconds);
 *   fps: a whole number from 1 to 120; seed: any number (different seeds, different clips); receipt: text drawn on every frame.
 * @returns {Buffer}
 */
function renderVideo({ width, height, seconds, fps = 24, seed = 0, receipt }) {
	checkNumber('width', width, 16, 4096);
	checkNumber('height', height, 16, 4096);
	checkNumber('seconds', seconds, 0.001, 600);
	checkNumber('fps', fps, 1, 120);
	if (!Number.isInteger(fps)) throw new RangeError(`renderVideo: fps must be a whole number, got ${fps}`);
	const shownWidth = Math.ceil(width / 2) * 2;
	const shownHeight = Math.ceil(height / 2) * 2;
	const mbWidth = Math.ceil(shownWidth / 16);
	const mbHeight = Math.ceil(shownHeight / 16);
	const mbCount = mbWidth * mbHeight;
	if (mbCount > MAX_FRAME_MBS) throw new RangeError(`renderVideo: ${width}×${height} is more than H.264 allows (${MAX_FRAME_MBS} macroblocks, e.g. 4096×2304)`);

	const mediaTimescale = fps * TICKS_PER_FRAME;
	const mediaDuration = Math.max(1, Math.round(seconds * mediaTimescale));
	const frameCount = Math.ceil(mediaDuration / TICKS_PER_FRAME);
	const sampleDeltas = Array.from({ length: frameCount }, (_, i) =>
		i < frameCount - 1 ? TICKS_PER_FRAME : mediaDuration - TICKS_PER_FRAME * (frameCount - 1),
	);
	const keyframeBytes = mbCount * 384;
	const wholeSeconds = Math.ceil(frameCount / fps);
	const keyframeSeconds = Math.max(1, Math.ceil((wholeSeconds * keyframeBytes) / IDR_BUDGET));
	const gopFrames = keyframeSeconds * fps;
	const log2MaxFrameNum = Math.min(16, Math.max(4, Math.ceil(Math.log2(gopFrames + 1))));

	/** @type {StreamSpec} */
	const spec = { width: shownWidth, height: shownHeight, mbWidth, mbHeight, fps, level: levelFor(mbWidth, mbHeight, fps), log2MaxFrameNum };
	const spsNal = sps(spec);
	const ppsNal = pps();

	const next = random(Number.isFinite(seed) ? Math.floor(seed) : 0);
	const look = [next(), next(), 3 + Math.floor(next() * 8), next() * Math.PI, 0.3 + next() * 0.4];
	// The bar lies in the last macroblock row that is entirely shown, 2 pixels above its bottom.
	const barTop = (Math.floor(shownHeight / 16) - 1) * 16 + 10;
	// The receipt keeps above the bar.
	const layout = receipt ? layoutCaption(shownWidth, barTop, receipt) : undefined;

	/** @type {Buffer[]} */
	const samples = [];
	/** @type {number[]} */
	const syncSamples = [];
	/** @type {Picture | undefined} */
	let picture;
	let filled = 0;
	let idrCount = 0;
	for (let frame = 0; frame < frameCount; frame++) {
		const target = Math.round(((frame + 1) / frameCount) * (shownWidth / 2)) * 2;
		const changed = new Uint8Array(mbCount);
		const idr = frame % gopFrames === 0;
		if (idr || !picture) {
			picture = background(spec, look, frame / gopFrames, barTop);
			if (layout) drawReceipt(picture, layout, shownWidth);
			filled = 0;
		}
		fillBar(picture, barTop, filled, target, changed, mbWidth);
		filled = Math.max(filled, target);
		const nal = slice(spec, picture, { idr, frameNum: (frame % gopFrames) % 2 ** log2MaxFrameNum, idrPicId: idrCount % 65536, changed });
		if (idr) {
			idrCount++;
			syncSamples.push(frame + 1);
		}
		const sampleBytes = Buffer.alloc(4 + nal.length);
		sampleBytes.writeUInt32BE(nal.length, 0);
		nal.copy(sampleBytes, 4);
		samples.push(sampleBytes);
	}

	// One chunk per keyframe interval.
	/** @type {number[]} */
	const chunkSampleCounts = [];
	for (let first = 0; first < frameCount; first += gopFrames) chunkSampleCounts.push(Math.min(gopFrames, frameCount - first));
	const ftyp = box('ftyp', Buffer.from('isom', 'latin1'), u32(0x200), Buffer.from('isomiso2avc1mp41', 'latin1'));
	const mdatPayload = samples.reduce((sum, s) => sum + s.length, 0);
	const movieDuration = Math.max(1, Math.round(seconds * MOVIE_TIMESCALE));
	const track = {
		spec,
		spsNal,
		ppsNal,
		sampleSizes: samples.map((s) => s.length),
		syncSamples,
		chunkSampleCounts,
		chunkOffsets: chunkSampleCounts.map(() => 0),
		mediaTimescale,
		mediaDuration,
		sampleDeltas,
		movieDuration,
	};
	// The moov's size does not depend on the offsets' values: build it once to learn where mdat starts.
	let offset = ftyp.length + moovBox(track).length + 8;
	let sampleIndex = 0;
	track.chunkOffsets = chunkSampleCounts.map((count) => {
		const chunkOffset = offset;
		for (let i = 0; i < count; i++) offset += samples[sampleIndex++].length;
		return chunkOffset;
	});
	const mdatHeader = u32(8 + mdatPayload);
	return Buffer.concat([ftyp, moovBox(track), mdatHeader, Buffer.from('mdat', 'latin1'), ...samples]);
}

module.exports = { renderVideo };
