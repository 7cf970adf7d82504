import {
	NodeConnectionTypes,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { readyJson } from '../Flux/engine/output';
import { storeResult, unsubmittedJson } from '../Flux/engine/result';
import {
	moderationReasons,
	moderationStage,
	readCallback,
	resultOutputs,
	type Callback,
	type TaskResult,
} from '../Flux/transport/answers';
import { CREDENTIAL_TYPE } from '../Flux/transport/api';
import { createRunControl, deadlineIn } from '../Flux/transport/clock';
import { callbackProof, NOTHING_TO_REGISTER, provesSecret } from '../Flux/transport/webhookSecret';

/**
 * FLUX Trigger: starts a workflow when BFL calls back about a finished task (the FLUX node's
 * FLUX Trigger URL, or any client's webhook_url). Only callbacks that prove the credential's secret
 * (echoed in X-Webhook-Secret, or an X-BFL-Signature HMAC of the raw body; compared in constant
 * time) are accepted; anything else is answered 401 and starts nothing. The result is downloaded at once, since its URL expires, and the item is the one
 * the FLUX node outputs for a Ready task (what only the submitting node knows is null).
 */

const DOWNLOAD_TIMEOUT_SECONDS = 120;

export { readCallback };

export class FluxTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FLUX Trigger',
		name: 'fluxTrigger',
		icon: { light: 'file:../../icons/flux.svg', dark: 'file:../../icons/flux.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{"On " + ($parameter["statuses"] === "ready" ? "finished images and videos" : "every finished task")}}',
		// The node picker shows the pack as one entry with this description.
		description:
			'Generate and edit images and videos with Black Forest Labs FLUX, or start a workflow when a FLUX task finishes',
		defaults: { name: 'FLUX Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'bflApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'flux' }],
		properties: [
			{
				displayName:
					"Give the BFL credential a Webhook Secret, then copy this trigger's Production URL into a FLUX node with the same credential (Wait for Result off → FLUX Trigger URL). Publish (n8n 2.x) or activate (n8n 1.x) this workflow to receive callbacks; BFL must reach this n8n from the internet.",
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Emit',
				name: 'statuses',
				type: 'options',
				default: 'all',
				options: [
					{
						name: 'All Finished Tasks',
						value: 'all',
						description:
							'Ready tasks with their result; moderated and failed ones with their status and reasons',
					},
					{
						name: 'Only Ready Tasks',
						value: 'ready',
						description: 'Moderated and failed callbacks start nothing',
					},
				],
			},
			{
				displayName: 'Download Result',
				name: 'download',
				type: 'boolean',
				default: true,
				description:
					'Whether to download the image or video into binary data (its URL expires: images after 10 minutes)',
			},
			{
				displayName: 'Put Output File in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				displayOptions: { show: { download: [true] } },
				description: 'The name of the output binary field to put the image or video in',
			},
		],
	};

	// Nothing to register at BFL: each task names its webhook URL when it is submitted.
	webhookMethods = NOTHING_TO_REGISTER;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const { webhookSecret: secret } = await this.getCredentials(CREDENTIAL_TYPE);
		if (!provesSecret(callbackProof(this), String(secret ?? ''))) {
			this.getResponseObject().status(401).json({
				error: 'Unauthorized: neither X-Webhook-Secret nor X-BFL-Signature proves the secret',
			});
			return { noWebhookResponse: true };
		}

		const callback = readCallback((this.getBodyData() ?? {}) as IDataObject);
		const statuses = this.getNodeParameter('statuses', 'all') as string;
		if (callback.status !== 'Ready' && statuses === 'ready') {
			return { webhookResponse: { received: true, started: false } };
		}
		const [sample] = resultOutputs(callback.result as TaskResult).samples;
		if (callback.status !== 'Ready' || !sample)
			return { workflowData: [[{ json: endedJson(callback) }]] };
		return { workflowData: [[await readyItem(this, callback, sample)]] };
	}
}

/** A task that ended otherwise: its status, and BFL's reasons for a moderation. */
function endedJson(callback: Callback): IDataObject {
	const reasons = moderationReasons(callback.details);
	const stage = moderationStage(callback.status);
	return {
		taskId: callback.taskId ?? null,
		status: callback.status,
		...(reasons.length ? { reasons } : {}),
		...(stage ? { stage } : {}),
		...(callback.details ? { details: callback.details as IDataObject } : {}),
	};
}

/** The FLUX node's Ready item for this task, with the result downloaded unless turned off. */
async function readyItem(
	context: IWebhookFunctions,
	callback: Callback,
	sample: string,
): Promise<INodeExecutionData> {
	const video = /\.mp4(\?|$)/i.test(sample);
	const result = { ...callback.result, sample, polls: 0 };
	const json: IDataObject = {
		...readyJson(unsubmittedJson(callback.taskId), {}, result, video),
		elapsedSeconds: null,
	};
	if (!(context.getNodeParameter('download', true) as boolean)) return { json };
	const control = createRunControl(context.getNode(), undefined);
	const ctx = { context, itemIndex: 0, taskId: callback.taskId };
	const { binary, described } = await storeResult(
		ctx,
		sample,
		`flux-${callback.taskId ?? 'result'}`,
		deadlineIn(DOWNLOAD_TIMEOUT_SECONDS),
		control,
	);
	control.dispose();
	Object.assign(json, described);
	return {
		json,
		binary: { [String(context.getNodeParameter('binaryPropertyName', 'data') || 'data')]: binary },
	};
}
