/** The model table and what is known of it: one import for the rest of the node. */
export * from './types';
export * from './table';
export * from './operations';
export * from './naming';
export * from './sizes';
export { ASPECT_RATIO_HELP, SEED_MAX } from './builders';
export { DEFAULT_LIMITS, formatBytes, limitsOf, MEGAPIXEL } from './limits';
export { MAX_VIDEO_SECONDS } from './video';
