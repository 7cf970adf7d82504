import type { IBinaryData, IDataObject } from 'n8n-workflow';

import { sniffMedia } from '../media/inputs';
import type { ModelSpec } from '../models';
import { SAMPLE_LIFETIME_MS, type ReadyResult, type SubmitAnswer } from '../transport/api';

/** The JSON an item carries: after the submit, when Ready, after the download; and its compact tool form. */

/** Video result URLs live longer than images' (about 1 to 2 h [one source]); 1 h is the safe side. */
const VIDEO_SAMPLE_LIFETIME_MS = 60 * 60_000;

/** Expiry of a signed result URL: its `se=` parameter, else a lifetime after the task ended. */
export function sampleExpiry(sample: string, endTime: number | null | undefined, video: boolean): string {
	try {
		const signedExpiry = Date.parse(new URL(sample).searchParams.get('se') ?? '');
		if (!Number.isNaN(signedExpiry)) return new Date(signedExpiry).toISOString();
	} catch {
		// not a URL we can read: use the documented lifetime
	}
	const ended = endTime ? endTime * 1000 : Date.now();
	return new Date(ended + (video ? VIDEO_SAMPLE_LIFETIME_MS : SAMPLE_LIFETIME_MS)).toISOString();
}

export function submittedJson(model: ModelSpec, operation: string, submitted: SubmitAnswer): IDataObject {
	return {
		taskId: submitted.id,
		model: model.id,
		operation,
		cost: submitted.cost ?? null,
		inputMp: submitted.input_mp ?? null,
		outputMp: submitted.output_mp ?? null,
	};
}

export function readyJson(
	base: IDataObject,
	body: { prompt?: unknown; width?: unknown; height?: unknown },
	result: ReadyResult,
	video: boolean,
): IDataObject {
	return {
		...base,
		status: 'Ready',
		prompt: result.prompt ?? (typeof body.prompt === 'string' ? body.prompt : ''),
		seed: result.seed ?? null,
		cost: result.settledCost ?? base.cost ?? null,
		width: typeof body.width === 'number' ? body.width : null,
		height: typeof body.height === 'number' ? body.height : null,
		duration: result.duration ?? null,
		sampleUrl: result.sample,
		sampleUrlExpiresAt: sampleExpiry(result.sample, result.end_time, video),
		...(result.draft_cache ? { draftCache: result.draft_cache } : {}),
		polls: result.polls,
	};
}

/** Fixes the binary's name and type from its bytes (the delivery host's Content-Type may be off). */
export function describeDownload(binary: IBinaryData, head: Buffer, fileBaseName: string): IDataObject | undefined {
	const info = sniffMedia(head);
	if (!info) return undefined;
	if (info.mimeType !== binary.mimeType || !binary.fileName?.endsWith(`.${info.extension}`)) {
		binary.mimeType = info.mimeType;
		binary.fileExtension = info.extension;
		binary.fileName = `${fileBaseName}.${info.extension}`;
	}
	return {
		...(info.width ? { width: info.width } : {}),
		...(info.height ? { height: info.height } : {}),
		...('durationSeconds' in info && info.durationSeconds !== undefined ? { videoSeconds: Math.round(info.durationSeconds * 100) / 100 } : {}),
		mimeType: info.mimeType,
		fileName: binary.fileName,
		fileSize: binary.bytes ?? null,
	};
}

/** What an AI agent gets back: what it can use, nothing else. */
export function toolJson(json: IDataObject): IDataObject {
	const video = String(json.mimeType ?? '').startsWith('video/') || json.model === 'flux-3-video' || String(json.model).startsWith('video-');
	const url = json.sampleUrl;
	const compact: IDataObject = {
		...(url ? { [video ? 'videoUrl' : 'imageUrl']: url, expiresAt: json.sampleUrlExpiresAt } : {}),
		...(json.pollingUrl && !url ? { pollingUrl: json.pollingUrl } : {}),
		taskId: json.taskId,
		model: json.model,
		seed: json.seed ?? null,
		...(json.width && json.height ? { width: json.width, height: json.height } : { megapixels: json.outputMp ?? null }),
		cost: json.cost ?? null,
	};
	if (url) {
		compact.note = video
			? 'The video URL is signed and expires (about an hour); download it or show it now.'
			: 'The image URL is signed and expires 10 minutes after generation; use it now (it can be passed to this tool again as an input image).';
	}
	return compact;
}
