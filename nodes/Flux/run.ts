import {
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { resolveImages, sniffImage } from './images';
import { readItemRequest } from './request';
import type { RunControl } from './control';
import { taskError, type ApiErrorContext } from './errors';
import { binaryHead, downloadToBinary, SAMPLE_LIFETIME_MS, submitTask, waitForResult } from './transport';

/** One item, top to bottom: parameters, body, images, submit, poll, download, binary. */

/** What the caller learns even when the item fails: the task id, for the error item. */
export interface ItemProgress {
	taskId?: string;
	model?: string;
}

export function apiBaseUrl(context: IExecuteFunctions, credentials: ICredentialDataDecryptedObject): string {
	const region = String(credentials.region ?? 'https://api.bfl.ai');
	const raw = region === 'custom' ? String(credentials.baseUrl ?? '') : region;
	const baseUrl = raw.trim().replace(/\/+$/, '').replace(/\/v1$/, '');
	if (!/^https?:\/\/[^/]+/i.test(baseUrl)) {
		throw new NodeOperationError(
			context.getNode(),
			`The BFL credential's Base URL must start with http:// or https://; got "${raw}"`,
		);
	}
	return baseUrl;
}

/** Expiry of a signed result URL: its `se=` parameter, else 10 minutes after the task ended. */
function sampleExpiry(sample: string, endTime?: number | null): string {
	const signedExpiry = Date.parse(new URL(sample).searchParams.get('se') ?? '');
	if (!Number.isNaN(signedExpiry)) return new Date(signedExpiry).toISOString();
	const ended = endTime ? endTime * 1000 : Date.now();
	return new Date(ended + SAMPLE_LIFETIME_MS).toISOString();
}

export async function runItem(
	context: IExecuteFunctions,
	itemIndex: number,
	baseUrl: string,
	control: RunControl,
	progress: ItemProgress,
): Promise<INodeExecutionData> {
	const startedAt = Date.now();
	const request = readItemRequest(context, itemIndex);
	const { model, body } = request;
	progress.model = model.endpoint;
	await resolveImages(context, itemIndex, model, body, request.imageFields);

	const deadline = { at: startedAt + request.timeoutMs, seconds: Math.round(request.timeoutMs / 1000) };
	const errorContext: ApiErrorContext = { context, itemIndex };
	const submitted = await submitTask(errorContext, {
		baseUrl,
		endpoint: model.endpoint,
		body,
		deadline,
		control,
	});
	progress.taskId = submitted.id;
	errorContext.taskId = submitted.id;

	const json: IDataObject = {
		taskId: submitted.id,
		model: model.endpoint,
		operation: request.operation,
		cost: submitted.cost ?? null,
		inputMp: submitted.input_mp ?? null,
		outputMp: submitted.output_mp ?? null,
	};
	if (body.webhook_url) {
		// BFL will call the webhook; waiting here as well would hold the workflow for nothing.
		return {
			json: { ...json, status: submitted.status ?? 'Submitted', webhookUrl: String(body.webhook_url) },
			pairedItem: { item: itemIndex },
		};
	}
	if (!submitted.polling_url) {
		throw taskError(errorContext, 'BFL accepted the task but sent no polling_url to wait on');
	}

	const safetyField = model.fields.find((field) => field.api === 'safety_tolerance');
	const result = await waitForResult(errorContext, {
		pollingUrl: submitted.polling_url,
		baseUrl,
		deadline,
		control,
		safetyTolerance: typeof body.safety_tolerance === 'number' ? body.safety_tolerance : Number(safetyField?.default),
		maxSafetyTolerance: safetyField && 'max' in safetyField ? safetyField.max : undefined,
	});
	Object.assign(json, {
		status: 'Ready',
		prompt: result.prompt ?? (typeof body.prompt === 'string' ? body.prompt : ''),
		seed: result.seed ?? null,
		cost: result.settledCost ?? json.cost,
		width: typeof body.width === 'number' ? body.width : null,
		height: typeof body.height === 'number' ? body.height : null,
		duration: result.duration ?? null,
		sampleUrl: result.sample,
		sampleUrlExpiresAt: sampleExpiry(result.sample, result.end_time),
		polls: result.polls,
	});

	if (!request.downloadImage) {
		json.elapsedSeconds = (Date.now() - startedAt) / 1000;
		return { json, pairedItem: { item: itemIndex } };
	}

	const fileBaseName = `${model.endpoint}-${submitted.id}`;
	const binary = await downloadToBinary(errorContext, result.sample, fileBaseName, deadline, control);
	const info = sniffImage(await binaryHead(context, binary));
	if (!info) {
		throw taskError(errorContext, `The result URL did not return an image (${binary.mimeType}, ${binary.fileSize})`);
	}
	if (info.mimeType !== binary.mimeType) {
		// Trust the bytes over the delivery host's Content-Type.
		binary.mimeType = info.mimeType;
		binary.fileExtension = info.extension;
		binary.fileName = `${fileBaseName}.${info.extension}`;
	}
	Object.assign(json, {
		width: info.width ?? json.width,
		height: info.height ?? json.height,
		mimeType: info.mimeType,
		fileName: binary.fileName,
		fileSize: binary.bytes ?? null,
		elapsedSeconds: (Date.now() - startedAt) / 1000,
	});
	return { json, binary: { [request.binaryPropertyName]: binary }, pairedItem: { item: itemIndex } };
}
