import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { jobKey, type CollectTask } from '../../engine/types';
import { POLL_SCHEDULES } from '../../transport/cadence';
import { DEFAULT_TIMEOUT_SECONDS } from '../../transport/clock';
import { invalid } from '../model/parameters';
import type { ReadContext } from '../model/request';

/** Task → Get Result: wait for a task submitted earlier (Wait for Result off) and download its result. */

export const operation = {
	resource: 'task',
	value: 'getResult',
	name: 'Get Result',
	action: "Get a task's result",
	description: 'Wait for a task submitted earlier and download its result',
} as const;

export const description: INodeProperties[] = [
	{
		displayName: 'Task',
		name: 'task',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://api.eu2.bfl.ai/v1/get_result?…',
		displayOptions: { show: { resource: ['task'], operation: ['getResult'] } },
		description:
			'The task\'s polling URL (pollingUrl), or its ID. Prefer the polling URL: a task lives on one BFL cluster, and an ID alone is looked up on the credential\'s host, which may answer "Task not found".',
		hint: "Prefer the polling URL: an ID alone is looked up on the credential's host and may not be found",
	},
];

/** The item's task as a job for the engine: its polling URL, and how to output its result. */
export function readCollect(read: ReadContext, itemIndex: number): CollectTask {
	const options = (read.context.getNodeParameter('options', itemIndex, {}) ?? {}) as IDataObject;
	return {
		kind: 'collect',
		itemIndex,
		key: jobKey(itemIndex),
		pollingUrl: taskUrl(read, itemIndex),
		apiHosts: [read.baseUrl],
		download: options.download === undefined ? !read.toolMode : Boolean(options.download),
		binaryPropertyName: String(options.binaryPropertyName || 'data'),
		timeoutSeconds: Number(options.timeoutSeconds) || DEFAULT_TIMEOUT_SECONDS.video,
		schedule: POLL_SCHEDULES.image,
		lookOnce: Boolean(options.stillRunningOutput),
	};
}

/** A polling URL, or a task ID looked up on the credential's host. */
function taskUrl(read: ReadContext, itemIndex: number): string {
	const task = String(read.context.getNodeParameter('task', itemIndex, '') ?? '').trim();
	if (/^https?:\/\//i.test(task)) return task;
	if (/^[A-Za-z0-9-]{8,}$/.test(task))
		return `${read.baseUrl}/v1/get_result?id=${encodeURIComponent(task)}`;
	throw invalid(
		read.context,
		itemIndex,
		`Task (task) must be a polling URL or a task ID; got "${task}"`,
		'Use the pollingUrl (or taskId) a FLUX node returned with Wait for Result off.',
	);
}
