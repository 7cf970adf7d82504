import { randomBytes } from 'crypto';
import * as n8nWorkflow from 'n8n-workflow';
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { BUCKET_LIMITS, modelLabel } from '../models';
import { storeProbe } from '../transport/download';
import { collectOutputs, lookAtTasks } from './collect';
import {
	customDataHasRoom,
	DISPATCH_FORMAT,
	keepDispatch,
	type Dispatch,
	type DispatchEntry,
} from './manifest';
import { runJobs } from './run';
import type { Job, NewTask, RunSettings } from './types';
import { watchDispatch } from './watchdog';

/**
 * Free the Execution While BFL Works: every item's task is submitted with the execution's resume
 * URL as its webhook; the execution is then saved as waiting, which frees n8n's process or queue
 * worker and runs no execution timeout. Each call of that URL (BFL's callbacks, the node's own
 * checks) runs the node's webhook (resume.ts); once every task has ended it resumes the execution
 * with every item. What it needs is kept before the wait (manifest.ts): nothing is submitted again.
 */

/** n8n's own expiry of the wait comes this long after the node's deadline, which goes first. */
const WAIT_GRACE_MS = 5 * 60_000;

const OPTION = 'Free the Execution While BFL Works (freeExecution)';

/** Whether the option applies: every job is a new task the node would wait for. */
export function dispatches(settings: RunSettings, jobs: Job[]): jobs is NewTask[] {
	return (
		settings.dispatch !== undefined &&
		jobs.length > 0 &&
		jobs.every((job) => job.kind === 'new' && job.request.waitForResult)
	);
}

export async function dispatchJobs(
	context: IExecuteFunctions,
	settings: RunSettings,
	jobs: NewTask[],
	early: Array<INodeExecutionData | undefined>,
): Promise<INodeExecutionData[][]> {
	await refuseWhatCannotWait(context, settings, jobs);
	const resumeUrl = String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0));
	const secret = randomBytes(24).toString('hex');
	const sent = jobs.map((job) => ({
		...job,
		request: { ...job.request, waitForResult: false, webhook: { url: resumeUrl, secret } },
	}));
	const [submitted] = await runJobs(context, { ...settings, routeModerated: false }, sent, early);
	const minutes = settings.dispatch?.deadlineMinutes ?? 60;
	const dispatch: Dispatch = {
		format: DISPATCH_FORMAT,
		node: context.getNode().name,
		secret,
		deadlineAt: Date.now() + minutes * 60_000,
		deadlineMinutes: minutes,
		routeModerated: settings.routeModerated && resumesWithAllOutputs(),
		entries: entriesOf(sent, submitted),
	};
	// Tasks that already ended (quick ones, or every item failed): no need to wait.
	const endings = await lookAtTasks(context, dispatch.entries, true);
	if (endings) {
		const now = { ...dispatch, routeModerated: settings.routeModerated };
		return withOutputs(await collectOutputs(context, now, endings), settings);
	}
	if (!(await keepDispatch(context, dispatch))) throw notKept(context, dispatch);
	context.putExecutionToWait(new Date(dispatch.deadlineAt + WAIT_GRACE_MS));
	watchDispatch(context, resumeUrl, secret, dispatch.deadlineAt);
	// Shown while the execution waits; n8n replaces them with what the webhook returns.
	return withOutputs([submitted.map(withoutWebhookUrl)], settings);
}

/** Everything that would keep the execution from waiting, refused before anything is paid. */
async function refuseWhatCannotWait(
	context: IExecuteFunctions,
	settings: RunSettings,
	jobs: NewTask[],
): Promise<void> {
	const refuse = (reason: string, description: string) =>
		new NodeOperationError(context.getNode(), `${OPTION}: ${reason}`, {
			description: `${description} Nothing was sent to BFL.`,
		});
	const silent = jobs.find(
		(job) => !job.request.model.fields.some((field) => field.api === 'webhook_url'),
	);
	if (silent)
		throw refuse(
			`${modelLabel(silent.request.model)} does not call back (BFL takes no webhook for it)`,
			'Turn the option off, or submit with Wait for Result off and collect with Task → Get Result in a loop (examples/get-result-loop.json).',
		);
	const bucket = jobs[0].request.model.bucket;
	const limit = settings.maxConcurrent > 0 ? settings.maxConcurrent : BUCKET_LIMITS[bucket];
	if (jobs.length > limit)
		throw refuse(
			`${jobs.length} tasks, but the execution waits only once every task is submitted, and at most ${limit} run at BFL at once`,
			`Split the items with Loop Over Items (batches of ${limit}), or raise Max Concurrent Tasks if BFL allows your account more.`,
		);
	if ((await storeProbe(context))?.id === undefined)
		throw refuse(
			'n8n keeps binary data in memory, so nothing the node needs survives the wait',
			'Set N8N_DEFAULT_BINARY_DATA_MODE to filesystem (or database in queue mode), as n8n 2.x does by default.',
		);
	if (!customDataHasRoom(context))
		throw refuse(
			'the execution already has 10 custom data keys, n8n’s limit, and the node needs one',
			'Set fewer custom data keys before this node.',
		);
}

/** Each output item of the submits, with the task it stands for (in the same order as the jobs). */
function entriesOf(jobs: NewTask[], submitted: INodeExecutionData[]): DispatchEntry[] {
	const byItem = new Map<number, NewTask[]>();
	for (const job of jobs) byItem.set(job.itemIndex, [...(byItem.get(job.itemIndex) ?? []), job]);
	const seen = new Map<number, number>();
	return submitted.map((item) => {
		const index = pairedIndex(item);
		const at = seen.get(index) ?? 0;
		seen.set(index, at + 1);
		const job = byItem.get(index)?.[at];
		const json = item.json;
		if (!job || json.error || typeof json.pollingUrl !== 'string')
			return { item: index, failed: json };
		const { request } = job;
		return {
			item: index,
			task: {
				json,
				pollingUrl: json.pollingUrl,
				apiHosts: request.apiHosts,
				schedule: request.schedule,
				video: request.model.resource === 'video',
				download: request.download,
				binaryPropertyName: request.binaryPropertyName,
				body: {
					prompt: request.body.prompt,
					width: request.body.width,
					height: request.body.height,
				},
				submittedAt: Date.now(),
			},
		};
	});
}

function pairedIndex(item: INodeExecutionData): number {
	const paired = item.pairedItem;
	return typeof paired === 'object' && paired && !Array.isArray(paired) ? paired.item : 0;
}

/** The resume URL (with n8n's signature, on 2.x) stays out of the items: it wakes the execution. */
function withoutWebhookUrl(item: INodeExecutionData): INodeExecutionData {
	const json: IDataObject = { ...item.json };
	delete json.webhookUrl;
	return { ...item, json };
}

/** As many outputs as the node has: Done, and Moderated where it is routed. */
function withOutputs(
	outputs: INodeExecutionData[][],
	settings: RunSettings,
): INodeExecutionData[][] {
	return settings.routeModerated ? [outputs[0], outputs[1] ?? []] : [outputs[0]];
}

/**
 * n8n 2.x resumes a waiting node with every output its webhook returns; 1.x with the first only
 * (n8n-core's handleDisabledNode), where Moderated items stay on Done as error items. n8n-workflow
 * 1.x exports `sleepWithAbort`; 2.x does not.
 */
export function resumesWithAllOutputs(): boolean {
	return !('sleepWithAbort' in n8nWorkflow);
}

function notKept(context: IExecuteFunctions, dispatch: Dispatch): NodeOperationError {
	const tasks = dispatch.entries.flatMap((entry) =>
		'task' in entry ? [`${String(entry.task.json.taskId)} (${entry.task.pollingUrl})`] : [],
	);
	return new NodeOperationError(
		context.getNode(),
		`${OPTION}: n8n did not keep what the wait needs`,
		{
			description: `The tasks were submitted and are paid for: collect them with Task → Get Result. ${tasks.join(', ')}`,
		},
	);
}
