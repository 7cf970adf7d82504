import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { CreditBudget } from './budget';
import { createRunControl, DEFAULT_TIMEOUT_SECONDS, DurationEstimates } from '../transport/clock';
import { asNodeError, describeHttpError, toApiError } from '../transport/errors';
import { apiBaseUrl } from '../transport/hosts';
import { CONCURRENT_DOWNLOADS, InFlight, itemOf, NotStarted, runJob, type Job, type JobEnvironment, type RunSettings } from './job';

export type { RunSettings };
import { hash, stableJson, TaskLedger } from './ledger';
import { TaskSlots } from './limiter';
import { BUCKET_LIMITS, type ConcurrencyBucket } from '../models';
import { cachedParameters, readTaskRequest, type TaskRequest } from '../actions/request';
import { agentAdvice } from '../agent';
import { CREDENTIAL_TYPE, type ModerationOutcome, type TaskFailure } from '../transport/api';
import { MIN_SECRET_LENGTH } from '../transport/webhookSecret';

/**
 * The items of one run of the node, from parameters to binary data. Every item is read and
 * validated first, so bad input fails before anything is paid. Then all items run at once, each
 * waiting for a slot of its concurrency bucket: the slot is held from submit until BFL says the
 * task ended, and the download runs after it is given back.
 *
 * Each task is written down in the node's context (ledger.ts) as it goes, so that n8n's Retry On
 * Fail collects what was paid for instead of paying again.
 */


interface Failure {
	itemIndex: number;
	error: Error;
}

export function errorJson(error: Error, taskId?: string, model?: string): IDataObject {
	const description = (error as NodeApiError).description;
	const id = taskId ?? ((error as NodeApiError).context?.taskId as string | undefined);
	return {
		error: error.message,
		...(description ? { description } : {}),
		...(id ? { taskId: id } : {}),
		...(model ? { model } : {}),
	};
}

/** What identifies a request: its body as typed and the identity of every binary it names. */
function fingerprintOf(context: IExecuteFunctions, itemIndex: number, request: TaskRequest): string {
	const binaries = context.getInputData()[itemIndex].binary ?? {};
	const identities: Record<string, string> = {};
	for (const field of request.mediaFields) {
		const value = request.body[field.api];
		const names = (Array.isArray(value) ? value : [value]).map((entry) => String(Array.isArray(entry) ? entry[1] : entry));
		for (const name of names) {
			const binary = binaries[name];
			if (!binary) continue;
			identities[name] = [binary.id ?? '', binary.fileName ?? '', binary.mimeType, binary.data?.length ?? 0, hash(binary.data?.slice(0, 65536) ?? '')].join('|');
		}
	}
	return hash(
		stableJson({
			model: request.model.id,
			operation: request.operation,
			body: request.body,
			identities,
			trigger: request.triggerUrl ?? null,
			wait: request.waitForResult,
		}),
	);
}

export async function runTasks(context: IExecuteFunctions, settings: RunSettings): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const node = context.getNode();
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = apiBaseUrl(node, credentials);
	const control = createRunControl(node, context.getExecutionCancelSignal?.());
	const { version, toolMode } = settings;
	const continueOnFail = settings.continueOnFail || toolMode;
	const options = (context.getNodeParameter('options', 0, {}) ?? {}) as IDataObject;
	const routeModerated = version >= 2 && Boolean(options.routeModerated) && !toolMode;
	const resource = version >= 2 ? (context.getNodeParameter('resource', 0) as string) : 'image';

	// Phase 1: every item's parameters, before anything is sent.
	const results: Array<INodeExecutionData | undefined> = new Array(items.length);
	const moderatedItems: INodeExecutionData[] = [];
	const jobs: Job[] = [];
	const param = cachedParameters(context);
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			if (resource === 'task') {
				const pollingUrl = taskUrl(context, itemIndex, baseUrl);
				const itemOptions = (context.getNodeParameter('options', itemIndex, {}) ?? {}) as IDataObject;
				jobs.push({
					itemIndex,
					fingerprint: '',
					collect: {
						pollingUrl,
						download: itemOptions.download === undefined ? !toolMode : Boolean(itemOptions.download),
						binaryPropertyName: String(itemOptions.binaryPropertyName || 'data'),
						timeoutSeconds: Number(itemOptions.timeoutSeconds) || DEFAULT_TIMEOUT_SECONDS.video,
					},
				});
				continue;
			}
			const request = readTaskRequest(context, itemIndex, version, param);
			if (request.triggerUrl && String(credentials.webhookSecret ?? '').length < MIN_SECRET_LENGTH) {
				throw new NodeOperationError(node, 'FLUX Trigger URL (triggerUrl) is set, but the BFL credential has no Webhook Secret', {
					itemIndex,
					description: `Set a Webhook Secret (${MIN_SECRET_LENGTH} characters or more) in the BFL credential used by this node and by the FLUX Trigger. Nothing was sent to BFL.`,
				});
			}
			if (toolMode) {
				// An agent gets the URL; the bytes only when the tool asks for them.
				const rawOptions = (param('options', itemIndex, {}) ?? {}) as IDataObject;
				request.download = (version >= 2 ? rawOptions.download : rawOptions.downloadImage) === true;
			}
			jobs.push({ itemIndex, request, fingerprint: fingerprintOf(context, itemIndex, request) });
		} catch (error) {
			if (!continueOnFail) throw asNodeError(node, error, itemIndex);
			results[itemIndex] = itemOf(toolMode ? toolError(error as Error) : errorJson(error as Error), itemIndex);
		}
	}

	let ledgerContext: IDataObject | undefined;
	let flowContext: IDataObject | undefined;
	try {
		ledgerContext = context.getContext('node');
		flowContext = context.getContext('flow');
	} catch {
		// Tool calls may run without an execution context: no retries to serve there.
	}
	const ledger = new TaskLedger(ledgerContext, runIndexOf(context));
	const budget = new CreditBudget(flowContext, Number(options.maxCredits) || 0);
	const retryOnFail = Boolean(node.retryOnFail);

	const slotsByBucket = new Map<ConcurrencyBucket, TaskSlots>();
	const maxConcurrent = Number(options.maxConcurrentTasks) || 0;
	const slotsFor = (bucket: ConcurrencyBucket) => {
		let slots = slotsByBucket.get(bucket);
		if (!slots) {
			slots = new TaskSlots(maxConcurrent > 0 ? maxConcurrent : BUCKET_LIMITS[bucket]);
			slotsByBucket.set(bucket, slots);
		}
		return slots;
	};

	let balanceCheck: Promise<void> | undefined;
	const minimumBalance = Number(options.minimumBalance) || 0;
	const ensureBalance = () => {
		if (minimumBalance <= 0) return Promise.resolve();
		balanceCheck ??= checkBalance(context, baseUrl, minimumBalance);
		return balanceCheck;
	};

	let firstFailure: Failure | undefined;
	let stopped = false;
	const stop = (failure: Failure) => {
		firstFailure ??= failure;
		if (retryOnFail) {
			// n8n will run the node again: let the tasks in flight finish into the ledger, start no more.
			for (const slots of slotsByBucket.values()) slots.close(new NotStarted('not started'));
			stopped = true;
		} else {
			control.abort();
		}
	};

	const environment: JobEnvironment = {
		durations: new DurationEstimates(),
		submitting: new InFlight(),
		downloads: new TaskSlots(CONCURRENT_DOWNLOADS),
		context,
		settings,
		control,
		credentials,
		baseUrl,
		ledger,
		budget,
		slotsFor,
		ensureBalance,
		isStopped: () => stopped,
	};

	await Promise.all(
		jobs.map(async (job) => {
			try {
				const outcome = await runJob(environment, job);
				if (outcome.item) results[job.itemIndex] = outcome.item;
				if (outcome.moderated) moderatedItems.push(outcome.moderated);
			} catch (caught) {
				const error = caught as TaskFailure;
				if (error instanceof NotStarted) return;
				if (control.signal.aborted) return; // a consequence of the first failure, or of a cancelled execution
				if (routeModerated && error.moderation) {
					moderatedItems.push(itemOf(moderatedJson(error, job), job.itemIndex));
					return;
				}
				if (continueOnFail) {
					results[job.itemIndex] = itemOf(
						toolMode ? toolError(error) : errorJson(error, undefined, job.request?.model.id),
						job.itemIndex,
					);
					return;
				}
				stop({ itemIndex: job.itemIndex, error });
			}
		}),
	);
	control.dispose();

	if (firstFailure) {
		const { error, itemIndex } = firstFailure;
		if (error instanceof NodeApiError || error instanceof NodeOperationError) throw error;
		throw new NodeOperationError(node, error, { itemIndex });
	}
	const output = results.filter((result): result is INodeExecutionData => Boolean(result));
	if (control.signal.aborted || output.length + moderatedItems.length < items.length) {
		throw new NodeOperationError(node, 'The execution was cancelled before every item was done');
	}
	if (version >= 2 && !toolMode) {
		// The execution's total so far, across every FLUX node of the workflow.
		for (const item of output) if (item.json.taskId && !item.json.error) item.json.executionCost = budget.spent;
	}
	return routeModerated ? [output, moderatedItems.sort((a, b) => pairedIndex(a) - pairedIndex(b))] : [output];
}

/** Which run of this node in the execution this is (0, or more in a loop). */
function runIndexOf(context: IExecuteFunctions): number {
	try {
		return Number(context.getWorkflowDataProxy(0).$runIndex) || 0;
	} catch {
		return 0;
	}
}

function pairedIndex(item: INodeExecutionData): number {
	const paired = item.pairedItem;
	return typeof paired === 'object' && paired && !Array.isArray(paired) ? paired.item : 0;
}

/** Get Result's `task`: a polling URL, or a task ID looked up on the credential's host. */
function taskUrl(context: IExecuteFunctions, itemIndex: number, baseUrl: string): string {
	const task = String(context.getNodeParameter('task', itemIndex, '') ?? '').trim();
	if (/^https?:\/\//i.test(task)) return task;
	if (/^[A-Za-z0-9-]{8,}$/.test(task)) return `${baseUrl}/v1/get_result?id=${encodeURIComponent(task)}`;
	throw new NodeOperationError(context.getNode(), `Task (task) must be a polling URL or a task ID; got "${task}"`, {
		itemIndex,
		description: 'Use the pollingUrl (or taskId) a FLUX node returned with Wait for Result off.',
	});
}

function moderatedJson(error: TaskFailure, job: Job): IDataObject {
	const moderation = error.moderation as ModerationOutcome;
	return {
		...errorJson(error, undefined, job.request?.model.id),
		status: moderation.status,
		stage: moderation.stage,
		reasons: moderation.reasons,
		hint: moderation.hint,
		prompt: typeof job.request?.body.prompt === 'string' ? job.request.body.prompt : null,
	};
}

/** An error as an AI agent gets it: what happened, and what it can do about it. */
function toolError(error: Error): IDataObject {
	const advice = agentAdvice(error.message, (error as NodeApiError).description ?? undefined, Boolean((error as TaskFailure).moderation));
	const taskId = (error as NodeApiError).context?.taskId;
	return { error: error.message, ...(advice ? { advice } : {}), ...(taskId ? { taskId } : {}) };
}

async function checkBalance(context: IExecuteFunctions, baseUrl: string, minimum: number): Promise<void> {
	let credits: number;
	try {
		const answer = (await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, {
			method: 'GET',
			url: `${baseUrl}/v1/credits`,
			json: true,
		})) as { credits?: unknown };
		credits = Number(answer?.credits);
	} catch (error) {
		throw toApiError({ context, itemIndex: 0 }, describeHttpError(error), 'checking the credit balance');
	}
	if (!Number.isFinite(credits) || credits < minimum) {
		throw new NodeOperationError(
			context.getNode(),
			`The BFL account has ${Number.isFinite(credits) ? credits : 'an unknown number of'} credits, below the Minimum Balance of ${minimum}: nothing was submitted`,
			{ description: 'Top up at https://dashboard.bfl.ai, or lower Minimum Balance in the options.' },
		);
	}
}

