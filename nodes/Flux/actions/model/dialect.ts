import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { DescriptionDialect } from '../../description/dialect';
import type { ModelSpec, Resource } from '../../models';
import type { ParameterReader } from './parameters';

/** What the node's versions read differently from an item's parameters; v1/ and v2/ each define one. */
export interface RequestDialect extends DescriptionDialect {
	/** The item's resource: a parameter, or always `image`. */
	resourceOf: (param: ParameterReader, itemIndex: number) => Resource;
	/** The Options collection's defaults, for options the node's parameters leave out. */
	optionDefaults: IDataObject;
	/** The option that turns the download off. */
	downloadOption: 'download' | 'downloadImage';
	/** Whether Timeout 0 means "automatic" (else it is refused). */
	zeroTimeoutMeansAuto: boolean;
	/** Whether FLUX.1 finetunes go to their regional host (the Finetune Host parameter). */
	finetuneHosts: boolean;
	/** Whether moderated items may go to a second output (the Route Moderated Items option). */
	moderatedOutput: boolean;
	/** Whether Ready items carry the execution's total spend. */
	reportsExecutionCost: boolean;
	/** Whether an image item may ask for several images (the Number of Images option). */
	imagesPerItem: boolean;
	/** Whether to wait for the result, and a webhook BFL calls instead; throws when the choice cannot work. */
	readCompletion: (input: CompletionInput) => Completion;
}

export interface CompletionInput {
	context: IExecuteFunctions;
	param: ParameterReader;
	itemIndex: number;
	model: ModelSpec;
	body: Readonly<Record<string, unknown>>;
	credentials: ICredentialDataDecryptedObject;
}

export interface Completion {
	waitForResult: boolean;
	webhook?: { url: string; secret: string };
	/** What the fingerprint of a retry compares (the FLUX Trigger URL). */
	trigger?: string;
}
