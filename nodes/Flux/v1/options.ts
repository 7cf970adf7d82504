import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { optionDefaults } from '../description/options';

/** Version 1's Options collection, as saved workflows know it. */
export const V1_OPTIONS: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Download Image',
			name: 'downloadImage',
			type: 'boolean',
			default: true,
			description:
				'Whether to download the image into binary data. Off: only JSON with the result URL, which expires 10 minutes after the task ends.',
		},
		{
			displayName: 'Max Concurrent Tasks',
			name: 'maxConcurrentTasks',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 0 },
			default: 0,
			description:
				"How many items run at once. 0 = the model's BFL limit of active tasks (24, or 6 for Kontext [max]); raise it if BFL raised yours.",
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			description: 'The name of the output binary field to put the image in',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1, numberPrecision: 0 },
			default: 300,
			description:
				'How long to wait for one image, from submitting to download, before the item fails. The slowest models take under a minute when BFL is not busy.',
		},
	],
};

export const V1_OPTION_DEFAULTS: IDataObject = optionDefaults(V1_OPTIONS);
