import type { IDataObject } from 'n8n-workflow';

import type { ReadyResult, TaskFailure } from '../transport/answers';
import { deadlineIn, type Deadline } from '../transport/clock';
import type { DownloadContext } from '../transport/download';
import { asNodeError } from '../transport/errors';
import { waitForResult, type PollInput } from '../transport/poll';
import type { HeldSlot } from './limiter';
import { itemOf, readyJson } from './output';
import { DOWNLOAD_DEFER_MS } from './pacing';
import { lastingLink } from './links';
import { storeResult } from './result';
import type { Job, JobEnvironment, NewTask, Outcome } from './types';

/**
 * The steps after a submit, shared by a new task, a task collected on n8n's retry and Get Result:
 * wait until the task ends, then download the result and build the item.
 */

/** One item's run of a task: who errors name, its deadline, when it started. */
export interface TaskRun {
	ctx: DownloadContext;
	deadline: Deadline;
	startedAt: number;
}

export function startRun(
	env: JobEnvironment,
	job: Job,
	timeoutSeconds: number,
	taskId?: string,
): TaskRun {
	return {
		ctx: { context: env.context, itemIndex: job.itemIndex, taskId },
		deadline: deadlineIn(timeoutSeconds),
		startedAt: Date.now(),
	};
}

export interface WaitInput {
	/** The item's JSON so far (from the submit, or the ledger). */
	json: IDataObject;
	pollingUrl: string;
	slot: HeldSlot;
	/** Collecting a task submitted in an earlier try: poll at once. */
	earlier?: boolean;
	/** Credits already counted for this task in the execution's total. */
	cost?: number;
}

/** Polls until the task ends (the slot is given back then) and records it; the Ready item's JSON. */
export async function waitUntilReady(
	env: JobEnvironment,
	job: NewTask,
	run: TaskRun,
	input: WaitInput,
): Promise<IDataObject> {
	const { model, body } = job.request;
	let result: ReadyResult | undefined;
	let failure: unknown;
	try {
		result = await waitForResult(run.ctx, pollInput(env, job, run, input));
	} catch (error) {
		failure = error;
	}
	input.slot.release();
	if (failure || !result) {
		recordFailure(env, job, failure as TaskFailure);
		throw asNodeError(env.context.getNode(), failure, job.itemIndex);
	}
	if (
		typeof result.settledCost === 'number' &&
		input.cost !== undefined &&
		result.settledCost !== input.cost
	) {
		env.budget.adjust(input.cost, result.settledCost);
	}
	const ready = readyJson(input.json, body, result, model.resource === 'video');
	env.ledger.update(job.key, {
		state: 'ready',
		json: ready,
		cost: typeof ready.cost === 'number' ? ready.cost : input.cost,
	});
	return ready;
}

function pollInput(env: JobEnvironment, job: NewTask, run: TaskRun, input: WaitInput): PollInput {
	const { request } = job;
	const safetyField = request.model.fields.find((field) => field.api === 'safety_tolerance');
	const similar = durationKey(job);
	return {
		pollingUrl: input.pollingUrl,
		apiHosts: request.apiHosts,
		deadline: run.deadline,
		control: env.control,
		schedule: request.schedule,
		submittedAt: Date.now(),
		earlier: input.earlier,
		noun: request.model.resource,
		expected: {
			age: () => env.durations.expected(similar),
			observe: (age) => env.durations.observe(similar, age),
			changed: () => env.durations.changed(similar),
		},
		safetyTolerance:
			typeof request.body.safety_tolerance === 'number'
				? request.body.safety_tolerance
				: Number(safetyField?.default),
		maxSafetyTolerance: safetyField && 'max' in safetyField ? safetyField.max : undefined,
	};
}

/** Tasks with the same model and size take about as long. */
function durationKey({ request }: NewTask): string {
	const { body } = request;
	return [
		request.model.id,
		request.operation,
		body.width,
		body.height,
		body.aspect_ratio,
		body.resolution,
		body.duration,
	].join('|');
}

/** Moderation of the same request is final; a generation error is worth a new task; anything else keeps the task to collect. */
function recordFailure(env: JobEnvironment, job: NewTask, error: TaskFailure): void {
	if (error.moderation) {
		env.ledger.update(job.key, {
			state: 'final',
			error: {
				message: error.message,
				description: error.description ?? undefined,
				moderated: { ...error.moderation },
			},
		});
	} else if (error.taskStatus) {
		env.ledger.forget(job.key);
	}
	// Timeouts, network trouble, cancellation: the task may still finish; a retry polls it again.
}

/** The download (unless turned off) and the item's final JSON. */
export async function finish(
	env: JobEnvironment,
	job: Job,
	ready: IDataObject,
	run: TaskRun,
): Promise<Outcome> {
	const { download, binaryPropertyName } = job.kind === 'new' ? job.request : job;
	const json: IDataObject = { ...ready };
	const present = env.settings.presenter.item;
	// An agent gets no binary data: its result is kept by n8n only to serve a lasting link.
	const lasting = !download && env.settings.lastingLinks && (await env.servesLinks());
	if (!download && !lasting) {
		json.elapsedSeconds = (Date.now() - run.startedAt) / 1000;
		return { item: itemOf(present(json), job.itemIndex) };
	}
	const fileBaseName = `${json.model ?? 'flux'}-${json.taskId}`;
	// A task that just ended freed a slot: the submit that takes it goes first (time is the next
	// task's; the result's URL is valid for minutes).
	await env.submitting.idle(DOWNLOAD_DEFER_MS);
	await env.downloads.acquire(env.control.aborted);
	let stored: Awaited<ReturnType<typeof storeResult>>;
	try {
		stored = await storeResult(
			run.ctx,
			String(json.sampleUrl),
			fileBaseName,
			run.deadline,
			env.control,
		);
	} finally {
		env.downloads.release();
	}
	Object.assign(json, stored.described, { elapsedSeconds: (Date.now() - run.startedAt) / 1000 });
	const binary = stored.binary;
	if (lasting)
		return {
			item: itemOf(present({ ...json, ...lastingLink(env.context, binary) }), job.itemIndex),
		};
	return { item: itemOf(present(json), job.itemIndex, { [binaryPropertyName]: binary }) };
}
