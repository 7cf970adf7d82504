import type { RequestDialect } from '../actions/model/dialect';
import { modelsFor, OPERATIONS, type Resource } from '../models';
import { readCompletion } from './completion';
import { V2_OPTION_DEFAULTS } from './options';

/**
 * Version 2: Resource → Operation → Model over BFL's 2026 catalogue. A Model selector only where
 * there is a choice; the node fills in the webhook (the FLUX Trigger); hints, a finetune list,
 * regional finetune hosts, a Moderated output, the execution's spend, and tool variants for AI agents.
 */
export const V2: RequestDialect = {
	operations: OPERATIONS,
	modelsFor: (resource, operation) => modelsFor(2, resource, operation),
	modelSelector: (models) => models.length > 1,
	scopeByResource: true,
	managedFields: new Set(['webhook_url', 'webhook_secret']),
	fieldHints: true,
	finetuneLocator: true,
	toolVariants: true,
	sizePresets: true,
	resourceOf: (param, itemIndex) => param('resource', itemIndex) as Resource,
	optionDefaults: V2_OPTION_DEFAULTS,
	downloadOption: 'download',
	zeroTimeoutMeansAuto: true,
	finetuneHosts: true,
	moderatedOutput: true,
	reportsExecutionCost: true,
	imagesPerItem: true,
	readCompletion,
};
