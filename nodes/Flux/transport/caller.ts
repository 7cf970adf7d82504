import type { IExecuteFunctions, ILoadOptionsFunctions, IWebhookFunctions } from 'n8n-workflow';

/** The n8n contexts that talk to BFL: a node's run, a list search in the editor, a webhook. */
export type Caller = IExecuteFunctions | ILoadOptionsFunctions | IWebhookFunctions;

/** Who a request is for, in errors: the node's context, the item, the task once it has an id. */
export interface ApiErrorContext {
	context: Caller;
	itemIndex: number;
	taskId?: string;
}
