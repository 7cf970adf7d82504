import {
	NodeConnectionTypes,
	type IBinaryData,
	type IDataObject,
	type IHookFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { binaryHead, describeDownload } from '../Flux/media/binary';
import { sampleExpiry } from '../Flux/engine/output';
import { readCallback } from '../Flux/transport/answers';
import { CREDENTIAL_TYPE } from '../Flux/transport/api';
import { sameSecret } from '../Flux/transport/webhookSecret';

/**
 * FLUX Trigger: starts a workflow when BFL calls back about a finished task (the FLUX node's
 * FLUX Trigger URL, or any client's webhook_url). Only callbacks carrying the credential's secret in
 * X-Webhook-Secret are accepted (compared in constant time); anything else is answered 401 and
 * starts nothing. The result is downloaded at once, since its URL expires.
 */

const DOWNLOAD_TIMEOUT_MS = 120_000;

export { readCallback };

/** The result, streamed into binary data with plain httpRequest: the delivery host never gets a key. */
async function downloadCallbackResult(context: IWebhookFunctions, sample: string, fileBaseName: string): Promise<{ binary: IBinaryData; described?: IDataObject }> {
	const response = (await context.helpers.httpRequest({
		method: 'GET',
		url: sample,
		encoding: 'stream',
		json: false,
		returnFullResponse: true,
		timeout: DOWNLOAD_TIMEOUT_MS,
	})) as { body: Parameters<IWebhookFunctions['helpers']['prepareBinaryData']>[0]; headers: Record<string, string | undefined> };
	const mimeType = (response.headers['content-type'] ?? 'application/octet-stream').split(';')[0].trim();
	const binary = await context.helpers.prepareBinaryData(response.body, `${fileBaseName}.bin`, mimeType);
	return { binary, described: describeDownload(binary, await binaryHead(context, binary), fileBaseName) };
}

export class FluxTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FLUX Trigger',
		name: 'fluxTrigger',
		icon: { light: 'file:../../icons/flux.svg', dark: 'file:../../icons/flux.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"On " + ($parameter["statuses"] === "ready" ? "finished images and videos" : "every finished task")}}',
		// The node picker shows the pack as one entry with this description.
		description: 'Generate and edit images and videos with Black Forest Labs FLUX, or start a workflow when a FLUX task finishes',
		defaults: { name: 'FLUX Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'bflApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'flux' }],
		properties: [
			{
				displayName:
					'Give the BFL credential a Webhook Secret, then copy this trigger\'s Production URL into a FLUX node with the same credential (Wait for Result off → FLUX Trigger URL). Activate this workflow to receive callbacks.',
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
						description: 'Ready tasks with their result; moderated and failed ones with their status and reasons',
					},
					{ name: 'Only Ready Tasks', value: 'ready', description: 'Moderated and failed callbacks start nothing' },
				],
			},
			{
				displayName: 'Download Result',
				name: 'download',
				type: 'boolean',
				default: true,
				description: 'Whether to download the image or video into binary data (its URL expires: images after 10 minutes)',
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
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const { webhookSecret: secret } = await this.getCredentials(CREDENTIAL_TYPE);
		const given = this.getHeaderData()['x-webhook-secret'];
		if (!sameSecret(typeof given === 'string' ? given : '', String(secret ?? ''))) {
			this.getResponseObject().status(401).json({ error: 'Unauthorized: X-Webhook-Secret does not match' });
			return { noWebhookResponse: true };
		}

		const callback = readCallback((this.getBodyData() ?? {}) as IDataObject);
		const statuses = this.getNodeParameter('statuses', 'all') as string;
		if (callback.status !== 'Ready' && statuses === 'ready') {
			return { webhookResponse: { received: true, started: false } };
		}
		const json: IDataObject = { taskId: callback.taskId ?? null, status: callback.status };
		const sample = typeof callback.result.sample === 'string' ? callback.result.sample : undefined;
		if (callback.status !== 'Ready' || !sample) {
			const reasons = (callback.details as IDataObject | undefined)?.['Moderation Reasons'];
			Object.assign(json, {
				...(Array.isArray(reasons) ? { reasons } : {}),
				...(callback.status.endsWith('Moderated') ? { stage: callback.status.startsWith('Request') ? 'request' : 'content' } : {}),
				...(callback.details ? { details: callback.details as IDataObject } : {}),
			});
			return { workflowData: [[{ json }]] };
		}

		const video = /\.mp4(\?|$)/i.test(sample);
		Object.assign(json, {
			prompt: callback.result.prompt ?? null,
			seed: callback.result.seed ?? null,
			duration: callback.result.duration ?? null,
			sampleUrl: sample,
			sampleUrlExpiresAt: sampleExpiry(sample, callback.result.end_time as number | undefined, video),
		});
		const item: INodeExecutionData = { json };
		if (this.getNodeParameter('download', true) as boolean) {
			const { binary, described } = await downloadCallbackResult(this, sample, `flux-${callback.taskId ?? 'result'}`);
			if (described) Object.assign(json, described);
			item.binary = { [String(this.getNodeParameter('binaryPropertyName', 'data') || 'data')]: binary };
		}
		return { workflowData: [[item]] };
	}
}
