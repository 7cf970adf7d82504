// @ts-check
'use strict';
/**
 * H.264 Constrained Baseline syntax for clips of I_PCM and P_Skip macroblocks: levels, the
 * parameter sets (SPS, PPS) and one slice per picture (the specification's section numbers in
 * the comments).
 */
const { BitWriter, nalUnit } = require('./bits');

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

module.exports = { PROFILE_BASELINE, CONSTRAINTS, MAX_FRAME_MBS, levelFor, sps, pps, slice };
