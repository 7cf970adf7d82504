import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { optionDefaults } from '../description/options';
import { DEFAULT_TIMEOUT_SECONDS } from '../transport/clock';

/** Version 2's Options collection, shown for image, video and task operations. */
export const V2_OPTIONS: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: { resource: ['image', 'video', 'task'] } },
	options: [
		{
			displayName: 'Callback Deadline (Minutes)',
			name: 'callbackDeadlineMinutes',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 1440, numberPrecision: 0 },
			default: 60,
			displayOptions: { show: { '/resource': ['image', 'video'], freeExecution: [true] } },
			description:
				"How long the freed execution waits for BFL. Then tasks not done come out as error items with their task IDs (collect them with Get Result); if n8n restarted meanwhile and no callback came, n8n passes this node's input items on instead.",
		},
		{
			displayName: 'Download Result',
			name: 'download',
			type: 'boolean',
			default: true,
			description:
				'Whether to download the image or video into binary data. Off: only JSON with the result URL (images expire 10 minutes after the task ends).',
		},
		{
			displayName: 'Estimate Only',
			name: 'estimateOnly',
			type: 'boolean',
			default: false,
			displayOptions: { show: { '/resource': ['image', 'video'] } },
			description:
				"Whether to only price each item, free: nothing is sent to BFL. Every item is validated as for a real run and gets expectedCredits (1 credit = US$0.01) and the run's total, from BFL's published prices.",
		},
		{
			displayName: 'Free the Execution While BFL Works',
			name: 'freeExecution',
			type: 'boolean',
			default: false,
			displayOptions: { show: { '/resource': ['image', 'video'] } },
			description:
				'Whether to submit every item, then let n8n save the execution as waiting and resume it when BFL calls back: no execution timeout runs and no worker is held. Needs n8n reachable from the internet over HTTPS (WEBHOOK_URL), binary data on disk or in the database, and a model that calls back (not FLUX 3, Outpainting, Video Edit). Results are downloaded once the last task ends; failed items come out as error items.',
		},
		{
			displayName: 'Max Concurrent Tasks',
			name: 'maxConcurrentTasks',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 0 },
			default: 0,
			description:
				"How many tasks this execution keeps running at BFL at once. 0 = BFL's limit for the account (24; 6 for Kontext [max]; 5 for videos). Executions share the account's limit: the node backs off when BFL says it is full.",
		},
		{
			displayName: 'Max Credits per Execution',
			name: 'maxCredits',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 1 },
			default: 0,
			description:
				'Spend cap, in credits (1 credit = US$0.01), for all FLUX nodes of one execution. A task that could pass it is not started. 0 = no cap.',
		},
		{
			displayName: 'Minimum Balance',
			name: 'minimumBalance',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 1 },
			default: 0,
			description:
				'Credits the account must keep: checked once (free) before the first task; below it, nothing is submitted. 0 = not checked.',
		},
		{
			displayName: 'Number of Images',
			name: 'numberOfImages',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 8, numberPrecision: 0 },
			default: 1,
			displayOptions: { show: { '/resource': ['image'] } },
			description:
				'How many images to make for each item, 1 to 8: one BFL task (and charge) each, each its own output item. With a seed, image n uses seed + n, so a set can be made again.',
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			description: 'The name of the output binary field to put the image or video in',
		},
		{
			displayName: 'Route Moderated Items',
			name: 'routeModerated',
			type: 'boolean',
			default: false,
			description:
				"Whether moderated items go to a second output, Moderated, with BFL's reasons, instead of failing",
		},
		{
			displayName: 'Still Running Output',
			name: 'stillRunningOutput',
			type: 'boolean',
			default: false,
			displayOptions: { show: { '/resource': ['task'] } },
			description:
				'Whether to look once instead of waiting: a task BFL has not finished goes to a last output, Still Running, with its polling URL, so a Wait node can loop it back here. Nothing holds the execution while BFL works.',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 0 },
			default: 0,
			description: `How long to wait for one result, from submitting to download. 0 = automatic: ${DEFAULT_TIMEOUT_SECONDS.image / 60} minutes for an image, ${DEFAULT_TIMEOUT_SECONDS.video / 60} for a video, and ${DEFAULT_TIMEOUT_SECONDS.video / 60} for Get Result (the task may be a video).`,
		},
	],
};

export const V2_OPTION_DEFAULTS: IDataObject = optionDefaults(V2_OPTIONS);
