import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type ICredentialDataDecryptedObject,
	type IBinaryData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import type { CreditBudget } from './budget';
import {
	cancelled,
	deadlineIn,
	expires,
	POLL_SCHEDULES,
	type Deadline,
	type DurationEstimates,
	type RunControl,
} from '../transport/clock';
import { downloadResult, extensionOf } from '../transport/download';
import { asNodeError, taskError, type ApiErrorContext } from '../transport/errors';
import { finetuneBaseUrl, type FinetuneRegion } from '../transport/hosts';
import type { LedgerEntry, TaskLedger } from './ledger';
import type { TaskSlots } from './limiter';
import { binaryHead, outputMegapixels, resolveMedia, type MediaFacts } from '../media/inputs';
import { MAX_VIDEO_SECONDS, pathOf, type ConcurrencyBucket } from '../models';
import type { TaskRequest } from '../actions/request';
import { describeDownload, readyJson, submittedJson, toolJson } from './output';
import {
	outcomeUnknown,
	submitTask,
	waitForResult,
	type ModerationOutcome,
	type ReadyResult,
	type TaskFailure,
} from '../transport/api';

/**
 * One item, top to bottom: a slot, its media, the spend cap, submit, poll until the task ends
 * (the slot is given back then), the download, the JSON. Or, on n8n's retry, the task it already
 * paid for, collected from the ledger; or a task submitted earlier (Get Result).
 */

/** How the node runs: its version, n8n's continue-on-fail, and whether an AI agent called it. */
export interface RunSettings {
	version: number;
	continueOnFail: boolean;
	/** Running as an AI Agent's tool: compact JSON, no download unless asked, errors as answers. */
	toolMode: boolean;
}

/** Downloads at once per run: enough to keep up with BFL, few enough to keep memory flat. */
export const CONCURRENT_DOWNLOADS = 16;

/** How long a download waits at most for the submits in flight to be answered. */
const DOWNLOAD_DEFER_MS = 500;

/** Submits in flight, and a wait for none (downloads give way to them). */
export class InFlight {
	private count = 0;

	private waiters: Array<() => void> = [];

	start(): void {
		this.count++;
	}

	end(): void {
		this.count = Math.max(0, this.count - 1);
		if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
	}

	/** Resolves when nothing is in flight, or after `maxMs`. */
	async idle(maxMs: number): Promise<void> {
		if (this.count === 0) return;
		await Promise.race([new Promise<void>((resolve) => this.waiters.push(resolve)), sleep(maxMs)]);
	}
}

/** One item to run: a task to start, or one submitted earlier to collect (Get Result). */
export interface Job {
	itemIndex: number;
	request?: TaskRequest;
	/** Get Result: the polling URL to wait on. */
	collect?: { pollingUrl: string; download: boolean; binaryPropertyName: string; timeoutSeconds: number };
	fingerprint: string;
}

export interface Outcome {
	item?: INodeExecutionData;
	moderated?: INodeExecutionData;
}

/** Not started because the run stopped starting tasks after another item failed. */
export class NotStarted extends Error {}

export function itemOf(json: IDataObject, itemIndex: number, binary?: INodeExecutionData['binary']): INodeExecutionData {
	return { json, ...(binary ? { binary } : {}), pairedItem: { item: itemIndex } };
}

export interface JobEnvironment {
	/** How long similar tasks of this run took, for polling close to that moment. */
	durations: DurationEstimates;
	/** Downloads in progress (a plain count: never throttled). */
	downloads: TaskSlots;
	/** Submits in flight: downloads wait for them. */
	submitting: InFlight;
	context: IExecuteFunctions;
	settings: RunSettings;
	control: RunControl;
	credentials: ICredentialDataDecryptedObject;
	baseUrl: string;
	ledger: TaskLedger;
	budget: CreditBudget;
	slotsFor: (bucket: ConcurrencyBucket) => TaskSlots;
	ensureBalance: () => Promise<void>;
	isStopped: () => boolean;
}

/** Expected credits of a request, for the spend cap: the model's price with what is known of its sizes. */
function expectedCost(request: TaskRequest, facts: MediaFacts): number {
	const { model, body } = request;
	// Inputs BFL fetches itself have an unknown size: count each as the largest FLUX.2 input (4 MP).
	const inputMp = facts.inputMp + facts.unknownSizes * 4;
	const outputMp = facts.unknownSizes > 0 && !(Number(body.width) > 0) && model.resource === 'image' ? 4 : outputMegapixels(model, body, facts);
	const seconds = Number(body.duration) > 0 ? Number(body.duration) : (facts.videoSeconds ?? MAX_VIDEO_SECONDS);
	return model.price({ body, outputMp, inputMp, seconds, videoMp: facts.videoMp });
}

export async function runJob(env: JobEnvironment, job: Job): Promise<Outcome> {
	if (job.collect) return await collectTask(env, job);
	const request = job.request as TaskRequest;
	const prior = env.ledger.find(job.itemIndex, job.fingerprint);
	if (prior) return await fromLedger(env, job, prior);
	if (env.isStopped()) throw new NotStarted('not started');

	const { context, control, ledger, budget } = env;
	const { model, body } = request;
	const slots = env.slotsFor(model.bucket);
	let ticket = await slots.acquire(control.aborted);
	let holding = true;
	const releaseSlot = () => {
		if (holding) slots.release();
		holding = false;
	};
	const ctx: ApiErrorContext = { context, itemIndex: job.itemIndex };
	const startedAt = Date.now();
	const deadline = deadlineIn(request.timeoutSeconds);
	let reserved = 0;
	try {
		if (env.isStopped()) throw new NotStarted('not started');
		const facts = await resolveMedia({ context, itemIndex: job.itemIndex, model, body, fields: request.mediaFields, deadline, control });
		if (request.triggerUrl) {
			body.webhook_url = request.triggerUrl;
			body.webhook_secret = String(env.credentials.webhookSecret);
		}
		await env.ensureBalance();
		const expected = expectedCost(request, facts);
		const refusal = budget.refusal(expected);
		if (refusal) {
			throw new NodeOperationError(context.getNode(), `Max Credits per Execution reached: ${refusal}`, {
				itemIndex: job.itemIndex,
				description: 'Nothing was sent to BFL for this item. Raise "Max Credits per Execution" in the options to allow more.',
			});
		}
		reserved = budget.reserve(expected);
		const base = model.finetuneHost && env.settings.version >= 2 ? finetuneBase(env, job.itemIndex) : env.baseUrl;
		env.submitting.start();
		const submitted = await submitTask(ctx, {
			url: `${base}/v1/${pathOf(model)}`,
			body,
			deadline,
			control,
			slot: {
				throttled: async (retryAfterMs) => {
					holding = false;
					slots.throttled(retryAfterMs);
					const giveUp = () => throttledTooLong(ctx, deadline);
					ticket = await slots.acquire(Promise.race([control.aborted, expires(deadline, giveUp)]), true);
					holding = true;
				},
			},
		}).catch((error: Error) => {
			budget.release(reserved);
			reserved = 0;
			if (outcomeUnknown(error)) {
				ledger.record(job.itemIndex, {
					fingerprint: job.fingerprint,
					state: 'unknown',
					taskId: (error as NodeApiError).context?.taskId as string | undefined,
					error: { message: error.message, description: (error as NodeApiError).description ?? undefined },
				});
			}
			throw error;
		}).finally(() => env.submitting.end());
		slots.accepted(ticket);
		ctx.taskId = submitted.id;
		const cost = budget.settle(reserved, submitted.cost ?? undefined);
		reserved = 0;
		const json = submittedJson(model, request.operation, submitted);
		json.cost = submitted.cost ?? null;
		ledger.record(job.itemIndex, {
			fingerprint: job.fingerprint,
			state: 'submitted',
			taskId: submitted.id,
			pollingUrl: submitted.polling_url ?? undefined,
			cost,
		});
		// The request's media (base64, possibly megabytes) is no longer needed.
		for (const field of request.mediaFields) delete body[field.api];

		if (!request.waitForResult) {
			releaseSlot();
			const answer: IDataObject = {
				...json,
				status: submitted.status ?? 'Submitted',
				...(submitted.polling_url ? { pollingUrl: submitted.polling_url } : {}),
				...(body.webhook_url ? { webhookUrl: String(body.webhook_url) } : {}),
			};
			ledger.update(job.itemIndex, { state: 'returned', json: answer });
			return { item: itemOf(env.settings.toolMode ? toolJson(answer) : answer, job.itemIndex) };
		}
		if (!submitted.polling_url) throw taskError(ctx, 'BFL accepted the task but sent no polling_url to wait on');
		return await waitAndDownload(env, job, {
			ctx,
			json,
			pollingUrl: submitted.polling_url,
			deadline,
			startedAt,
			submittedAt: Date.now(),
			releaseSlot,
			cost,
		});
	} finally {
		// Whatever happened: no reservation outlives the submit, and the slot is free once the task ended.
		if (reserved) budget.release(reserved);
		releaseSlot();
	}
}

function finetuneBase(env: JobEnvironment, itemIndex: number): string {
	const choice = env.context.getNodeParameter('finetuneRegion', itemIndex, 'auto') as FinetuneRegion;
	return finetuneBaseUrl(env.context.getNode(), env.credentials, choice);
}

function throttledTooLong(ctx: ApiErrorContext, deadline: Deadline): Error {
	return taskError(
		ctx,
		`BFL is busy: too many active tasks for this account, and no slot freed within ${deadline.seconds} s`,
		'BFL allows 24 active tasks per account (6 for FLUX.1 Kontext [max], 5 for videos), shared by every workflow using the key. Nothing was submitted for this item. Raise "Timeout (Seconds)" or run fewer items at once.',
		429,
	);
}

interface WaitInput {
	ctx: ApiErrorContext;
	json: IDataObject;
	pollingUrl: string;
	deadline: Deadline;
	startedAt: number;
	submittedAt: number;
	releaseSlot: () => void;
	/** Collecting a task submitted in an earlier try: poll at once. */
	earlier?: boolean;
	/** Credits already counted for this task in the execution's total. */
	cost?: number;
}

/** Polls until the task ends (the slot is given back then), records it, downloads the result. */
async function waitAndDownload(env: JobEnvironment, job: Job, input: WaitInput): Promise<Outcome> {
	const request = job.request as TaskRequest;
	const { model, body } = request;
	const { ctx, json, deadline } = input;
	const safetyField = model.fields.find((field) => field.api === 'safety_tolerance');
	const similar = durationKey(request);
	let result: ReadyResult | undefined;
	let failure: unknown;
	try {
		result = await waitForResult(ctx, {
			pollingUrl: input.pollingUrl,
			apiHosts: apiHosts(env, job.itemIndex, model.finetuneHost),
			deadline,
			control: env.control,
			schedule: request.schedule,
			submittedAt: input.submittedAt,
			earlier: input.earlier,
			noun: model.resource,
			expected: {
				age: () => env.durations.expected(similar),
				observe: (age) => env.durations.observe(similar, age),
				changed: () => env.durations.changed(similar),
			},
			safetyTolerance: typeof body.safety_tolerance === 'number' ? body.safety_tolerance : Number(safetyField?.default),
			maxSafetyTolerance: safetyField && 'max' in safetyField ? safetyField.max : undefined,
		});
	} catch (error) {
		failure = error;
	}
	input.releaseSlot();
	if (failure || !result) {
		recordFailure(env, job, failure as TaskFailure);
		throw asNodeError(env.context.getNode(), failure, job.itemIndex);
	}
	if (typeof result.settledCost === 'number' && input.cost !== undefined && result.settledCost !== input.cost) {
		env.budget.adjust(input.cost, result.settledCost);
	}
	const ready = readyJson(json, body, result, model.resource === 'video');
	env.ledger.update(job.itemIndex, { state: 'ready', json: ready, cost: typeof ready.cost === 'number' ? ready.cost : input.cost });
	return await finish(env, job, ready, input.startedAt, deadline, ctx);
}

/** Tasks with the same model and size take about as long. */
function durationKey(request: TaskRequest): string {
	const { body } = request;
	return [request.model.id, request.operation, body.width, body.height, body.aspect_ratio, body.resolution, body.duration].join('|');
}

/** Moderation of the same request is final; a generation error is worth a new task; anything else keeps the task to collect. */
function recordFailure(env: JobEnvironment, job: Job, error: TaskFailure): void {
	if (error.moderation) {
		env.ledger.update(job.itemIndex, {
			state: 'final',
			error: { message: error.message, description: error.description ?? undefined, moderated: { ...error.moderation } },
		});
	} else if (error.taskStatus) {
		env.ledger.forget(job.itemIndex);
	}
	// Timeouts, network trouble, cancellation: the task may still finish; a retry polls it again.
}

function apiHosts(env: JobEnvironment, itemIndex: number, finetune?: boolean): string[] {
	return finetune && env.settings.version >= 2 ? [env.baseUrl, finetuneBase(env, itemIndex)] : [env.baseUrl];
}

/** The download (unless turned off) and the item's final JSON. */
async function finish(
	env: JobEnvironment,
	job: Job,
	ready: IDataObject,
	startedAt: number,
	deadline: Deadline,
	ctx: ApiErrorContext,
): Promise<Outcome> {
	const request = job.request;
	const download = request ? request.download : Boolean(job.collect?.download);
	const property = request?.binaryPropertyName ?? job.collect?.binaryPropertyName ?? 'data';
	const json: IDataObject = { ...ready };
	if (!download) {
		json.elapsedSeconds = (Date.now() - startedAt) / 1000;
		return { item: itemOf(env.settings.toolMode ? toolJson(json) : json, job.itemIndex) };
	}
	const fileBaseName = `${json.model ?? 'flux'}-${json.taskId}`;
	// A task that just ended freed a slot: the submit that takes it goes first (time is the next
	// task's; the result's URL is valid for minutes).
	await env.submitting.idle(DOWNLOAD_DEFER_MS);
	await env.downloads.acquire(env.control.aborted);
	let binary: IBinaryData;
	let described: IDataObject | undefined;
	try {
		binary = await downloadResult(ctx, String(json.sampleUrl), fileBaseName, deadline, env.control);
		described = describeDownload(binary, await binaryHead(env.context, binary), fileBaseName);
	} finally {
		env.downloads.release();
	}
	if (!described) {
		throw taskError(ctx, `The result URL did not return an image or video (${binary.mimeType}, ${binary.fileSize})`);
	}
	Object.assign(json, described, { elapsedSeconds: (Date.now() - startedAt) / 1000 });
	if (!binary.fileExtension) binary.fileExtension = extensionOf(binary.mimeType);
	const output = env.settings.toolMode ? toolJson(json) : json;
	return { item: itemOf(output, job.itemIndex, { [property]: binary }) };
}

/** A retry of the node: the item's task exists already; collect it instead of paying again. */
async function fromLedger(env: JobEnvironment, job: Job, prior: LedgerEntry): Promise<Outcome> {
	const request = job.request as TaskRequest;
	const ctx: ApiErrorContext = { context: env.context, itemIndex: job.itemIndex, taskId: prior.taskId };
	const startedAt = Date.now();
	const deadline = deadlineIn(request.timeoutSeconds);
	switch (prior.state) {
		case 'returned':
			return { item: itemOf(env.settings.toolMode ? toolJson(prior.json ?? {}) : { ...prior.json }, job.itemIndex) };
		case 'final':
		case 'unknown': {
			// The recorded description already names the task.
			const error: TaskFailure = taskError({ ...ctx, taskId: undefined }, prior.error?.message ?? 'The task failed', prior.error?.description);
			if (prior.taskId) error.context.taskId = prior.taskId;
			if (prior.error?.moderated) error.moderation = prior.error.moderated as unknown as ModerationOutcome;
			throw error;
		}
		case 'ready': {
			let failure: unknown;
			try {
				return await finish(env, job, prior.json ?? {}, startedAt, deadline, ctx);
			} catch (error) {
				failure = error;
			}
			if (!prior.pollingUrl) throw asNodeError(env.context.getNode(), failure, job.itemIndex);
			// The URL may have expired: ask BFL for the result again (free), then download.
		}
		// falls through
		case 'submitted': {
			if (!prior.pollingUrl) throw taskError(ctx, 'The earlier task has no polling URL to collect it with', 'Run the workflow again.');
			const slots = env.slotsFor(request.model.bucket);
			await slots.acquire(env.control.aborted);
			let holding = true;
			const releaseSlot = () => {
				if (holding) slots.release();
				holding = false;
			};
			const json = prior.json ? { ...prior.json } : { ...submittedJsonFromLedger(request, prior) };
			try {
				return await waitAndDownload(env, job, {
					ctx,
					json,
					pollingUrl: prior.pollingUrl,
					deadline,
					startedAt,
					submittedAt: Date.now(),
					earlier: true,
					releaseSlot,
				});
			} finally {
				releaseSlot();
			}
		}
	}
}

function submittedJsonFromLedger(request: TaskRequest, prior: LedgerEntry): IDataObject {
	return { taskId: prior.taskId, model: request.model.id, operation: request.operation, cost: prior.cost ?? null, inputMp: null, outputMp: null };
}

/** Get Result: wait on a polling URL from earlier, then the same download and JSON. */
async function collectTask(env: JobEnvironment, job: Job): Promise<Outcome> {
	const collect = job.collect as NonNullable<Job['collect']>;
	const ctx: ApiErrorContext = { context: env.context, itemIndex: job.itemIndex, taskId: new URL(collect.pollingUrl).searchParams.get('id') ?? undefined };
	const startedAt = Date.now();
	const deadline = deadlineIn(collect.timeoutSeconds);
	const result = await waitForResult(ctx, {
		pollingUrl: collect.pollingUrl,
		apiHosts: [env.baseUrl],
		deadline,
		control: env.control,
		schedule: POLL_SCHEDULES.image,
		earlier: true,
	});
	const video = /\.mp4(\?|$)/i.test(result.sample);
	const ready = readyJson({ taskId: ctx.taskId ?? null, pollingUrl: collect.pollingUrl, cost: null }, {}, result, video);
	if (env.control.signal.aborted) throw cancelled(env.control);
	return await finish(env, job, ready, startedAt, deadline, ctx);
}
