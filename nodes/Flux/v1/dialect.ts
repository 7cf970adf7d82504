import type { RequestDialect } from '../actions/model/dialect';
import { modelsFor, V1_OPERATIONS } from '../models';
import { V1_OPTION_DEFAULTS } from './options';

/**
 * Version 1 as workflows saved before 2026 know it: image operations only, a Model selector on
 * every operation, webhooks typed into Model Options, no hints, no tool variants.
 */
export const V1: RequestDialect = {
	operations: V1_OPERATIONS,
	modelsFor: (resource, operation) => modelsFor(1, resource, operation),
	modelSelector: () => true,
	scopeByResource: false,
	managedFields: new Set(),
	fieldHints: false,
	finetuneLocator: false,
	toolVariants: false,
	sizePresets: false,
	resourceOf: () => 'image',
	optionDefaults: V1_OPTION_DEFAULTS,
	downloadOption: 'downloadImage',
	zeroTimeoutMeansAuto: false,
	finetuneHosts: false,
	moderatedOutput: false,
	reportsExecutionCost: false,
	imagesPerItem: false,
	// BFL calls a webhook typed into Model Options: nothing to wait for then.
	readCompletion: ({ body }) => ({ waitForResult: !body.webhook_url }),
};
