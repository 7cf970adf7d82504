import type { MediaFacts } from '../media/inputs';
import { outputMegapixels } from '../media/totals';
import { MAX_VIDEO_SECONDS } from '../models';
import type { TaskRequest } from './types';

/** Expected credits of a request, for the spend cap: the model's price with what is known of its sizes. */
export function expectedCost(request: TaskRequest, facts: MediaFacts): number {
	const { model, body } = request;
	// Inputs BFL fetches itself have an unknown size: count each as the largest FLUX.2 input (4 MP).
	const inputMp = facts.inputMp + facts.unknownSizes * 4;
	const outputMp =
		facts.unknownSizes > 0 && !(Number(body.width) > 0) && model.resource === 'image'
			? 4
			: outputMegapixels(model, body, facts);
	const seconds =
		Number(body.duration) > 0 ? Number(body.duration) : (facts.videoSeconds ?? MAX_VIDEO_SECONDS);
	return model.price({ body, outputMp, inputMp, seconds, videoMp: facts.videoMp });
}
