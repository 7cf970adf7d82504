/**
 * sniffMp4 against real clips from the emulator's H.264 writer, the same clips laid out
 * differently (moov after mdat, 64-bit mdat, cut short), hand-built boxes for what the writer
 * does not produce (version 1 headers, rotation, fragments, other brands) and non-MP4 bytes.
 */
import { renderVideo } from '../../../../emulator/video';
import { renderImage } from '../../../../emulator/images';
import { random } from '../../../../emulator/random';
import { sniffMp4 } from '../../../../nodes/Flux/media/mp4';

// ---------------------------------------------------------------------------------------------
// Box helpers (test-side, independent of the code under test)

function box(type: string, ...parts: Buffer[]): Buffer {
	const header = Buffer.alloc(8);
	header.writeUInt32BE(8 + parts.reduce((sum, part) => sum + part.length, 0), 0);
	header.write(type, 4, 'latin1');
	return Buffer.concat([header, ...parts]);
}

function fullBox(type: string, version: number, flags: number, ...parts: Buffer[]): Buffer {
	const head = Buffer.alloc(4);
	head.writeUInt32BE((version << 24) | flags, 0);
	return box(type, head, ...parts);
}

function u32(...words: number[]): Buffer {
	const out = Buffer.alloc(words.length * 4);
	words.forEach((word, i) => out.writeUInt32BE(word >>> 0, i * 4));
	return out;
}

function u64(value: number): Buffer {
	return u32(Math.floor(value / 0x100000000), value % 0x100000000);
}

const IDENTITY = u32(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);
const QUARTER_TURN = u32(0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000);

function ftyp(major: string, ...compatible: string[]): Buffer {
	return box(
		'ftyp',
		Buffer.from(major, 'latin1'),
		u32(0),
		Buffer.from(compatible.join(''), 'latin1'),
	);
}

function mvhd(version: 0 | 1, timescale: number, duration: number): Buffer {
	const times =
		version === 1
			? Buffer.concat([u64(0), u64(0), u32(timescale), u64(duration)])
			: u32(0, 0, timescale, duration);
	return fullBox(
		'mvhd',
		version,
		0,
		times,
		u32(0x10000),
		Buffer.from([1, 0, 0, 0]),
		u32(0, 0),
		IDENTITY,
		Buffer.alloc(24),
		u32(2),
	);
}

function tkhd(version: 0 | 1, width: number, height: number, matrix = IDENTITY): Buffer {
	const times =
		version === 1 ? Buffer.concat([u64(0), u64(0), u32(1, 0), u64(0)]) : u32(0, 0, 1, 0, 0);
	return fullBox(
		'tkhd',
		version,
		3,
		times,
		u32(0, 0),
		u32(0, 0),
		matrix,
		u32(width * 0x10000, height * 0x10000),
	);
}

function hdlr(handler: string): Buffer {
	return fullBox(
		'hdlr',
		0,
		0,
		u32(0),
		Buffer.from(handler, 'latin1'),
		u32(0, 0, 0),
		Buffer.from('\0'),
	);
}

/** A visual sample entry of the given size in stsd (what tkhd falls back on). */
function stsdBox(width: number, height: number): Buffer {
	const entry = Buffer.alloc(78);
	entry.writeUInt16BE(1, 6);
	entry.writeUInt16BE(width, 24);
	entry.writeUInt16BE(height, 26);
	return fullBox('stsd', 0, 0, u32(1), box('avc1', entry));
}

function trak(handler: string, header: Buffer, stsd?: Buffer): Buffer {
	const minf = stsd ? [box('minf', box('stbl', stsd))] : [];
	return box(
		'trak',
		header,
		box('mdia', fullBox('mdhd', 0, 0, u32(0, 0, 1000, 0), u32(0)), hdlr(handler), ...minf),
	);
}

/** The top-level boxes of a file, as [type, bytes] (32-bit sizes only, like the writer's). */
function topLevel(file: Buffer): Array<[string, Buffer]> {
	const found: Array<[string, Buffer]> = [];
	for (let offset = 0; offset < file.length; ) {
		const size = file.readUInt32BE(offset);
		found.push([
			file.toString('latin1', offset + 4, offset + 8),
			file.subarray(offset, offset + size),
		]);
		offset += size;
	}
	return found;
}

function boxOf(file: Buffer, type: string): Buffer {
	const found = topLevel(file).find(([name]) => name === type);
	if (!found) throw new Error(`no ${type} box`);
	return found[1];
}

// ---------------------------------------------------------------------------------------------

describe('sniffMp4 on clips from the emulator', () => {
	const clips = [
		{ width: 320, height: 176, seconds: 5, seed: 1 },
		{ width: 160, height: 96, seconds: 1, seed: 2 },
		{ width: 250, height: 130, seconds: 20, seed: 3 }, // cropped: not a multiple of 16
		{ width: 48, height: 32, seconds: 2.5, fps: 30, seed: 4 },
		{ width: 64, height: 16, seconds: 1.3, seed: 5 }, // last frame shorter than the others
	];

	it.each(clips)('reads $width×$height, $seconds s', (clip) => {
		const file = renderVideo(clip);
		expect(sniffMp4(file)).toEqual({
			mimeType: 'video/mp4',
			extension: 'mp4',
			durationSeconds: clip.seconds,
			width: clip.width,
			height: clip.height,
		});
	});

	it('rounds odd sizes up to even, and the file says so', () => {
		expect(sniffMp4(renderVideo({ width: 33, height: 17, seconds: 1, seed: 1 }))).toMatchObject({
			width: 34,
			height: 18,
		});
	});

	it('writes a faststart file: ftyp, moov, mdat', () => {
		const file = renderVideo({ width: 160, height: 96, seconds: 2, seed: 1 });
		expect(topLevel(file).map(([type]) => type)).toEqual(['ftyp', 'moov', 'mdat']);
	});

	it('gives different bytes for different seeds and the same bytes for the same seed', () => {
		const a = renderVideo({ width: 160, height: 96, seconds: 1, seed: 1 });
		expect(renderVideo({ width: 160, height: 96, seconds: 1, seed: 1 }).equals(a)).toBe(true);
		expect(
			boxOf(renderVideo({ width: 160, height: 96, seconds: 1, seed: 2 }), 'mdat').equals(
				boxOf(a, 'mdat'),
			),
		).toBe(false);
	});

	it('keeps a 5 s 320×176 clip well under 1 MB', () => {
		expect(renderVideo({ width: 320, height: 176, seconds: 5, seed: 9 }).length).toBeLessThan(
			600 * 1024,
		);
	});

	it('refuses impossible arguments', () => {
		expect(() => renderVideo({ width: 0, height: 96, seconds: 1 })).toThrow(RangeError);
		expect(() => renderVideo({ width: 160, height: 96, seconds: 0 })).toThrow(RangeError);
		expect(() => renderVideo({ width: 160, height: 96, seconds: 1, fps: 23.976 })).toThrow(
			RangeError,
		);
	});
});

describe('sniffMp4 on other layouts', () => {
	const clip = { width: 320, height: 176, seconds: 5, seed: 7 };
	const file = renderVideo(clip);
	const full = {
		mimeType: 'video/mp4',
		extension: 'mp4',
		durationSeconds: 5,
		width: 320,
		height: 176,
	};

	it('finds moov after mdat', () => {
		const moovLast = Buffer.concat([boxOf(file, 'ftyp'), boxOf(file, 'mdat'), boxOf(file, 'moov')]);
		expect(sniffMp4(moovLast)).toEqual(full);
	});

	it('steps over an mdat with a 64-bit size (largesize) and over free boxes', () => {
		const mdat = boxOf(file, 'mdat');
		const header = Buffer.concat([u32(1), Buffer.from('mdat'), u64(16 + mdat.length - 8)]);
		const large = Buffer.concat([
			boxOf(file, 'ftyp'),
			box('free', Buffer.alloc(100)),
			header,
			mdat.subarray(8),
			boxOf(file, 'moov'),
		]);
		expect(sniffMp4(large)).toEqual(full);
	});

	it('reads a moov with a 64-bit size header', () => {
		const moov = boxOf(file, 'moov');
		const header = Buffer.concat([u32(1), Buffer.from('moov'), u64(moov.length + 8)]);
		expect(
			sniffMp4(Buffer.concat([boxOf(file, 'ftyp'), header, moov.subarray(8), boxOf(file, 'mdat')])),
		).toEqual(full);
	});

	it('reads a last moov whose size is 0 (to the end of the file)', () => {
		const moov = Buffer.from(boxOf(file, 'moov'));
		moov.writeUInt32BE(0, 0);
		expect(sniffMp4(Buffer.concat([boxOf(file, 'ftyp'), boxOf(file, 'mdat'), moov]))).toEqual(full);
	});

	it('gets everything from the first 4 KB of a faststart file', () => {
		expect(boxOf(file, 'moov').length + boxOf(file, 'ftyp').length).toBeLessThan(4096);
		expect(sniffMp4(file.subarray(0, 4096))).toEqual(full);
	});

	it('still gets the duration when the moov is cut off just after the duration field', () => {
		// mvhd v0 payload: version/flags, creation, modification, timescale, duration (bytes 16..20).
		const mvhdPayload = boxOf(file, 'ftyp').length + 8 + 8;
		expect(sniffMp4(file.subarray(0, mvhdPayload + 20))).toEqual({
			mimeType: 'video/mp4',
			extension: 'mp4',
			durationSeconds: 5,
		});
		expect(sniffMp4(file.subarray(0, mvhdPayload + 19))).toEqual({
			mimeType: 'video/mp4',
			extension: 'mp4',
		});
	});

	it('recognises the file but reads nothing when moov comes after an mdat that was cut off', () => {
		const moovLast = Buffer.concat([boxOf(file, 'ftyp'), boxOf(file, 'mdat'), boxOf(file, 'moov')]);
		expect(sniffMp4(moovLast.subarray(0, 4096))).toEqual({
			mimeType: 'video/mp4',
			extension: 'mp4',
		});
	});
});

describe('sniffMp4 on hand-built files', () => {
	const movie = (...parts: Buffer[]) => box('moov', ...parts);

	it('reads version 1 mvhd and tkhd (64-bit times)', () => {
		const file = Buffer.concat([
			ftyp('mp42', 'isom', 'mp42'),
			movie(mvhd(1, 90000, 90000 * 3600 * 30), trak('vide', tkhd(1, 1920, 1080))),
		]);
		expect(sniffMp4(file)).toEqual({
			mimeType: 'video/mp4',
			extension: 'mp4',
			durationSeconds: 108000,
			width: 1920,
			height: 1080,
		});
	});

	it('reads a 64-bit duration above 2^32', () => {
		const file = Buffer.concat([ftyp('isom'), movie(mvhd(1, 1000, 2 ** 33))]);
		expect(sniffMp4(file)?.durationSeconds).toBe(2 ** 33 / 1000);
	});

	it('swaps the size of a track turned a quarter turn (portrait phone video)', () => {
		const file = Buffer.concat([
			ftyp('mp42'),
			movie(mvhd(0, 600, 600), trak('vide', tkhd(0, 1920, 1080, QUARTER_TURN))),
		]);
		expect(sniffMp4(file)).toMatchObject({ width: 1080, height: 1920 });
	});

	it('takes the size of the first video track, after an audio track', () => {
		const file = Buffer.concat([
			ftyp('M4V ', 'M4V ', 'mp42'),
			movie(
				mvhd(0, 1000, 2500),
				trak('soun', tkhd(0, 0, 0)),
				trak('vide', tkhd(0, 640, 360)),
				trak('vide', tkhd(0, 100, 100)),
			),
		]);
		expect(sniffMp4(file)).toEqual({
			mimeType: 'video/mp4',
			extension: 'mp4',
			durationSeconds: 2.5,
			width: 640,
			height: 360,
		});
	});

	it('falls back on the sample entry when tkhd has no size', () => {
		const file = Buffer.concat([
			ftyp('iso5', 'iso5', 'dash'),
			movie(mvhd(0, 1000, 1000), trak('vide', tkhd(0, 0, 0), stsdBox(720, 480))),
		]);
		expect(sniffMp4(file)).toMatchObject({ width: 720, height: 480 });
	});

	it('takes the duration of a fragmented file from mvex/mehd', () => {
		const mvex = box('mvex', fullBox('mehd', 1, 0, u64(48000 * 12)));
		const file = Buffer.concat([
			ftyp('dash', 'iso6', 'avc1'),
			movie(mvhd(0, 48000, 0), trak('vide', tkhd(0, 1280, 720)), mvex),
		]);
		expect(sniffMp4(file)).toMatchObject({ durationSeconds: 12, width: 1280, height: 720 });
	});

	it('leaves out an unknown or zero duration and a zero timescale', () => {
		for (const header of [mvhd(0, 1000, 0xffffffff), mvhd(0, 1000, 0), mvhd(0, 0, 1000)]) {
			expect(sniffMp4(Buffer.concat([ftyp('isom'), movie(header)]))).toEqual({
				mimeType: 'video/mp4',
				extension: 'mp4',
			});
		}
	});

	it.each(['isom', 'iso2', 'mp41', 'mp42', 'avc1', 'iso5', 'dash', 'M4V ', '3gp5', 'XAVC'])(
		'accepts the brand %p',
		(brand) => {
			expect(sniffMp4(Buffer.concat([ftyp(brand, 'isom'), box('mdat')]))?.mimeType).toBe(
				'video/mp4',
			);
		},
	);

	it.each(['qt  ', 'heic', 'mif1', 'avif', 'M4A '])(
		'does not take the brand %p for an MP4 video',
		(brand) => {
			expect(sniffMp4(Buffer.concat([ftyp(brand, 'isom'), box('mdat')]))).toBeUndefined();
		},
	);

	it('does not report an audio-only file, but does when its moov is cut off', () => {
		const file = Buffer.concat([
			ftyp('mp42', 'isom'),
			movie(mvhd(0, 44100, 44100), trak('soun', tkhd(0, 0, 0))),
		]);
		expect(sniffMp4(file)).toBeUndefined();
		expect(sniffMp4(file.subarray(0, file.length - 4))).toEqual({
			mimeType: 'video/mp4',
			extension: 'mp4',
			durationSeconds: 1,
		});
	});
});

describe('sniffMp4 on what is not an MP4', () => {
	it('gives undefined for PNG, JPEG, WebP and GIF', async () => {
		for (const format of ['png', 'jpeg', 'webp'] as const) {
			expect(
				sniffMp4(await renderImage({ width: 64, height: 48, format, seed: 1 })),
			).toBeUndefined();
		}
		expect(sniffMp4(Buffer.from('GIF89a\x10\x00\x10\x00\x00\x00\x00', 'latin1'))).toBeUndefined();
	});

	it('gives undefined for empty, short and random bytes', () => {
		expect(sniffMp4(Buffer.alloc(0))).toBeUndefined();
		expect(sniffMp4(Buffer.from('ftyp'))).toBeUndefined();
		expect(sniffMp4(Buffer.from('\0\0\0\x18ftyp'))).toBeUndefined(); // no brand
		expect(sniffMp4(Buffer.alloc(4096))).toBeUndefined();
		const next = random(42);
		for (let i = 0; i < 200; i++) {
			const bytes = Buffer.from(
				Array.from({ length: Math.floor(next() * 300) }, () => Math.floor(next() * 256)),
			);
			expect(sniffMp4(bytes)).toBeUndefined();
		}
	});

	it('gives undefined for an ftyp box of impossible size or with an unprintable brand', () => {
		const good = ftyp('isom', 'isom');
		const huge = Buffer.from(good);
		huge.writeUInt32BE(0x7fffffff, 0);
		const tiny = Buffer.from(good);
		tiny.writeUInt32BE(8, 0);
		const binary = Buffer.from(good);
		binary[8] = 0x01;
		expect(sniffMp4(good)).toBeDefined();
		for (const bad of [huge, tiny, binary]) expect(sniffMp4(bad)).toBeUndefined();
	});
});

describe('sniffMp4 never throws', () => {
	const file = renderVideo({ width: 160, height: 96, seconds: 2, seed: 3 });
	const moovLast = Buffer.concat([boxOf(file, 'ftyp'), boxOf(file, 'mdat'), boxOf(file, 'moov')]);

	it('on every prefix of a file, and reads all once the moov is in', () => {
		const moovEnd = boxOf(file, 'ftyp').length + boxOf(file, 'moov').length;
		for (let length = 0; length <= file.length; length += length < moovEnd + 64 ? 1 : 977) {
			const info = sniffMp4(file.subarray(0, length));
			if (length >= moovEnd)
				expect(info).toEqual({
					mimeType: 'video/mp4',
					extension: 'mp4',
					durationSeconds: 2,
					width: 160,
					height: 96,
				});
			else expect(info?.mimeType).toBe(length >= 12 ? 'video/mp4' : undefined);
		}
		for (let length = 0; length <= moovLast.length; length += 251)
			expect(() => sniffMp4(moovLast.subarray(0, length))).not.toThrow();
	});

	it('on 64-bit box headers that are cut off or impossible', () => {
		const head = Buffer.concat([
			boxOf(file, 'ftyp'),
			u32(1),
			Buffer.from('mdat'),
			u64(24),
			Buffer.alloc(8),
		]);
		for (let length = 0; length <= head.length; length++) {
			expect(sniffMp4(head.subarray(0, length))?.mimeType).toBe(
				length >= 12 ? 'video/mp4' : undefined,
			);
		}
		for (const size of [0, 1, 15, 2 ** 60]) {
			const bad = Buffer.concat([
				boxOf(file, 'ftyp'),
				u32(1),
				Buffer.from('free'),
				u64(size),
				boxOf(file, 'moov'),
			]);
			expect(sniffMp4(bad)).toEqual({ mimeType: 'video/mp4', extension: 'mp4' });
		}
	});

	it('on corrupted files', () => {
		const next = random(7);
		for (let round = 0; round < 3000; round++) {
			const source = round % 2 ? file : moovLast;
			const bytes = Buffer.from(
				source.subarray(0, 8 + Math.floor(next() * Math.min(source.length, 6000))),
			);
			for (let flips = 1 + Math.floor(next() * 8); flips > 0; flips--) {
				// Mostly in the box headers near the start, where it matters.
				const at = Math.floor(next() ** 3 * bytes.length);
				bytes[at] = next() < 0.3 ? [0, 1, 0xff][Math.floor(next() * 3)] : Math.floor(next() * 256);
			}
			let info: ReturnType<typeof sniffMp4>;
			expect(() => (info = sniffMp4(bytes))).not.toThrow();
			if (info) expect(info.mimeType).toBe('video/mp4');
		}
	});
});
