import type { IBinaryData, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { sniffImage, type ImageInfo } from './images';
import { sniffMp4, type VideoInfo } from './mp4';

/** Binary data in n8n's store: what a file is (from its first bytes), and its name and type fixed from them. */

export type Sniffed = (ImageInfo | VideoInfo) & { durationSeconds?: number };

const HEAD_BYTES = 64 * 1024;

export function sniffMedia(bytes: Buffer): Sniffed | undefined {
	return sniffImage(bytes) ?? sniffMp4(bytes);
}

/** The first bytes of stored binary data, enough to recognise the file and read its size. */
export async function binaryHead(
	context: { helpers: Pick<IExecuteFunctions['helpers'], 'getBinaryStream'> },
	binary: IBinaryData,
	length = HEAD_BYTES,
): Promise<Buffer> {
	if (binary.id) {
		const stream = await context.helpers.getBinaryStream(binary.id, length);
		for await (const chunk of stream) {
			stream.destroy();
			return Buffer.from(chunk as Buffer);
		}
		return Buffer.alloc(0);
	}
	return Buffer.from((binary.data ?? '').slice(0, Math.ceil((length * 4) / 3)), 'base64');
}

/** Fixes the binary's name and type from its bytes (the delivery host's Content-Type may be off). */
export function describeDownload(
	binary: IBinaryData,
	head: Buffer,
	fileBaseName: string,
): IDataObject | undefined {
	const info = sniffMedia(head);
	if (!info) return undefined;
	if (info.mimeType !== binary.mimeType || !binary.fileName?.endsWith(`.${info.extension}`)) {
		binary.mimeType = info.mimeType;
		binary.fileExtension = info.extension;
		binary.fileName = `${fileBaseName}.${info.extension}`;
	}
	return {
		...(info.width ? { width: info.width } : {}),
		...(info.height ? { height: info.height } : {}),
		...('durationSeconds' in info && info.durationSeconds !== undefined
			? { videoSeconds: Math.round(info.durationSeconds * 100) / 100 }
			: {}),
		mimeType: info.mimeType,
		fileName: binary.fileName,
		fileSize: binary.bytes ?? null,
	};
}
