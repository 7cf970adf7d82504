import { NodeOperationError, type IDataObject, type NodeApiError } from 'n8n-workflow';

import { resolveMedia } from '../media/inputs';
import { pollingUrlOf, type SubmitAnswer } from '../transport/answers';
import { cancelled, expires, type Deadline } from '../transport/clock';
import { asNodeError, taskError, type ApiErrorContext } from '../transport/errors';
import { lookOnce, waitForResult, type PollInput } from '../transport/poll';
import { outcomeUnknown, submitTask } from '../transport/submit';
import { HeldSlot } from './limiter';
import { itemOf, readyJson, submittedJson } from './output';
import { expectedCost } from './price';
import { collectRecorded } from './retry';
import { finish, startRun, waitUntilReady, type TaskRun } from './steps';
import {
	NotStarted,
	type CollectTask,
	type JobEnvironment,
	type NewTask,
	type Outcome,
} from './types';

/**
 * One item's life, top to bottom: reserve a slot, submit (media resolved, credits reserved), wait
 * until BFL says the task ended (the slot is given back then), download, output. Or, on n8n's
 * retry, the task it already paid for, collected from the ledger (retry.ts).
 */
export async function runNewTask(env: JobEnvironment, job: NewTask): Promise<Outcome> {
	const prior = env.ledger.find(job.key, job.fingerprint);
	if (prior) return await collectRecorded(env, job, prior);
	if (env.isStopped()) throw new NotStarted('not started');

	const slot = await HeldSlot.take(env.slotsFor(job.request.model.bucket), env.control.aborted);
	const run = startRun(env, job, job.request.timeoutSeconds);
	try {
		if (env.isStopped()) throw new NotStarted('not started');
		const { answer, json, cost } = await submit(env, job, run, slot);
		if (!job.request.waitForResult) {
			slot.release();
			return returnedAtOnce(env, job, answer, json);
		}
		if (!answer.polling_url)
			throw taskError(run.ctx, 'BFL accepted the task but sent no polling_url to wait on');
		const ready = await waitUntilReady(env, job, run, {
			json,
			pollingUrl: answer.polling_url,
			slot,
			cost,
		});
		return await finish(env, job, ready, run);
	} finally {
		// Whatever happened: the slot is free once the task ended.
		slot.release();
	}
}

interface Submitted {
	answer: SubmitAnswer;
	json: IDataObject;
	/** Credits counted for the task in the execution's total. */
	cost: number;
}

/**
 * The media resolved into the body BFL takes (a new object, gone once sent), the balance and the
 * spend cap checked, credits reserved, the submit sent once; the task is recorded in the ledger.
 */
async function submit(
	env: JobEnvironment,
	job: NewTask,
	run: TaskRun,
	slot: HeldSlot,
): Promise<Submitted> {
	const { request, itemIndex } = job;
	const { context, control, budget, ledger } = env;
	const media = await resolveMedia({
		context,
		itemIndex,
		model: request.model,
		body: request.body,
		fields: request.mediaFields,
		deadline: run.deadline,
		control,
	});
	await env.ensureBalance();
	const reserved = reserveCredits(env, job, expectedCost(request, media.facts));
	const webhook = request.webhook
		? { webhook_url: request.webhook.url, webhook_secret: request.webhook.secret }
		: {};
	env.submitting.start();
	let answer: SubmitAnswer;
	try {
		answer = await submitTask(run.ctx, {
			url: request.submitUrl,
			body: { ...request.body, ...media.values, ...webhook },
			deadline: run.deadline,
			control,
			slot: {
				throttled: async (retryAfterMs) =>
					await slot.throttled(retryAfterMs, (done) => giveUpAt(env, run, done)),
			},
		});
	} catch (error) {
		budget.release(reserved);
		if (outcomeUnknown(error)) recordUnknown(env, job, error as NodeApiError);
		throw asNodeError(context.getNode(), error, itemIndex);
	} finally {
		env.submitting.end();
	}
	slot.accepted();
	run.ctx.taskId = answer.id;
	const cost = budget.settle(reserved, answer.cost ?? undefined);
	ledger.record(job.key, {
		fingerprint: job.fingerprint,
		state: 'submitted',
		taskId: answer.id,
		pollingUrl: answer.polling_url ?? undefined,
		cost,
	});
	return { answer, json: jsonAfterSubmit(job, answer), cost };
}

/** The item's JSON once BFL accepted the task: which of the item's images, and the size asked for. */
function jsonAfterSubmit(job: NewTask, answer: SubmitAnswer): IDataObject {
	const { request } = job;
	return {
		...submittedJson(request.model, request.operation, answer),
		// One of several images of the item: which one (the output items keep the input's order).
		...(job.images > 1 ? { imageIndex: job.variant } : {}),
		...(request.requestedSize
			? {
					requestedWidth: request.requestedSize.width,
					requestedHeight: request.requestedSize.height,
				}
			: {}),
	};
}

/** Reserves the task's expected credits, or refuses it when it could take the execution past its cap. */
function reserveCredits(env: JobEnvironment, job: NewTask, expected: number): number {
	const refusal = env.budget.refusal(expected);
	if (refusal) {
		throw new NodeOperationError(
			env.context.getNode(),
			`Max Credits per Execution reached: ${refusal}`,
			{
				itemIndex: job.itemIndex,
				description:
					'Nothing was sent to BFL for this item. Raise "Max Credits per Execution" in the options to allow more.',
			},
		);
	}
	return env.budget.reserve(expected);
}

/** A submit whose outcome is unknown is never sent again, n8n's retries included. */
function recordUnknown(env: JobEnvironment, job: NewTask, error: NodeApiError): void {
	env.ledger.record(job.key, {
		fingerprint: job.fingerprint,
		state: 'unknown',
		taskId: error.context?.taskId as string | undefined,
		error: { message: error.message, description: error.description ?? undefined },
	});
}

/** A throttled item waits for a slot until the run is cancelled or its deadline passes. */
function giveUpAt(env: JobEnvironment, run: TaskRun, done: AbortSignal): Promise<never> {
	return Promise.race([
		env.control.aborted,
		expires(run.deadline, () => throttledTooLong(run.ctx, run.deadline), done),
	]);
}

function throttledTooLong(ctx: ApiErrorContext, deadline: Deadline): Error {
	return taskError(
		ctx,
		`BFL is busy: too many active tasks for this account, and no slot freed within ${deadline.seconds} s`,
		'BFL allows 24 active tasks per account (6 for FLUX.1 Kontext [max], 5 for videos), shared by every workflow using the key. Nothing was submitted for this item. Raise "Timeout (Seconds)" or run fewer items at once.',
		429,
	);
}

/** Wait for Result off (or a webhook): the answer right after the submit, with what to collect it by. */
function returnedAtOnce(
	env: JobEnvironment,
	job: NewTask,
	answer: SubmitAnswer,
	json: IDataObject,
): Outcome {
	const { request } = job;
	const webhookUrl = request.webhook?.url ?? request.body.webhook_url;
	const returned: IDataObject = {
		...json,
		status: answer.status ?? 'Submitted',
		pollingUrl: pollingUrlOf(answer, request.submitUrl),
		...(webhookUrl ? { webhookUrl: String(webhookUrl) } : {}),
	};
	env.ledger.update(job.key, { state: 'returned', json: returned });
	return { item: itemOf(env.settings.presenter.item(returned), job.itemIndex) };
}

/** Get Result: wait on a polling URL from earlier, then the same download and JSON. */
export async function runCollect(env: JobEnvironment, job: CollectTask): Promise<Outcome> {
	const taskId = new URL(job.pollingUrl).searchParams.get('id') ?? undefined;
	const run = startRun(env, job, job.timeoutSeconds, taskId);
	const poll: PollInput = {
		pollingUrl: job.pollingUrl,
		apiHosts: job.apiHosts,
		deadline: run.deadline,
		control: env.control,
		schedule: job.schedule,
		earlier: true,
	};
	let result;
	if (job.lookOnce) {
		const look = await lookOnce(run.ctx, poll);
		if (look.running) {
			const json = {
				stillRunning: true,
				taskId: taskId ?? null,
				pollingUrl: job.pollingUrl,
				...look.running,
				checkedAt: new Date().toISOString(),
			};
			return { running: itemOf(env.settings.presenter.item(json), job.itemIndex) };
		}
		result = look.ready;
	} else {
		result = await waitForResult(run.ctx, poll);
	}
	const video = /\.mp4(\?|$)/i.test(result.sample);
	const ready = readyJson(
		{ taskId: taskId ?? null, pollingUrl: job.pollingUrl, cost: null },
		{},
		result,
		video,
	);
	if (env.control.signal.aborted) throw cancelled(env.control);
	return await finish(env, job, ready, run);
}
