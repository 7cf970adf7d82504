import type { MediaField, MediaLimits } from './types';

/**
 * Input limits. BFL's documented limits live on the fields that have them (the family files);
 * everything else gets these conservative defaults, kept here and nowhere else.
 */

export const MB = 1024 * 1024;

/** Megapixels as BFL counts them (2^20 pixels: 2048×2048 = 4 MP). */
export const MEGAPIXEL = 1024 * 1024;

export const DEFAULT_LIMITS: Record<MediaField['media'], MediaLimits> = {
	// BFL states 20 MB or 20 MP per input image for FLUX.2 and Kontext; used where nothing is stated.
	image: { maxBytes: 20 * MB, maxMegapixels: 20 },
	// FLUX 3 video inputs: ≤ 50 MB and ≤ 20 s.
	video: { maxBytes: 50 * MB, maxSeconds: 20 },
	// A draft's cache bundle: no size stated; a draft of 20 s at most.
	bundle: { maxBytes: 50 * MB },
};

export function limitsOf(field: MediaField): MediaLimits {
	return { ...DEFAULT_LIMITS[field.media], ...field.limits };
}

/** `20971520` → `20 MB`, `1536` → `1.5 KB`. */
export function formatBytes(bytes: number): string {
	if (bytes >= MB) return `${Number((bytes / MB).toFixed(1))} MB`;
	if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
	return `${bytes} B`;
}
