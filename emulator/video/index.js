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
/** Media (mdhd) ticks per frame; the media timescale is fps × this. */
const TICKS_PER_FRAME = 1000;

const { random } = require('../random');
const { layoutCaption } = require('../caption');
const { MAX_FRAME_MBS, levelFor, sps, pps, slice } = require('./h264');
const { MOVIE_TIMESCALE, box, u32, moovBox } = require('./mp4');
const { background, drawReceipt, fillBar } = require('./picture');

/** @typedef {import('./h264').StreamSpec} StreamSpec */
/** @typedef {import('./h264').Picture} Picture */

/** @param {string} name @param {unknown} value @param {number} min @param {number} max */
function checkNumber(name, value, min, max) {
	if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
		throw new RangeError(`renderVideo: ${name} must be a number from ${min} to ${max}, got ${String(value)}`);
	}
}

/**
 * Renders a playable MP4 (H.264 Constrained Baseline, no audio) of exactly `seconds` seconds.
 * Odd sizes are rounded up to even; the same arguments always give the same bytes.
 * @param {{ width: number, height: number, seconds: number, fps?: number, seed?: number, receipt?: import('../caption').Receipt }} options
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
	const clip = planClip(width, height, seconds, fps);
	return mux(clip, encodeFrames(clip, seed, receipt));
}

/**
 * A clip's stream parameters and timing: its coded size, frame count, keyframe interval.
 * @typedef {{ spec: StreamSpec, seconds: number, mbCount: number, frameCount: number, gopFrames: number,
 *   mediaTimescale: number, mediaDuration: number, sampleDeltas: number[] }} Clip
 */

/** @param {number} width @param {number} height @param {number} seconds @param {number} fps @returns {Clip} */
function planClip(width, height, seconds, fps) {
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
	return { spec, seconds, mbCount, frameCount, gopFrames, mediaTimescale, mediaDuration, sampleDeltas };
}

/**
 * Every frame as a length-prefixed NAL unit, and which are keyframes (1-based).
 * @param {Clip} clip @param {number} seed @param {import('../caption').Receipt | undefined} receipt
 * @returns {{ samples: Buffer[], syncSamples: number[] }}
 */
function encodeFrames(clip, seed, receipt) {
	const { spec, frameCount, gopFrames } = clip;
	const next = random(Number.isFinite(seed) ? Math.floor(seed) : 0);
	const look = [next(), next(), 3 + Math.floor(next() * 8), next() * Math.PI, 0.3 + next() * 0.4];
	// The bar lies in the last macroblock row that is entirely shown, 2 pixels above its bottom.
	const barTop = (Math.floor(spec.height / 16) - 1) * 16 + 10;
	// The receipt keeps above the bar.
	const layout = receipt ? layoutCaption(spec.width, barTop, receipt) : undefined;
	/** @type {Buffer[]} */
	const samples = [];
	/** @type {number[]} */
	const syncSamples = [];
	/** @type {Picture | undefined} */
	let picture;
	let filled = 0;
	for (let frame = 0; frame < frameCount; frame++) {
		const target = Math.round(((frame + 1) / frameCount) * (spec.width / 2)) * 2;
		const changed = new Uint8Array(clip.mbCount);
		const idr = frame % gopFrames === 0;
		if (idr || !picture) {
			picture = background(spec, look, frame / gopFrames, barTop);
			if (layout) drawReceipt(picture, layout, spec.width);
			filled = 0;
		}
		fillBar(picture, barTop, filled, target, changed, spec.mbWidth);
		filled = Math.max(filled, target);
		const frameNum = (frame % gopFrames) % 2 ** spec.log2MaxFrameNum;
		const nal = slice(spec, picture, { idr, frameNum, idrPicId: syncSamples.length % 65536, changed });
		if (idr) syncSamples.push(frame + 1);
		const sampleBytes = Buffer.alloc(4 + nal.length);
		sampleBytes.writeUInt32BE(nal.length, 0);
		nal.copy(sampleBytes, 4);
		samples.push(sampleBytes);
	}
	return { samples, syncSamples };
}

/**
 * The file: ftyp, moov, then the samples in one mdat, one chunk per keyframe interval.
 * @param {Clip} clip @param {{ samples: Buffer[], syncSamples: number[] }} frames
 */
function mux(clip, { samples, syncSamples }) {
	/** @type {number[]} */
	const chunkSampleCounts = [];
	for (let first = 0; first < clip.frameCount; first += clip.gopFrames) chunkSampleCounts.push(Math.min(clip.gopFrames, clip.frameCount - first));
	const ftyp = box('ftyp', Buffer.from('isom', 'latin1'), u32(0x200), Buffer.from('isomiso2avc1mp41', 'latin1'));
	const mdatPayload = samples.reduce((sum, s) => sum + s.length, 0);
	const track = {
		spec: clip.spec,
		spsNal: sps(clip.spec),
		ppsNal: pps(),
		sampleSizes: samples.map((s) => s.length),
		syncSamples,
		chunkSampleCounts,
		chunkOffsets: chunkSampleCounts.map(() => 0),
		mediaTimescale: clip.mediaTimescale,
		mediaDuration: clip.mediaDuration,
		sampleDeltas: clip.sampleDeltas,
		movieDuration: Math.max(1, Math.round(clip.seconds * MOVIE_TIMESCALE)),
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
