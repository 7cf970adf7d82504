import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { finetuneHost, listFinetunes } from './host';

/** Finetune ID's list in the editor: GET /v1/my_finetunes on the finetune host, filtered by what was typed. */
export async function searchFinetunes(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const ids = await listFinetunes(this, await finetuneHost(this, 0), 0);
	const wanted = (filter ?? '').toLowerCase();
	return {
		results: ids
			.filter((id) => id.toLowerCase().includes(wanted))
			.map((id) => ({ name: id, value: id })),
	};
}
