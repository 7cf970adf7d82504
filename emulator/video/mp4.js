// @ts-check
'use strict';
/** The MP4 (ISO BMFF) boxes of a one-track H.264 clip: ftyp's parts and a moov for progressive playback. */
const { PROFILE_BASELINE, CONSTRAINTS } = require('./h264');

/** @typedef {import('./h264').StreamSpec} StreamSpec */

/** Movie (mvhd, tkhd) timescale: milliseconds. */
const MOVIE_TIMESCALE = 1000;

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
 * What the moov describes: one video track and its samples.
 * @typedef {{ spec: StreamSpec, spsNal: Buffer, ppsNal: Buffer, sampleSizes: number[], syncSamples: number[],
 *   chunkSampleCounts: number[], chunkOffsets: number[], mediaTimescale: number, mediaDuration: number,
 *   sampleDeltas: number[], movieDuration: number }} Track
 */

/** The movie header, the track header and its media, with the sample table. @param {Track} track */
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

	const stbl = sampleTable(track);
	const minf = box('minf', vmhd, dinf, stbl);
	const trak = box('trak', tkhd, box('mdia', mdhd, hdlr, minf));
	return box('moov', mvhd, trak);
}
/**
 * The sample table: the sample description (avc1 with its avcC), times, keyframes, chunks, sizes
 * and offsets.
 * @param {Track} track
 */
function sampleTable(track) {
	const { spec } = track;
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
	return box(
		'stbl',
		stsd,
		fullBox('stts', 0, 0, u32(stts.length / 2, ...stts)),
		fullBox('stss', 0, 0, u32(track.syncSamples.length, ...track.syncSamples)),
		fullBox('stsc', 0, 0, u32(stsc.length / 3, ...stsc)),
		fullBox('stsz', 0, 0, u32(0, track.sampleSizes.length, ...track.sampleSizes)),
		fullBox('stco', 0, 0, u32(track.chunkOffsets.length, ...track.chunkOffsets)),
	);
}

module.exports = { MOVIE_TIMESCALE, box, u32, moovBox };
