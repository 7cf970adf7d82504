import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { finetuneHost, listFinetunes } from './host';

/** Finetune → List: the account's finetunes on the finetune host. */

export const operation = {
	resource: 'finetune',
	value: 'list',
	name: 'List',
	action: 'List finetunes',
	description: "The account's finetunes (GET /v1/my_finetunes)",
} as const;

export async function execute(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const host = await finetuneHost(context, itemIndex);
	return {
		json: { finetunes: await listFinetunes(context, host, itemIndex), host },
		pairedItem: { item: itemIndex },
	};
}
