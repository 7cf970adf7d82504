import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ReadyResult, TaskFailure } from '../transport/answers';
import { createRunControl, deadlineIn, type RunControl } from '../transport/clock';
import type { BinaryCaller } from '../transport/download';
import { taskError } from '../transport/errors';
import { lookOnce } from '../transport/poll';
import type { Dispatch, DispatchedTask, DispatchEntry } from './manifest';
import { errorJson, itemOf, moderatedJson, readyJson } from './output';
import { CONCURRENT_DOWNLOADS } from './pacing';
import { storeResult } from './result';

/**
 * The dispatched tasks looked at, and the items they end as: the Ready item (downloaded), the
 * Moderated item, or an error item with the task ID. Used by the node's webhook calls, and by the
 * node right after submitting when every task already ended.
 */

/** How long one look at a task, or one download, may take. */
const LOOK_SECONDS = 60;
const DOWNLOAD_SECONDS = 300;
/** Tasks looked at together; a check stops at the first group with a task still running. */
const LOOK_GROUP = 8;

export type Ending =
	| { kind: 'ready'; result: ReadyResult }
	| { kind: 'failed'; error: TaskFailure }
	| { kind: 'running'; status: string };

/**
 * Every task's ending, looked at once each, in order. With `untilRunning` (a check: most tasks may
 * still run) it stops at the first group holding a task still running, and answers undefined.
 */
export async function lookAtTasks(
	context: BinaryCaller,
	entries: DispatchEntry[],
	untilRunning: boolean,
): Promise<Map<number, Ending> | undefined> {
	const endings = new Map<number, Ending>();
	const control = createRunControl(context.getNode(), undefined);
	try {
		const tasks = entries.flatMap((entry, index) => ('task' in entry ? [{ entry, index }] : []));
		for (let start = 0; start < tasks.length; start += LOOK_GROUP) {
			const group = tasks.slice(start, start + LOOK_GROUP);
			const looked = await Promise.all(
				group.map(async ({ entry }) => await lookAt(context, entry, control)),
			);
			if (untilRunning && looked.some((ending) => ending.kind === 'running')) return undefined;
			looked.forEach((ending, at) => endings.set(group[at].index, ending));
		}
		return endings;
	} finally {
		control.dispose();
	}
}

async function lookAt(
	context: BinaryCaller,
	entry: DispatchEntry & { task: DispatchedTask },
	control: RunControl,
): Promise<Ending> {
	const { task } = entry;
	const ctx = { context, itemIndex: entry.item, taskId: String(task.json.taskId) };
	try {
		const look = await lookOnce(ctx, {
			pollingUrl: task.pollingUrl,
			apiHosts: task.apiHosts,
			deadline: deadlineIn(LOOK_SECONDS),
			control,
			schedule: task.schedule,
			noun: task.video ? 'video' : 'image',
		});
		return look.ready
			? { kind: 'ready', result: look.ready }
			: { kind: 'running', status: look.running.status };
	} catch (error) {
		const failure = error as TaskFailure;
		// BFL said how the task ended; otherwise it could not be asked: still running, as far as known.
		if (failure.taskStatus || failure.moderation) return { kind: 'failed', error: failure };
		return { kind: 'running', status: `not reachable: ${failure.message}` };
	}
}

/** The node's outputs for the dispatch: Done (and Moderated), every entry in its order. */
export async function collectOutputs(
	context: BinaryCaller,
	dispatch: Dispatch,
	endings: Map<number, Ending>,
): Promise<INodeExecutionData[][]> {
	const done: INodeExecutionData[] = [];
	const moderated: INodeExecutionData[] = [];
	const control = createRunControl(context.getNode(), undefined);
	try {
		for (let start = 0; start < dispatch.entries.length; start += CONCURRENT_DOWNLOADS) {
			const group = dispatch.entries.slice(start, start + CONCURRENT_DOWNLOADS);
			const items = await Promise.all(
				group.map(
					async (entry, at) =>
						await entryItem(context, dispatch, entry, endings.get(start + at), control),
				),
			);
			for (const { item, toModerated } of items) (toModerated ? moderated : done).push(item);
		}
	} finally {
		control.dispose();
	}
	return dispatch.routeModerated ? [done, moderated] : [done];
}

async function entryItem(
	context: BinaryCaller,
	dispatch: Dispatch,
	entry: DispatchEntry,
	ending: Ending | undefined,
	control: RunControl,
): Promise<{ item: INodeExecutionData; toModerated?: boolean }> {
	if (!('task' in entry)) return { item: itemOf(entry.failed, entry.item) };
	const { task } = entry;
	const taskId = String(task.json.taskId);
	const model = typeof task.json.model === 'string' ? task.json.model : undefined;
	if (!ending || ending.kind === 'running') {
		const error = taskError(
			{ context, itemIndex: entry.item, taskId },
			`BFL had not finished the task within ${dispatch.deadlineMinutes} minutes (${ending?.status ?? 'no answer'})`,
			'Collect it later with Task → Get Result and its polling URL, or raise "Callback Deadline (Minutes)".',
		);
		return {
			item: itemOf({ ...errorJson(error, taskId, model), pollingUrl: task.pollingUrl }, entry.item),
		};
	}
	if (ending.kind === 'failed') {
		const { error } = ending;
		if (error.moderation && dispatch.routeModerated)
			return {
				item: itemOf(moderatedJson(error, model, task.body.prompt), entry.item),
				toModerated: true,
			};
		return { item: itemOf(errorJson(error, taskId, model), entry.item) };
	}
	try {
		return { item: await readyItem(context, entry.item, task, ending.result, control) };
	} catch (error) {
		return { item: itemOf(errorJson(error as Error, taskId, model), entry.item) };
	}
}

/** A Ready task's item, as the node makes it when it waits itself: JSON, and the file unless turned off. */
async function readyItem(
	context: BinaryCaller,
	itemIndex: number,
	task: DispatchedTask,
	result: ReadyResult,
	control: RunControl,
): Promise<INodeExecutionData> {
	const json: IDataObject = readyJson(submittedPart(task.json), task.body, result, task.video);
	const elapsed = () => ({ elapsedSeconds: (Date.now() - task.submittedAt) / 1000 });
	if (!task.download) return itemOf({ ...json, ...elapsed() }, itemIndex);
	const ctx = { context, itemIndex, taskId: String(task.json.taskId) };
	const { binary, described } = await storeResult(
		ctx,
		result.sample,
		`${json.model ?? 'flux'}-${json.taskId}`,
		deadlineIn(DOWNLOAD_SECONDS),
		control,
	);
	return itemOf({ ...json, ...described, ...elapsed() }, itemIndex, {
		[task.binaryPropertyName]: binary,
	});
}

/** The JSON after the submit without what only the wait needed: its status then, where to poll and be called. */
function submittedPart(json: IDataObject): IDataObject {
	const kept = { ...json };
	for (const key of ['status', 'pollingUrl', 'webhookUrl']) delete kept[key];
	return kept;
}
