import type { MediaField, MediaLimits } from './types';

/**
 * Input limits. BFL's documented limits live on the fields that have them (the family files);
 * everything else gets these conservative defaults, kept here and nowhere else.
 */

/** Megabytes as 10^6 bytes: BFL's "20 MB" and "50 MB" are not said to be binary, and the smaller reading is the safe one. */
export const MB = 1000 * 1000;

/** Megapixels as BFL counts them (2^20 pixels: 2048×2048 = 4 MP). */
export const MEGAPIXEL = 1024 * 1024;

export const DEFAULT_LIMITS: Record<MediaField['media'], MediaLimits> = {
	// BFL states 20 MB or 20 MP per input image for FLUX.2 and Kontext; used where nothing is stated.
	image: { maxBytes: 20 * MB, maxMegapixels: 20 },
	// FLUX 3 video inputs: ≤ 50 MB and ≤ 20 s (stated for the upscale input; used for every video).
	video: { maxBytes: 50 * MB, maxSeconds: 20 },
	// A draft's cache bundle: no size stated; a draft of 20 s at most.
	bundle: { maxBytes: 50 * MB },
};

export function limitsOf(field: MediaField): MediaLimits {
	return { ...DEFAULT_LIMITS[field.media], ...field.limits };
}

/** `20000000` → `20 MB`, `1500` → `1.5 KB`. */
export function formatBytes(bytes: number): string {
	if (bytes >= MB) return `${Number((bytes / MB).toFixed(1))} MB`;
	if (bytes >= 1000) return `${Number((bytes / 1000).toFixed(1))} KB`;
	return `${bytes} B`;
}
