import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { BUCKET_LIMITS, type ConcurrencyBucket } from '../models';
import { apiCall } from '../transport/api';
import type { TaskFailure } from '../transport/answers';
import { DurationEstimates } from '../transport/cadence';
import { createRunControl } from '../transport/clock';
import { CreditBudget } from './budget';
import { runCollect, runNewTask } from './job';
import { TaskLedger } from './ledger';
import { TaskSlots } from './limiter';
import { servesLastingLinks } from './links';
import { itemOf, moderatedJson } from './output';
import { CONCURRENT_DOWNLOADS, InFlight } from './pacing';
import { NotStarted, type Job, type JobEnvironment, type RunSettings } from './types';

/**
 * One run of the node over the jobs it was handed: all run at once, each waiting for a slot of its
 * concurrency bucket, under one failure policy. Each task is written down in the node's context
 * (ledger.ts) as it goes, so that n8n's Retry On Fail collects what was paid for instead of paying
 * again. `early` holds the items that already failed while their parameters were read.
 */
export async function runJobs(
	context: IExecuteFunctions,
	settings: RunSettings,
	jobs: Job[],
	early: Array<INodeExecutionData | undefined>,
): Promise<INodeExecutionData[][]> {
	const run = new Run(context, settings);
	await Promise.all(jobs.map(async (job) => await run.settle(job)));
	return run.outputs(early, jobs);
}

interface Failure {
	itemIndex: number;
	error: Error;
}

class Run {
	private readonly env: JobEnvironment;

	private readonly control: ReturnType<typeof createRunControl>;

	private readonly slotsByBucket = new Map<ConcurrencyBucket, TaskSlots>();

	/** Each job's output item, by job key. */
	private readonly results = new Map<string, INodeExecutionData>();

	private readonly moderated: INodeExecutionData[] = [];

	private readonly running: INodeExecutionData[] = [];

	private firstFailure: Failure | undefined;

	private stopped = false;

	private balanceCheck: Promise<void> | undefined;

	private servesLinks: Promise<boolean> | undefined;

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly settings: RunSettings,
	) {
		this.control = createRunControl(context.getNode(), context.getExecutionCancelSignal?.());
		const { node, flow } = executionContexts(context);
		this.env = {
			context,
			settings,
			control: this.control,
			ledger: new TaskLedger(node, runIndexOf(context)),
			budget: new CreditBudget(flow, settings.maxCredits),
			durations: new DurationEstimates(),
			submitting: new InFlight(),
			downloads: new TaskSlots(CONCURRENT_DOWNLOADS),
			slotsFor: (bucket) => this.slotsFor(bucket),
			ensureBalance: () => this.ensureBalance(),
			isStopped: () => this.stopped,
			servesLinks: () => (this.servesLinks ??= servesLastingLinks(context)),
		};
	}

	/** Runs one job to its item, its Moderated item, its error item, or the run's first failure. */
	async settle(job: Job): Promise<void> {
		try {
			const outcome =
				job.kind === 'new' ? await runNewTask(this.env, job) : await runCollect(this.env, job);
			if (outcome.item) this.results.set(job.key, outcome.item);
			if (outcome.moderated) this.moderated.push(outcome.moderated);
			if (outcome.running && this.settings.routeRunning) this.running.push(outcome.running);
			else if (outcome.running) this.results.set(job.key, outcome.running);
		} catch (caught) {
			const error = caught as TaskFailure;
			if (error instanceof NotStarted) return;
			if (this.control.signal.aborted) return; // a consequence of the first failure, or of a cancelled execution
			const model = job.kind === 'new' ? job.request.model.id : undefined;
			if (this.settings.routeModerated && error.moderation) {
				const prompt = job.kind === 'new' ? job.request.body.prompt : undefined;
				this.moderated.push(itemOf(moderatedJson(error, model, prompt), job.itemIndex));
			} else if (this.settings.continueOnFail) {
				this.results.set(
					job.key,
					itemOf(this.settings.presenter.error(error, model), job.itemIndex),
				);
			} else {
				this.stop({ itemIndex: job.itemIndex, error });
			}
		}
	}

	private stop(failure: Failure): void {
		this.firstFailure ??= failure;
		if (this.settings.retryOnFail) {
			// n8n will run the node again: let the tasks in flight finish into the ledger, start no more.
			for (const slots of this.slotsByBucket.values()) slots.close(new NotStarted('not started'));
			this.stopped = true;
		} else {
			this.control.abort();
		}
	}

	/** Done, Moderated (when routed), in input order (an item's images in their order); or the first failure. */
	outputs(early: Array<INodeExecutionData | undefined>, jobs: Job[]): INodeExecutionData[][] {
		this.control.dispose();
		// Every item is done: no probe for a free slot may outlive the run.
		for (const slots of this.slotsByBucket.values()) slots.dispose();
		const node = this.context.getNode();
		if (this.firstFailure) {
			const { error, itemIndex } = this.firstFailure;
			if (error instanceof NodeApiError || error instanceof NodeOperationError) throw error;
			throw new NodeOperationError(node, error, { itemIndex });
		}
		const byItem = new Map<number, INodeExecutionData[]>();
		for (const job of jobs) {
			const item = this.results.get(job.key);
			if (item) byItem.set(job.itemIndex, [...(byItem.get(job.itemIndex) ?? []), item]);
		}
		const output = Array.from({ length: early.length }, (_, index) =>
			early[index] ? [early[index]] : (byItem.get(index) ?? []),
		).flat();
		const expected = early.filter(Boolean).length + jobs.length;
		if (
			this.control.signal.aborted ||
			output.length + this.moderated.length + this.running.length < expected
		) {
			throw new NodeOperationError(node, 'The execution was cancelled before every item was done');
		}
		if (this.settings.reportExecutionCost) {
			// The execution's total so far, across every FLUX node of the workflow.
			for (const item of output)
				if (item.json.taskId && !item.json.error) item.json.executionCost = this.env.budget.spent;
		}
		// Done, then Moderated and Still Running where the node has them (v2/description.ts's outputs).
		const byInput = (items: INodeExecutionData[]) =>
			items.sort((a, b) => pairedIndex(a) - pairedIndex(b));
		return [
			output,
			...(this.settings.routeModerated ? [byInput(this.moderated)] : []),
			...(this.settings.routeRunning ? [byInput(this.running)] : []),
		];
	}

	private slotsFor(bucket: ConcurrencyBucket): TaskSlots {
		let slots = this.slotsByBucket.get(bucket);
		if (!slots) {
			const max = this.settings.maxConcurrent;
			slots = new TaskSlots(max > 0 ? max : BUCKET_LIMITS[bucket]);
			this.slotsByBucket.set(bucket, slots);
		}
		return slots;
	}

	private ensureBalance(): Promise<void> {
		const minimum = this.settings.minimumBalance;
		if (minimum <= 0) return Promise.resolve();
		this.balanceCheck ??= checkBalance(this.context, this.settings.baseUrl, minimum);
		return this.balanceCheck;
	}
}

/** The node's and the execution's context, which n8n keeps across its retries (tool calls may have none). */
function executionContexts(context: IExecuteFunctions): { node?: IDataObject; flow?: IDataObject } {
	try {
		return { node: context.getContext('node'), flow: context.getContext('flow') };
	} catch {
		return {};
	}
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

async function checkBalance(
	context: IExecuteFunctions,
	baseUrl: string,
	minimum: number,
): Promise<void> {
	const answer = (await apiCall(
		{ context, itemIndex: 0 },
		{ method: 'GET', url: `${baseUrl}/v1/credits` },
		'checking the credit balance',
	)) as {
		credits?: unknown;
	};
	const credits = Number(answer?.credits);
	if (!Number.isFinite(credits) || credits < minimum) {
		throw new NodeOperationError(
			context.getNode(),
			`The BFL account has ${Number.isFinite(credits) ? credits : 'an unknown number of'} credits, below the Minimum Balance of ${minimum}: nothing was submitted`,
			{
				description: 'Top up at https://dashboard.bfl.ai, or lower Minimum Balance in the options.',
			},
		);
	}
}
