import { NodeOperationError } from 'n8n-workflow';

import { fieldLabel, MEGAPIXEL, type MediaField, type ModelSpec } from '../models';
import type { MediaFacts, ResolveInput } from './inputs';

/**
 * What the inputs of one request add up to: a mask the size of its image, FLUX.2 [pro]'s budget
 * for inputs plus output, and the output's megapixels as BFL will choose them (for the price).
 */

/** Masks the size of their image; FLUX.2 [pro]'s budget for inputs plus output. */
export function checkSizes(input: ResolveInput, facts: MediaFacts): void {
	const { model, body, context, itemIndex } = input;
	const fail = (field: MediaField | undefined, message: string) =>
		new NodeOperationError(
			context.getNode(),
			`${field ? `${fieldLabel(field)}: ` : ''}${message}`,
			{
				itemIndex,
				description: 'Nothing was sent to BFL.',
			},
		);
	for (const field of input.fields) {
		const other = field.sameSizeAs;
		const size = facts.sizes[field.api];
		const expected = other ? facts.sizes[other] : undefined;
		if (size && expected && (size.width !== expected.width || size.height !== expected.height)) {
			throw fail(
				field,
				`the mask is ${size.width}×${size.height} but the image is ${expected.width}×${expected.height}; they must be the same size`,
			);
		}
	}
	if (model.totalMegapixels && facts.unknownSizes === 0) {
		const outputMp = outputMegapixels(model, body, facts);
		const total = facts.inputMp + outputMp;
		if (total > model.totalMegapixels + 1e-9) {
			throw fail(
				undefined,
				`the input images (${facts.inputMp.toFixed(1)} MP) and the output (${outputMp.toFixed(1)} MP) add up to ${total.toFixed(1)} MP; ${model.displayName} takes at most ${model.totalMegapixels} MP in all`,
			);
		}
	}
}

/** The output's megapixels as BFL will choose them, from the body and the first input. */
export function outputMegapixels(
	model: ModelSpec,
	body: Readonly<Record<string, unknown>>,
	facts: Pick<MediaFacts, 'sizes'>,
): number {
	const width = Number(body.width);
	const height = Number(body.height);
	if (width > 0 && height > 0) return (width * height) / MEGAPIXEL;
	const first = Object.values(facts.sizes)[0];
	if (first && model.operations.some((operation) => operation !== 'generate')) {
		const pixels = first.width * first.height;
		return Math.min(pixels, model.maxPixels ?? pixels) / MEGAPIXEL;
	}
	return 1;
}
