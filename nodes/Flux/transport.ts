import type { IBinaryData, IExecuteFunctions, IHttpRequestOptions, NodeApiError } from 'n8n-workflow';
import { z } from 'zod';

import { backoffDelay, cancelled, pause, pollDelay, POLL_SCHEDULE, retryAfterMs, type RunControl } from './control';
import {
	describeHttpError,
	isTransient,
	neverSent,
	taskError,
	toApiError,
	type ApiErrorContext,
} from './errors';

/**
 * Every HTTP exchange with BFL: submit (never resent once it may have arrived), poll the returned
 * polling_url (bounded, cancellable, retried on transient failures) and download the result
 * without the key.
 */

export const CREDENTIAL_TYPE = 'bflApi';

/** `Task not found` right after submitting can mean the cluster has not caught up yet. */
export const TASK_NOT_FOUND_GRACE_MS = 5000;
const SUBMIT_TIMEOUT_MS = 60_000;
const POLL_TIMEOUT_MS = 30_000;
const DOWNLOAD_TIMEOUT_MS = 120_000;
export const SAMPLE_LIFETIME_MS = 10 * 60_000;

/** Said of every submit whose outcome is unknown: it is never sent a second time. */
const NOT_RESENT = 'The task may exist and be billed; it was not sent again, to avoid paying twice.';

const IN_PROGRESS = new Set(['Pending', 'Reasoning', 'Generating', 'Queued', 'Processing']);

const submitSchema = z.object({
	id: z.string().min(1),
	polling_url: z.string().url().nullable().optional(),
	status: z.string().nullable().optional(),
	cost: z.number().nullable().optional(),
	input_mp: z.number().nullable().optional(),
	output_mp: z.number().nullable().optional(),
});

const pollSchema = z.object({
	id: z.string().nullable().optional(),
	status: z.string().optional(),
	state: z.string().optional(),
	result: z
		.object({
			sample: z.string().nullable().optional(),
			prompt: z.string().nullable().optional(),
			seed: z.number().nullable().optional(),
			start_time: z.number().nullable().optional(),
			end_time: z.number().nullable().optional(),
			duration: z.number().nullable().optional(),
		})
		.nullable()
		.optional(),
	progress: z.number().nullable().optional(),
	details: z.unknown().optional(),
	cost: z.number().nullable().optional(),
});

export type SubmitAnswer = z.infer<typeof submitSchema>;
export type ReadyResult = NonNullable<z.infer<typeof pollSchema>['result']> & {
	sample: string;
	settledCost?: number | null;
	polls: number;
};

/** Sends the BFL key only to the API's own host or to BFL's *.bfl.ai clusters. */
export function mayCarryKey(url: string, baseUrl: string): boolean {
	const target = new URL(url);
	const base = new URL(baseUrl);
	if (target.host === base.host) return true;
	return target.protocol === 'https:' && (target.hostname === 'bfl.ai' || target.hostname.endsWith('.bfl.ai'));
}

export interface Deadline {
	at: number;
	seconds: number;
}

function remaining(deadline: Deadline): number {
	return deadline.at - Date.now();
}

export interface SubmitInput {
	baseUrl: string;
	endpoint: string;
	body: Record<string, unknown>;
	deadline: Deadline;
	control: RunControl;
}

/**
 * POST /v1/{endpoint}. Retries only what cannot have created a task: 429 (honouring Retry-After)
 * and connect-level failures. Anything else that may have reached BFL ends the item.
 */
export async function submitTask(ctx: ApiErrorContext, input: SubmitInput): Promise<SubmitAnswer> {
	const { control, deadline } = input;
	for (let attempt = 0; ; attempt++) {
		if (control.outOfCredits) throw control.outOfCredits;
		if (control.signal.aborted) throw cancelled(control);
		let raw: unknown;
		try {
			raw = await ctx.context.helpers.httpRequestWithAuthentication.call(ctx.context, CREDENTIAL_TYPE, {
				method: 'POST',
				url: `${input.baseUrl}/v1/${input.endpoint}`,
				body: input.body,
				json: true,
				headers: { accept: 'application/json' },
				timeout: Math.min(SUBMIT_TIMEOUT_MS, Math.max(1000, remaining(deadline))),
			});
		} catch (error) {
			if (control.signal.aborted) throw cancelled(control);
			const failure = describeHttpError(error);
			const retryable = failure.status === 429 || neverSent(failure);
			if (retryable) {
				const wait = retryAfterMs(failure.headers['retry-after']) ?? backoffDelay(attempt);
				if (wait < remaining(deadline)) {
					await pause(control, wait);
					continue;
				}
			}
			const apiError = toApiError(ctx, failure, 'submitting the task');
			if (failure.status === 402) control.outOfCredits = apiError;
			if (!retryable && (failure.status === undefined || failure.status >= 500)) {
				apiError.description = `${apiError.description ?? ''} The request may have reached BFL. ${NOT_RESENT}`.trim();
			}
			throw apiError;
		}
		const parsed = submitSchema.safeParse(parseAnswer(raw));
		if (!parsed.success) {
			// A cut-off answer may still name the task; keep its id so the error item can carry it.
			const salvagedId = /"id"\s*:\s*"([^"]+)"/.exec(typeof raw === 'string' ? raw : JSON.stringify(raw ?? ''))?.[1];
			throw taskError(
				{ ...ctx, taskId: salvagedId },
				`BFL answered the submit with something unreadable${salvagedId ? '' : ' (no task id)'}`,
				NOT_RESENT,
			);
		}
		return parsed.data;
	}
}

/** An answer as JSON: n8n hands over unparseable JSON as text, which then reads as undefined. */
function parseAnswer(raw: unknown): unknown {
	if (typeof raw !== 'string') return raw;
	try {
		return JSON.parse(raw);
	} catch {
		return undefined;
	}
}

function moderationReasons(details: unknown): string[] {
	if (!details || typeof details !== 'object') return [];
	const reasons = (details as Record<string, unknown>)['Moderation Reasons'];
	return Array.isArray(reasons) ? reasons.map(String) : [];
}

export interface PollInput {
	pollingUrl: string;
	baseUrl: string;
	deadline: Deadline;
	control: RunControl;
	safetyTolerance?: number;
	maxSafetyTolerance?: number;
}

/** Polls the polling_url until a terminal status; resolves only on `Ready`. */
export async function waitForResult(ctx: ApiErrorContext, input: PollInput): Promise<ReadyResult> {
	const { control, deadline } = input;
	const submittedAt = Date.now();
	const withKey = mayCarryKey(input.pollingUrl, input.baseUrl);
	let lastStatus = 'submitted';
	let failures = 0;
	for (let poll = 0; ; poll++) {
		// After failed polls, back off a little more, but never past twice the normal cadence.
		const retryWait = Math.min(2 * POLL_SCHEDULE.maxMs, backoffDelay(failures));
		const cadence = pollDelay(Date.now() - submittedAt);
		const wait = failures > 0 ? Math.max(cadence, retryWait) : cadence;
		if (wait >= remaining(deadline)) {
			throw taskError(
				ctx,
				`Timed out after ${deadline.seconds} s waiting for the image (last status: ${lastStatus})`,
				'The task may still finish and be billed. Raise "Timeout (Seconds)" in the options if BFL is busy.',
			);
		}
		await pause(control, wait);
		const request: IHttpRequestOptions = {
			method: 'GET',
			url: input.pollingUrl,
			json: true,
			headers: { accept: 'application/json' },
			timeout: Math.min(POLL_TIMEOUT_MS, Math.max(1000, remaining(deadline))),
			abortSignal: control.signal,
		};
		let raw: unknown;
		try {
			raw = withKey
				? await ctx.context.helpers.httpRequestWithAuthentication.call(ctx.context, CREDENTIAL_TYPE, request)
				: await ctx.context.helpers.httpRequest(request);
		} catch (error) {
			if (control.signal.aborted) throw cancelled(control);
			const failure = describeHttpError(error);
			if (failure.status === 404 && Date.now() - submittedAt < TASK_NOT_FOUND_GRACE_MS) continue;
			if (isTransient(failure)) {
				failures++;
				lastStatus = failure.status ? `HTTP ${failure.status}` : (failure.code ?? 'network error');
				continue;
			}
			throw toApiError(ctx, failure, 'waiting for the image');
		}
		const parsed = pollSchema.safeParse(parseAnswer(raw));
		const status = parsed.success ? (parsed.data.status ?? parsed.data.state) : undefined;
		if (!parsed.success || !status) {
			// A garbled answer to a GET is safe to ask again.
			failures++;
			lastStatus = 'unreadable answer';
			continue;
		}
		failures = 0;
		lastStatus = status;
		const answer = parsed.data;
		if (IN_PROGRESS.has(status)) continue;
		if (status === 'Ready') {
			if (!answer.result?.sample) throw taskError(ctx, 'BFL reported the task Ready but sent no image URL');
			return { ...answer.result, sample: answer.result.sample, settledCost: answer.cost, polls: poll + 1 };
		}
		if (status === 'Task not found' && Date.now() - submittedAt < TASK_NOT_FOUND_GRACE_MS) continue;
		throw terminalError(ctx, status, answer.details, input);
	}
}

function terminalError(ctx: ApiErrorContext, status: string, details: unknown, input: PollInput): NodeApiError {
	const reasons = moderationReasons(details);
	if (status === 'Request Moderated' || status === 'Content Moderated') {
		const what = status === 'Request Moderated' ? 'the prompt or input image' : 'the generated image';
		const tolerance =
			input.safetyTolerance !== undefined && input.maxSafetyTolerance !== undefined
				? ` Safety Tolerance was ${input.safetyTolerance}; this model allows up to ${input.maxSafetyTolerance}, and a higher value is less strict.`
				: ' A higher Safety Tolerance (Model Options) is less strict.';
		return taskError(
			ctx,
			`BFL moderation blocked ${what} (${status})${reasons.length ? `: ${reasons.join(', ')}` : ''}`,
			`Moderated tasks are not charged.${tolerance} Or rephrase the prompt.`,
		);
	}
	if (status === 'Task not found') {
		return taskError(ctx, 'BFL no longer knows this task (Task not found)', 'It may have expired; submit it again.');
	}
	const detail = details && typeof details === 'object' ? ` ${JSON.stringify(details).slice(0, 300)}` : '';
	if (status === 'Error' || status === 'Failed') {
		return taskError(ctx, `BFL could not generate the image (${status})${detail}`);
	}
	return taskError(ctx, `BFL reported an unexpected status "${status}"${detail}`, 'The node treats unknown statuses as failures.');
}

/** What prepareBinaryData accepts: a Buffer or a readable stream (no Node built-in imported). */
type BinarySource = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif' };

/**
 * Streams the result into n8n's binary data (to disk in filesystem mode, so a 4 MB image is never
 * held twice) with plain httpRequest: the key never reaches the delivery host. Retries 5xx,
 * timeouts and connection errors; a 403/404 means the signed URL expired.
 */
export async function downloadToBinary(
	ctx: ApiErrorContext,
	url: string,
	fileBaseName: string,
	deadline: Deadline,
	control: RunControl,
): Promise<IBinaryData> {
	for (let attempt = 0; ; attempt++) {
		if (control.signal.aborted) throw cancelled(control);
		try {
			const response = (await ctx.context.helpers.httpRequest({
				method: 'GET',
				url,
				encoding: 'stream',
				json: false,
				returnFullResponse: true,
				timeout: Math.min(DOWNLOAD_TIMEOUT_MS, Math.max(1000, remaining(deadline))),
				abortSignal: control.signal,
			})) as { body: BinarySource; headers: Record<string, string | undefined> };
			const mimeType = (response.headers['content-type'] ?? 'image/jpeg').split(';')[0].trim().toLowerCase();
			const fileName = `${fileBaseName}.${EXTENSIONS[mimeType] ?? 'bin'}`;
			const binary = await ctx.context.helpers.prepareBinaryData(response.body, fileName, mimeType);
			const declaredLength = Number(response.headers['content-length']);
			if (binary.bytes === undefined && Number.isFinite(declaredLength)) binary.bytes = declaredLength;
			return binary;
		} catch (error) {
			if (control.signal.aborted) throw cancelled(control);
			const failure = describeHttpError(error);
			const wait = backoffDelay(attempt);
			if (isTransient(failure) && attempt < 5 && wait < remaining(deadline)) {
				await pause(control, wait);
				continue;
			}
			if (failure.status === 403 || failure.status === 404 || failure.status === 410) {
				throw taskError(
					ctx,
					`The image URL is no longer valid (${failure.status})`,
					'BFL result URLs expire 10 minutes after the task ends; run the item again.',
				);
			}
			throw toApiError(ctx, failure, 'downloading the image');
		}
	}
}

/** The first bytes of stored binary data, enough to recognise the image and read its size. */
export async function binaryHead(context: IExecuteFunctions, binary: IBinaryData, length = 64 * 1024): Promise<Buffer> {
	if (binary.id) {
		const stream = await context.helpers.getBinaryStream(binary.id, length);
		for await (const chunk of stream) {
			stream.destroy();
			return Buffer.from(chunk as Buffer);
		}
		return Buffer.alloc(0);
	}
	return Buffer.from(binary.data.slice(0, Math.ceil((length * 4) / 3)), 'base64');
}
