import {
	image,
	MODERN_FORMATS,
	outputFormat,
	perMegapixel,
	prompt,
	roundCredits,
	safetyTolerance,
	seed,
	user,
	webhook,
} from './builders';
import { MEGAPIXEL } from './limits';
import type { FieldSpec, MediaField, ModelSpec } from './types';

/**
 * FLUX Tools (bfl-api-2026.md §1–4): Erase, Deblur, Outpainting and Virtual Try-On. No prompt for
 * erase and deblur; their output defaults to PNG, try-on's to JPEG. All reject unknown fields.
 */

const TOOL_SAFETY_MAX = 5;

/** Erase: $0.03 for the first output MP, +$0.004 per extra output MP and per input MP [uncertain: third-party figures]. */
const ERASE_PRICE = perMegapixel(3, 0.4);
const THIRD_PARTY = 'third-party figures; BFL does not publish this price';
const UNPUBLISHED = 'not published by BFL; assumed';

function toolImage(
	api: string,
	required: boolean,
	description: string,
	limits?: MediaField['limits'],
): MediaField {
	return image(api, required, description, { acceptsUrl: true, limits });
}

const TRY_ON_PROMPT =
	'The person of image 1, maintaining exactly their face and pose, wearing the garment of image 2.';

function tryOn(id: string, displayName: string, description: string): ModelSpec {
	return {
		id,
		path: `flux-tools/${id}`,
		displayName,
		description,
		resource: 'image',
		operations: ['tryOn'],
		versions: [2],
		bucket: 'standard',
		rejectsUnknownFields: true,
		// v1: $0.0375 for the first input MP, +$0.005 per extra input MP and per output MP [uncertain:
		// third-party figures]; v2's price is not published, assumed the same.
		price: ({ inputMp, outputMp }) =>
			roundCredits(3.75 + Math.max(0, inputMp - 1) * 0.5 + outputMp * 0.5),
		priceNote: `${THIRD_PARTY} (v2: ${UNPUBLISHED} like v1)`,
		fields: [
			// URLs for person/garment are accepted per BFL's SDK but not stated by the schema [uncertain]:
			// the node fetches them and sends base64, which works either way.
			image('person', true, 'Photo of the person to dress'),
			{
				...image(
					'garment',
					true,
					'One image holding the garment (or a composite of several garments)',
				),
				default: 'garment',
			},
			{
				...prompt(true, 'How to combine the two images; BFL suggests naming the garment'),
				default: TRY_ON_PROMPT,
				hint: 'Image 1 is the person, image 2 the garment, e.g. "…wearing the red raincoat of image 2."',
			},
			seed(),
			safetyTolerance(TOOL_SAFETY_MAX),
			outputFormat(MODERN_FORMATS, 'jpeg'),
			...webhook(),
			user(),
		],
	};
}

const outpaintingCanvas: FieldSpec[] = [
	{
		api: 'width',
		kind: 'integer',
		min: 64,
		default: 1920,
		required: true,
		description: 'Canvas width in pixels; width × height at most 4 MP (4,194,304 pixels)',
	},
	{
		api: 'height',
		kind: 'integer',
		min: 64,
		default: 1080,
		required: true,
		description: 'Canvas height in pixels; width × height at most 4 MP (4,194,304 pixels)',
	},
];

export const TOOL_MODELS: ModelSpec[] = [
	{
		id: 'erase-v1',
		path: 'flux-tools/erase-v1',
		displayName: 'FLUX Erase',
		description: 'Remove what a mask marks, filling in the background; no prompt',
		resource: 'image',
		operations: ['erase'],
		versions: [2],
		bucket: 'standard',
		rejectsUnknownFields: true,
		price: ERASE_PRICE,
		priceNote: THIRD_PARTY,
		fields: [
			toolImage('image', true, 'The image to erase from'),
			{
				...toolImage(
					'mask',
					true,
					'Black-and-white mask of the same size: white = remove, black = keep',
				),
				default: 'mask',
				sameSizeAs: 'image',
				hint: 'A binary property name or URL of a black-and-white PNG the size of the image; white = remove',
			},
			{
				api: 'dilate_pixels',
				kind: 'integer',
				min: 0,
				max: 25,
				default: 10,
				advanced: true,
				description: 'Grow the mask by this many pixels so edges are erased too, 0 to 25',
			},
			seed(),
			safetyTolerance(TOOL_SAFETY_MAX),
			outputFormat(MODERN_FORMATS, 'png'),
			...webhook(),
			user(),
		],
	},
	{
		id: 'deblur-v1',
		path: 'flux-tools/deblur-v1',
		displayName: 'FLUX Deblur',
		description: 'Sharpen a blurred image (up to 4 MP); no prompt',
		resource: 'image',
		operations: ['deblur'],
		versions: [2],
		bucket: 'standard',
		rejectsUnknownFields: true,
		price: ERASE_PRICE, // same klein 9B base as erase [uncertain]
		priceNote: `${UNPUBLISHED} like FLUX Erase`,
		fields: [
			toolImage('image', true, 'The blurred image', { maxMegapixels: 4 }),
			seed(),
			safetyTolerance(TOOL_SAFETY_MAX),
			outputFormat(MODERN_FORMATS, 'png'),
			...webhook(),
			user(),
		],
	},
	{
		id: 'outpainting-v1',
		path: 'flux-tools/outpainting-v1',
		displayName: 'FLUX Outpainting',
		description: 'Place the image on a larger canvas (up to 4 MP) and generate the rest',
		resource: 'image',
		operations: ['expand'],
		versions: [2],
		bucket: 'standard',
		maxPixels: 4 * MEGAPIXEL,
		// No webhook and no seed on this route; BFL answers 422 to any field it does not know.
		rejectsUnknownFields: true,
		price: () => 5, // [uncertain]
		priceNote: `${UNPUBLISHED} 5 credits`,
		fields: [
			toolImage('input_image', true, 'The image to extend'),
			...outpaintingCanvas,
			...['x', 'y'].map(
				(axis): FieldSpec => ({
					api: `reference_offset_${axis}`,
					kind: 'integer',
					min: -100000,
					default: 0,
					nullable: true,
					advanced: true,
					description: `Pixels from the canvas's ${axis === 'x' ? 'left' : 'top'} edge to the image's; may be negative. Leave out to centre the image.`,
				}),
			),
			{
				api: 'auto_crop',
				kind: 'boolean',
				default: false,
				advanced: true,
				description:
					'Whether to crop the image where it leaves the canvas (otherwise BFL refuses it)',
			},
			{
				api: 'mode',
				kind: 'options',
				values: ['high', 'fast'],
				labels: { high: 'High (Best Fidelity)', fast: 'Fast (Landscapes, Backgrounds, Products)' },
				default: 'high',
				advanced: true,
				description: 'Fast is much quicker and usually cheaper; high keeps the highest fidelity',
			},
			{
				...prompt(false, 'Optional, experimental guidance for the new region; loosely followed'),
				advanced: true,
			},
			safetyTolerance(TOOL_SAFETY_MAX),
			outputFormat(MODERN_FORMATS, 'png'),
		],
	},
	tryOn(
		'vto-v2',
		'FLUX Virtual Try-On v2',
		'Dress a person in a garment, keeping face and pose (sharper, up to 4 MP)',
	),
	tryOn('vto-v1', 'FLUX Virtual Try-On v1', 'Dress a person in a garment, keeping face and pose'),
];
