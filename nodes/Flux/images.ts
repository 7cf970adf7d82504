import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { displayNameOf } from './fields';
import { parameterName, type ModelSpec } from './models';

/** Images in (binary property, URL or data URL → what BFL accepts) and image sniffing. */

export interface ImageInfo {
	mimeType: string;
	extension: string;
	width?: number;
	height?: number;
}

function pngInfo(bytes: Buffer): ImageInfo {
	return { mimeType: 'image/png', extension: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
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
	if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return jpegInfo(bytes);
	if (bytes.length >= 16 && bytes.toString('ascii', 0, 4) === 'RIFF' && bytes.toString('ascii', 8, 12) === 'WEBP') {
		return webpInfo(bytes);
	}
	if (bytes.length >= 10 && bytes.toString('ascii', 0, 4) === 'GIF8') {
		return { mimeType: 'image/gif', extension: 'gif', width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
	}
	return undefined;
}

const DATA_URL = /^data:[^;,]*;base64,/i;
const HTTP_URL = /^https?:\/\//i;

/**
 * Replaces each image field of the body with raw base64 (no data: prefix) or, where the model
 * takes URLs, the URL itself. Fails naming the field when the image is missing or not an image.
 */
export async function resolveImages(
	context: IExecuteFunctions,
	itemIndex: number,
	model: ModelSpec,
	body: Record<string, unknown>,
	imageFields: string[],
): Promise<void> {
	const item = context.getInputData()[itemIndex];
	for (const api of imageFields) {
		const field = model.fields.find((candidate) => candidate.api === api);
		if (!field || field.kind !== 'image') continue;
		const label = `${displayNameOf(field)} (${parameterName(api)})`;
		const fail = (message: string, description?: string) =>
			new NodeOperationError(context.getNode(), `${label}: ${message}`, { itemIndex, description });
		const value = String(body[api]);

		if (HTTP_URL.test(value)) {
			if (field.acceptsUrl) continue;
			// BFL documents only base64 here, so fetch the image (without the BFL key) and encode it.
			let bytes: Buffer;
			try {
				const response = (await context.helpers.httpRequest({
					method: 'GET',
					url: value,
					encoding: 'arraybuffer',
					json: false,
				})) as ArrayBuffer | Buffer;
				bytes = Buffer.from(response as ArrayBuffer);
			} catch (error) {
				throw fail(`could not download ${value}: ${(error as Error).message}`);
			}
			if (!sniffImage(bytes)) throw fail(`${value} is not a PNG, JPEG, WebP or GIF image`);
			body[api] = bytes.toString('base64');
			continue;
		}

		if (DATA_URL.test(value)) {
			const base64 = value.replace(DATA_URL, '');
			if (!sniffImage(Buffer.from(base64.slice(0, 64), 'base64'))) throw fail('the data URL does not hold an image');
			body[api] = base64;
			continue;
		}

		const binary = item.binary?.[value];
		if (!binary) {
			const available = Object.keys(item.binary ?? {});
			throw fail(
				`the input item has no binary property "${value}"`,
				available.length
					? `Binary properties on this item: ${available.join(', ')}. Or enter an http(s) URL.`
					: 'The input item carries no binary data. Connect a node that outputs a file (e.g. Read/Write Files, Google Drive, HTTP Request) or enter an http(s) URL.',
			);
		}
		const bytes = await context.helpers.getBinaryDataBuffer(itemIndex, value);
		if (!sniffImage(bytes)) {
			throw fail(`binary property "${value}" is not a PNG, JPEG, WebP or GIF image (${binary.mimeType || 'unknown type'})`);
		}
		body[api] = bytes.toString('base64');
	}
}
