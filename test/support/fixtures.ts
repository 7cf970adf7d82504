import sharp from 'sharp';

/** Real, decodable images for tests, made with sharp (a devDependency). */
export async function makeImage(
	format: 'png' | 'jpeg' | 'webp',
	width = 64,
	height = 48,
): Promise<Buffer> {
	const canvas = sharp({
		create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } },
	});
	return await canvas.toFormat(format).toBuffer();
}

export async function decode(
	bytes: Buffer,
): Promise<{ format?: string; width?: number; height?: number }> {
	const { format, width, height } = await sharp(bytes).metadata();
	return { format, width, height };
}
