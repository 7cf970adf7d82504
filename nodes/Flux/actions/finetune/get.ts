import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { finetuneLocator } from '../../description/fields';
import { apiCall } from '../../transport/api';
import { finetuneHost } from './host';

/** Finetune → Get Details: a finetune's training settings. */

export const operation = {
	resource: 'finetune',
	value: 'get',
	name: 'Get Details',
	action: "Get a finetune's details",
	description: "A finetune's training settings (GET /v1/finetune_details)",
} as const;

export const description: INodeProperties[] = [
	finetuneLocator({
		displayName: 'Finetune',
		name: 'finetuneId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show: { resource: ['finetune'], operation: ['get'] } },
	}),
];

export async function execute(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const host = await finetuneHost(context, itemIndex);
	const id = String(
		context.getNodeParameter('finetuneId', itemIndex, '', { extractValue: true }) ?? '',
	).trim();
	const url = `${host}/v1/finetune_details?finetune_id=${encodeURIComponent(id)}`;
	const answer = (await apiCall(
		{ context, itemIndex },
		{ method: 'GET', url },
		`reading finetune ${id}`,
	)) as IDataObject;
	return {
		json: { finetuneId: id, host, details: (answer.finetune_details ?? answer) as IDataObject },
		pairedItem: { item: itemIndex },
	};
}
