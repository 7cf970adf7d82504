import { prompt, safetyTolerance } from './builders';
import { MB, MEGAPIXEL } from './limits';
import type { MediaLimits, ModelSpec } from './types';

/** FLUX 3 Image (bfl-api-2026.md §5.1): no seed, size, output format or webhook on this endpoint. */

/** Each reference: ≤ 20 MB as base64 (15 MB of bytes), at least 256×256, at most 16 MP. */
export const FLUX3_IMAGE_LIMITS: Partial<MediaLimits> = {
	maxBytes: 15 * MB,
	minSide: 256,
	maxMegapixels: 16,
};

// Per image by resolution tier (BFL's pricing page as quoted by two third parties); 1.5k is not
// quoted, so it is charged like 2k here (the safe side for a spend cap) [uncertain].
const FLUX3_IMAGE_CREDITS: Record<string, number> = {
	'768sq': 4.1,
	'1k': 4.8,
	'1.5k': 10,
	'2k': 10,
	'4k': 60.7,
};

/** Output pixels by resolution tier, in the asked shape (equal area). */
const FLUX3_IMAGE_PIXELS: Record<string, number> = {
	'768sq': 768 * 768,
	'1k': MEGAPIXEL,
	'1.5k': 1536 * 1536,
	'2k': 4 * MEGAPIXEL,
	'4k': 16 * MEGAPIXEL,
};

export const FLUX3_IMAGE_MODELS: ModelSpec[] = [
	{
		id: 'flux-3-image',
		displayName: 'FLUX 3 Image',
		description:
			'Newest BFL model: text-to-image and editing with up to 10 references, with web grounding',
		resource: 'image',
		operations: ['generate', 'edit'],
		versions: [2],
		bucket: 'standard',
		rejectsUnknownFields: true,
		stages: ['Reasoning', 'Generating'],
		outputSize: { pixels: FLUX3_IMAGE_PIXELS, multipleOf: 16 },
		price: ({ body }) =>
			FLUX3_IMAGE_CREDITS[String(body.resolution ?? '1k')] ?? FLUX3_IMAGE_CREDITS['4k'],
		priceNote:
			"BFL's pricing page as quoted by third parties; 1.5k is not quoted and counted like 2k",
		fields: [
			prompt(
				true,
				'What to generate, or the change to make; cite references as "image 1", "image 2"',
			),
			{
				api: 'images',
				kind: 'media',
				media: 'image',
				acceptsUrl: true,
				required: true,
				default: 'data',
				operations: ['edit'],
				list: { min: 1, max: 10 },
				limits: FLUX3_IMAGE_LIMITS,
				description:
					'Reference images, 1 to 10: binary property names or http(s) URLs, separated by commas or new lines',
				hint: 'E.g. data, data2 or https://…/a.png. Each at least 256×256, at most 16 MP and 15 MB.',
			},
			{
				api: 'aspect_ratio',
				kind: 'options',
				scale: true,
				values: [
					'auto',
					'21:9',
					'2:1',
					'16:9',
					'3:2',
					'7:5',
					'4:3',
					'5:4',
					'1:1',
					'4:5',
					'3:4',
					'5:7',
					'2:3',
					'9:16',
					'1:2',
					'9:21',
				],
				labels: { auto: 'Auto (From the Prompt or First Reference)' },
				default: 'auto',
				description:
					'Shape of the image; auto follows the prompt, else the first reference, else 1:1',
			},
			{
				api: 'resolution',
				kind: 'options',
				scale: true,
				values: ['768sq', '1k', '1.5k', '2k', '4k'],
				labels: { '768sq': '768 Square', '1k': '1K', '1.5k': '1.5K', '2k': '2K', '4k': '4K' },
				default: '1k',
				description: 'Pixel budget; the exact size follows the aspect ratio',
			},
			{
				api: 'grounding',
				kind: 'boolean',
				default: true,
				description:
					'Whether FLUX 3 may research the prompt with web and image search before generating',
			},
			// 0–4 in the schema of early October 2026; a later note mentions 0–7 [uncertain].
			safetyTolerance(4),
			{
				api: 'version',
				kind: 'string',
				default: 'latest',
				advanced: true,
				description: 'Model version: latest, or a dated tag to pin results',
			},
		],
	},
];
