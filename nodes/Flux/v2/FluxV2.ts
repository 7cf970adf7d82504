import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeBaseDescription,
	type INodeTypeDescription,
	type IWebhookDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { searchFinetunes } from '../actions/finetune/search';
import { route } from '../actions/router';
import { isToolCall } from '../agent';
import { errorJson } from '../engine/output';
import { resumeDispatched } from '../engine/resume';
import { asNodeError } from '../transport/errors';
import { NOTHING_TO_REGISTER } from '../transport/webhookSecret';
import { subtitle } from '../description/subtitle';
import { OTHER_OPERATIONS, V2_OUTPUTS, v2Properties } from './description';
import { V2 } from './dialect';

/**
 * The execution's resume URL, for Free the Execution While BFL Works (engine/dispatch.ts): a
 * restart webhook, as n8n's own "send and wait" and "dispatch and wait" operations declare theirs.
 * n8n registers nothing for it on activation; each call runs `webhook()` below.
 */
const RESUME_WEBHOOKS: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		path: '',
		responseMode: 'onReceived',
		restartWebhook: true,
	},
];

/** Version 2: Resource (Image, Video, Task, Account, Finetune) → Operation → Model. */
export class FluxV2 implements INodeType {
	methods = { listSearch: { searchFinetunes } };

	description: INodeTypeDescription;

	constructor(base: INodeTypeBaseDescription) {
		this.description = {
			...base,
			version: 2,
			subtitle: subtitle(V2, OTHER_OPERATIONS),
			defaults: { name: 'FLUX' },
			usableAsTool: true,
			inputs: [NodeConnectionTypes.Main],
			outputs: V2_OUTPUTS,
			credentials: [{ name: 'bflApi', required: true }],
			webhooks: RESUME_WEBHOOKS,
			properties: v2Properties(),
		};
	}

	// n8n never calls these for a restart webhook (nothing is registered anywhere); declared so the
	// webhook's lifecycle is complete, as the community rules ask.
	webhookMethods = NOTHING_TO_REGISTER;

	/** A call of the waiting execution's resume URL: BFL's callback, or the node's own check. */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeDispatched(this);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const continueOnFail = this.continueOnFail();
		const action = route(
			this.getNodeParameter('resource', 0) as string,
			this.getNodeParameter('operation', 0) as string,
		);
		// Images, videos and Get Result run their items concurrently in one batch.
		if (action.kind === 'batch') return await action.run(this, V2, continueOnFail);
		const toolMode = isToolCall(this);
		const items = this.getInputData();
		const output: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				output.push(await action.execute(this, itemIndex));
			} catch (error) {
				if (!continueOnFail && !toolMode) throw asNodeError(this.getNode(), error, itemIndex);
				output.push({ json: errorJson(error as Error), pairedItem: { item: itemIndex } });
			}
		}
		return [output];
	}
}
