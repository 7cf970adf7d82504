/**
 * MP4 (ISO BMFF) sniffing: is this an MP4 video, and how long and how large is it?
 *
 * Only the box headers on the way to what is read are looked at: the top-level boxes
 * (ftyp first, then moov wherever it is: before mdat in a faststart file, after it otherwise),
 * and in moov: mvhd (duration), mvex/mehd (fragmented files), and per trak: tkhd (size),
 * mdia/hdlr (is it video?) and mdia/minf/stbl/stsd (size, when tkhd has none).
 * Every read is bounds-checked, so truncated, corrupted or random bytes never throw.
 *
 * What counts as MP4: a first box `ftyp` with a printable major brand, whatever it is
 * (isom, iso2…iso9, mp41, mp42, avc1, dash, M4V, 3gp…), except brands of other things built on
 * ISO BMFF, which give undefined: QuickTime (`qt  `: a .mov is not labelled .mp4 here),
 * HEIF/AVIF still images and image sequences, audio-only M4A/M4B/M4P and Canon raw (crx).
 * A file whose moov is read and has tracks but no video track (audio-only) is not reported either.
 */

export interface VideoInfo {
	mimeType: 'video/mp4';
	extension: 'mp4';
	durationSeconds?: number;
	width?: number;
	height?: number;
}

/** Major brands of ISO BMFF files that are not MP4 videos. */
const NOT_VIDEO_BRANDS = new Set([
	'qt  ',
	'mif1',
	'msf1',
	'heic',
	'heix',
	'heim',
	'heis',
	'hevc',
	'hevx',
	'hevm',
	'hevs',
	'avif',
	'avis',
	'avio',
	'jpeg',
	'M4A ',
	'M4B ',
	'M4P ',
	'F4A ',
	'F4B ',
	'crx ',
]);

interface Box {
	type: string;
	/** Where the payload starts (after the header). */
	start: number;
	/** Where the box ends, as declared; may lie beyond the bytes available. */
	end: number;
}

const TWO_32 = 0x100000000;

function uint64(bytes: Buffer, offset: number): number {
	return bytes.readUInt32BE(offset) * TWO_32 + bytes.readUInt32BE(offset + 4);
}

function isPrintable(bytes: Buffer, offset: number, length: number): boolean {
	for (let i = offset; i < offset + length; i++) {
		if (bytes[i] < 0x20 || bytes[i] > 0x7e) return false;
	}
	return true;
}

/**
 * The boxes from `start` to `end` (a container's payload; `end` may lie beyond the buffer),
 * one by one, stopping at the first header that is cut off or impossible.
 */
function* boxes(bytes: Buffer, start: number, end: number): Generator<Box, void, undefined> {
	const limit = Math.min(end, bytes.length);
	let offset = start;
	while (offset + 8 <= limit) {
		const size32 = bytes.readUInt32BE(offset);
		const type = bytes.toString('latin1', offset + 4, offset + 8);
		let headerSize = 8;
		let size: number;
		if (size32 === 1) {
			if (offset + 16 > limit) return;
			size = uint64(bytes, offset + 8);
			headerSize = 16;
		} else if (size32 === 0) {
			size = end - offset; // to the end of the container (the file, at top level)
		} else {
			size = size32;
		}
		if (size < headerSize || !Number.isSafeInteger(size)) return;
		yield { type, start: offset + headerSize, end: offset + size };
		offset += size;
	}
}

/** The first box of `type` from `start` to `end`. */
function find(bytes: Buffer, start: number, end: number, type: string): Box | undefined {
	for (const box of boxes(bytes, start, end)) if (box.type === type) return box;
	return undefined;
}

function child(bytes: Buffer, parent: Box, type: string): Box | undefined {
	return find(bytes, parent.start, parent.end, type);
}

/** The readable end of a box: its declared end or the end of the buffer, whichever is first. */
function readableEnd(bytes: Buffer, box: Box): number {
	return Math.min(box.end, bytes.length);
}

/** mvhd: the movie's duration in seconds; undefined when unknown or cut off. */
function movieDuration(bytes: Buffer, moov: Box): number | undefined {
	const mvhd = child(bytes, moov, 'mvhd');
	if (!mvhd) return undefined;
	const end = readableEnd(bytes, mvhd);
	const boxVersion = mvhd.start < end ? bytes[mvhd.start] : -1;
	let timescale: number;
	let duration: number;
	if (boxVersion === 0 && mvhd.start + 20 <= end) {
		timescale = bytes.readUInt32BE(mvhd.start + 12);
		duration = bytes.readUInt32BE(mvhd.start + 16);
		if (duration === 0xffffffff) return undefined; // "unknown"
	} else if (boxVersion === 1 && mvhd.start + 32 <= end) {
		timescale = bytes.readUInt32BE(mvhd.start + 20);
		if (
			bytes.readUInt32BE(mvhd.start + 24) === 0xffffffff &&
			bytes.readUInt32BE(mvhd.start + 28) === 0xffffffff
		)
			return undefined;
		duration = uint64(bytes, mvhd.start + 24);
	} else {
		return undefined;
	}
	if (timescale === 0) return undefined;
	if (duration === 0) {
		// A fragmented file may give its whole duration in mvex/mehd (same timescale).
		const mvex = child(bytes, moov, 'mvex');
		const mehd = mvex && child(bytes, mvex, 'mehd');
		if (mehd) {
			const mehdEnd = readableEnd(bytes, mehd);
			if (mehd.start + 8 <= mehdEnd && bytes[mehd.start] === 0)
				duration = bytes.readUInt32BE(mehd.start + 4);
			else if (mehd.start + 12 <= mehdEnd && bytes[mehd.start] === 1)
				duration = uint64(bytes, mehd.start + 4);
		}
		if (duration === 0) return undefined;
	}
	return duration / timescale;
}

interface TrackInfo {
	handler?: string;
	width?: number;
	height?: number;
}

/** tkhd's size (16.16 fixed point), swapped when the matrix turns the picture a quarter turn. */
function trackHeaderSize(bytes: Buffer, tkhd: Box): { width: number; height: number } | undefined {
	const end = readableEnd(bytes, tkhd);
	if (tkhd.start >= end) return undefined;
	const boxVersion = bytes[tkhd.start];
	// version/flags 4, times, track_ID, reserved and duration (20 bytes in v0, 32 in v1),
	// reserved 8, layer…volume 8, then the matrix (36) and the size.
	const matrix = tkhd.start + 4 + (boxVersion === 1 ? 32 : 20) + 16;
	const size = matrix + 36;
	if ((boxVersion !== 0 && boxVersion !== 1) || size + 8 > end) return undefined;
	let width = Math.round(bytes.readUInt32BE(size) / 0x10000);
	let height = Math.round(bytes.readUInt32BE(size + 4) / 0x10000);
	// Matrix {a b u; c d v; x y w}: a quarter turn has a = d = 0 and b, c = ±1.
	const [a, b] = [bytes.readInt32BE(matrix), bytes.readInt32BE(matrix + 4)];
	if (a === 0 && Math.abs(b) === 0x10000) [width, height] = [height, width];
	return { width, height };
}

/** The first visual sample entry's size, from stsd. */
function sampleEntrySize(bytes: Buffer, mdia: Box): { width: number; height: number } | undefined {
	const minf = child(bytes, mdia, 'minf');
	const stbl = minf && child(bytes, minf, 'stbl');
	const stsd = stbl && child(bytes, stbl, 'stsd');
	if (!stsd) return undefined;
	// stsd: version/flags, entry_count, then sample entries (boxes); a visual entry has its
	// width and height 24 bytes into its payload.
	const entry = boxes(bytes, stsd.start + 8, stsd.end).next().value;
	if (!entry || entry.start + 28 > readableEnd(bytes, entry)) return undefined;
	return {
		width: bytes.readUInt16BE(entry.start + 24),
		height: bytes.readUInt16BE(entry.start + 26),
	};
}

function trackInfo(bytes: Buffer, trak: Box): TrackInfo {
	const info: TrackInfo = {};
	const mdia = child(bytes, trak, 'mdia');
	const hdlr = mdia && child(bytes, mdia, 'hdlr');
	// hdlr: version/flags, pre_defined, handler_type.
	if (hdlr && hdlr.start + 12 <= readableEnd(bytes, hdlr))
		info.handler = bytes.toString('latin1', hdlr.start + 8, hdlr.start + 12);
	const tkhd = child(bytes, trak, 'tkhd');
	let size = tkhd && trackHeaderSize(bytes, tkhd);
	if ((!size || !size.width || !size.height) && mdia && info.handler === 'vide')
		size = sampleEntrySize(bytes, mdia) ?? size;
	if (size && size.width > 0 && size.height > 0) {
		info.width = size.width;
		info.height = size.height;
	}
	return info;
}

/**
 * Recognises an MP4/ISO-BMFF file by its `ftyp` box; reads duration (mvhd) and the first video
 * track's size (tkhd) when the moov box is within `bytes`. undefined when not an MP4.
 * Never throws: truncated or corrupted input gives what could be read, or undefined.
 */
export function sniffMp4(bytes: Buffer): VideoInfo | undefined {
	if (bytes.length < 12 || bytes.toString('latin1', 4, 8) !== 'ftyp') return undefined;
	const ftypSize = bytes.readUInt32BE(0);
	// ftyp: major brand, minor version, compatible brands (4 bytes each).
	if (ftypSize < 16 || ftypSize > 4096 || ftypSize % 4 !== 0) return undefined;
	if (!isPrintable(bytes, 8, 4)) return undefined;
	const majorBrand = bytes.toString('latin1', 8, 12);
	if (NOT_VIDEO_BRANDS.has(majorBrand)) return undefined;

	const info: VideoInfo = { mimeType: 'video/mp4', extension: 'mp4' };
	const moov = find(bytes, 0, bytes.length, 'moov');
	if (!moov) return info;
	const durationSeconds = movieDuration(bytes, moov);
	if (durationSeconds !== undefined) info.durationSeconds = durationSeconds;
	const tracks: TrackInfo[] = [];
	for (const box of boxes(bytes, moov.start, moov.end))
		if (box.type === 'trak') tracks.push(trackInfo(bytes, box));
	// A whole moov whose tracks all have a known handler, none of them video: audio only.
	const complete = moov.end <= bytes.length;
	if (
		complete &&
		tracks.length > 0 &&
		tracks.every((track) => track.handler !== undefined && track.handler !== 'vide')
	) {
		return undefined;
	}
	const video =
		tracks.find((track) => track.handler === 'vide') ??
		tracks.find((track) => track.handler === undefined);
	if (video?.width !== undefined && video.height !== undefined) {
		info.width = video.width;
		info.height = video.height;
	}
	return info;
}
