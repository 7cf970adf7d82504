/** Image sniffing: which format, and how large, from the first bytes. */

export interface ImageInfo {
	mimeType: string;
	extension: string;
	width?: number;
	height?: number;
}

function pngInfo(bytes: Buffer): ImageInfo {
	return {
		mimeType: 'image/png',
		extension: 'png',
		width: bytes.readUInt32BE(16),
		height: bytes.readUInt32BE(20),
	};
}

function jpegInfo(bytes: Buffer): ImageInfo {
	const info: ImageInfo = { mimeType: 'image/jpeg', extension: 'jpg' };
	let offset = 2;
	while (offset + 9 < bytes.length && bytes[offset] === 0xff) {
		const marker = bytes[offset + 1];
		const length = bytes.readUInt16BE(offset + 2);
		// SOF0…SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
		if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
			info.height = bytes.readUInt16BE(offset + 5);
			info.width = bytes.readUInt16BE(offset + 7);
			break;
		}
		offset += 2 + length;
	}
	return info;
}

function webpInfo(bytes: Buffer): ImageInfo {
	const info: ImageInfo = { mimeType: 'image/webp', extension: 'webp' };
	const chunk = bytes.toString('ascii', 12, 16);
	if (chunk === 'VP8X' && bytes.length >= 30) {
		info.width = 1 + bytes.readUIntLE(24, 3);
		info.height = 1 + bytes.readUIntLE(27, 3);
	} else if (chunk === 'VP8L' && bytes.length >= 25) {
		const bits = bytes.readUInt32LE(21);
		info.width = 1 + (bits & 0x3fff);
		info.height = 1 + ((bits >> 14) & 0x3fff);
	} else if (chunk === 'VP8 ' && bytes.length >= 30) {
		info.width = bytes.readUInt16LE(26) & 0x3fff;
		info.height = bytes.readUInt16LE(28) & 0x3fff;
	}
	return info;
}

/** Recognises PNG, JPEG, WebP and GIF by their first bytes; undefined for anything else. */
export function sniffImage(bytes: Buffer): ImageInfo | undefined {
	if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47) return pngInfo(bytes);
	if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
		return jpegInfo(bytes);
	if (
		bytes.length >= 16 &&
		bytes.toString('ascii', 0, 4) === 'RIFF' &&
		bytes.toString('ascii', 8, 12) === 'WEBP'
	) {
		return webpInfo(bytes);
	}
	if (bytes.length >= 10 && bytes.toString('ascii', 0, 4) === 'GIF8') {
		return {
			mimeType: 'image/gif',
			extension: 'gif',
			width: bytes.readUInt16LE(6),
			height: bytes.readUInt16LE(8),
		};
	}
	return undefined;
}
