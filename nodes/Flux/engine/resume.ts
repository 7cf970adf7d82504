import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { asNodeError } from '../transport/errors';
import { callbackProof, provesSecret } from '../transport/webhookSecret';
import { wakeReason } from '../transport/wake';
import { collectOutputs, lookAtTasks } from './collect';
import { readDispatch } from './manifest';
import { stopWatching } from './watchdog';

/**
 * A call of a waiting execution's resume URL (dispatch.ts): BFL's callback for one task, or the
 * node's own check or deadline. It must prove the dispatch's secret. While a task still runs the
 * execution keeps waiting (nothing is saved); once every task has ended, or at the deadline, the
 * results are downloaded here, outside any execution timeout, and the execution resumes with them.
 */

/**
 * Calls of one execution's resume URL look at the tasks one after the other (BFL calls back for
 * every task, often at the same moment): the first to find every task ended collects, and the
 * calls after it start nothing. Per process; n8n 2.x also refuses a second resume across processes.
 */
const turns = new Map<string, Promise<unknown>>();
const collected = new Map<string, number>();
const COLLECTED_FORGOTTEN_MS = 3_600_000;

export async function resumeDispatched(context: IWebhookFunctions): Promise<IWebhookResponseData> {
	const dispatch = await readDispatch(context);
	if (!dispatch) return { webhookResponse: { received: true, waiting: false } };
	if (!provesSecret(callbackProof(context), dispatch.secret)) {
		context.getResponseObject().status(401).json({
			error: 'Unauthorized: neither X-Webhook-Secret nor X-BFL-Signature proves the secret',
		});
		return { noWebhookResponse: true };
	}
	const executionId = context.getExecutionId();
	const final =
		wakeReason(context.getQueryData() as Record<string, unknown>) === 'deadline' ||
		Date.now() >= dispatch.deadlineAt;
	const endings = await inTurn(executionId, async () => {
		if (collected.has(executionId)) return 'collected';
		const looked = await lookAtTasks(context, dispatch.entries, !final);
		if (looked) collected.set(executionId, Date.now());
		return looked;
	});
	if (endings === 'collected') return { webhookResponse: { received: true, collecting: true } };
	if (!endings) return { webhookResponse: { received: true, waiting: true } };
	try {
		// Answered before the downloads: BFL waits for its answer a short while only.
		context.getResponseObject().status(200).json({ received: true, resuming: true });
		const outputs = await collectOutputs(context, dispatch, endings);
		stopWatching(executionId);
		return { noWebhookResponse: true, workflowData: outputs };
	} catch (error) {
		collected.delete(executionId); // a later call may try again
		throw asNodeError(context.getNode(), error);
	}
}

/** Runs `look` after the calls of the same execution before it. */
async function inTurn<T>(executionId: string, look: () => Promise<T>): Promise<T> {
	forgetOld();
	const before = turns.get(executionId) ?? Promise.resolve();
	const mine = before.then(look, look);
	const settled = mine.then(
		() => undefined,
		() => undefined,
	);
	turns.set(executionId, settled);
	try {
		return await mine;
	} finally {
		if (turns.get(executionId) === settled) turns.delete(executionId);
	}
}

function forgetOld(): void {
	const before = Date.now() - COLLECTED_FORGOTTEN_MS;
	for (const [id, at] of collected) if (at < before) collected.delete(id);
}
