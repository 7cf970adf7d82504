import type { IDataObject } from 'n8n-workflow';

import type { ModerationOutcome, TaskFailure } from '../transport/answers';
import { asNodeError, taskError } from '../transport/errors';
import type { LedgerEntry } from './ledger';
import { HeldSlot } from './limiter';
import { itemOf } from './output';
import { finish, startRun, waitUntilReady, type TaskRun } from './steps';
import type { JobEnvironment, NewTask, Outcome } from './types';

/**
 * n8n's Retry On Fail runs the node again in the same execution: an item whose task exists
 * already is collected from the ledger instead of paying for it again.
 */
export async function collectRecorded(
	env: JobEnvironment,
	job: NewTask,
	prior: LedgerEntry,
): Promise<Outcome> {
	const run = startRun(env, job, job.request.timeoutSeconds, prior.taskId);
	switch (prior.state) {
		case 'returned':
			return { item: itemOf(env.settings.presenter.item({ ...prior.json }), job.itemIndex) };
		case 'final':
		case 'unknown':
			throw recordedFailure(run, prior);
		case 'ready': {
			let failure: unknown;
			try {
				return await finish(env, job, prior.json ?? {}, run);
			} catch (error) {
				failure = error;
			}
			if (!prior.pollingUrl) throw asNodeError(env.context.getNode(), failure, job.itemIndex);
			// The URL may have expired: ask BFL for the result again (free), then download.
			return await pollAgain(env, job, run, prior);
		}
		case 'submitted':
			return await pollAgain(env, job, run, prior);
	}
}

/** The same failure as the earlier try's (the recorded description already names the task). */
function recordedFailure(run: TaskRun, prior: LedgerEntry): TaskFailure {
	const error: TaskFailure = taskError(
		{ ...run.ctx, taskId: undefined },
		prior.error?.message ?? 'The task failed',
		prior.error?.description,
	);
	if (prior.taskId) error.context.taskId = prior.taskId;
	if (prior.error?.moderated)
		error.moderation = prior.error.moderated as unknown as ModerationOutcome;
	return error;
}

/** Polls the earlier task at once (it has been running meanwhile), then downloads it. */
async function pollAgain(
	env: JobEnvironment,
	job: NewTask,
	run: TaskRun,
	prior: LedgerEntry,
): Promise<Outcome> {
	if (!prior.pollingUrl)
		throw taskError(
			run.ctx,
			'The earlier task has no polling URL to collect it with',
			'Run the workflow again.',
		);
	const slot = await HeldSlot.take(env.slotsFor(job.request.model.bucket), env.control.aborted);
	try {
		const json = prior.json ? { ...prior.json } : jsonFromLedger(job, prior);
		const ready = await waitUntilReady(env, job, run, {
			json,
			pollingUrl: prior.pollingUrl,
			slot,
			earlier: true,
		});
		return await finish(env, job, ready, run);
	} finally {
		slot.release();
	}
}

function jsonFromLedger({ request }: NewTask, prior: LedgerEntry): IDataObject {
	return {
		taskId: prior.taskId,
		model: request.model.id,
		operation: request.operation,
		cost: prior.cost ?? null,
		inputMp: null,
		outputMp: null,
	};
}
