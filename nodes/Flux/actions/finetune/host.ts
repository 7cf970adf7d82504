import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { apiCall, CREDENTIAL_TYPE } from '../../transport/api';
import { finetuneBaseUrl, type FinetuneRegion } from '../../transport/hosts';

/** Where the account's FLUX.1 finetunes live, and what BFL lists of them. */

/** The finetune host from the Finetune Host parameter (Auto where there is none). */
export async function finetuneHost(
	context: IExecuteFunctions | ILoadOptionsFunctions,
	itemIndex: number,
): Promise<string> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	let choice: FinetuneRegion = 'auto';
	try {
		choice = (context as IExecuteFunctions).getNodeParameter(
			'finetuneRegion',
			itemIndex,
			'auto',
		) as FinetuneRegion;
	} catch {
		// the list search reads the current parameters; 'auto' where there are none
	}
	return finetuneBaseUrl(context.getNode(), credentials, choice);
}

/** GET /v1/my_finetunes: finetune IDs from `{finetunes: [...]}` (strings, or objects carrying an id). */
export async function listFinetunes(
	context: IExecuteFunctions | ILoadOptionsFunctions,
	host: string,
	itemIndex: number,
): Promise<string[]> {
	const answer = (await apiCall(
		{ context, itemIndex },
		{ method: 'GET', url: `${host}/v1/my_finetunes` },
		'listing finetunes',
	)) as IDataObject;
	const list = Array.isArray(answer.finetunes) ? answer.finetunes : [];
	return list
		.map((entry) =>
			typeof entry === 'string'
				? entry
				: String((entry as IDataObject)?.finetune_id ?? (entry as IDataObject)?.id ?? ''),
		)
		.filter(Boolean);
}
