import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodeExecutionData,
} from 'n8n-workflow';

import { describeHttpError, toApiError } from '../transport/errors';
import { apiBaseUrl, finetuneBaseUrl, type FinetuneRegion } from '../transport/hosts';
import { CREDENTIAL_TYPE } from '../transport/api';

/** The free, read-only calls: credits, and the account's finetunes. */

type Caller = IExecuteFunctions | ILoadOptionsFunctions;

async function getJson(context: Caller, url: string, itemIndex: number, during: string): Promise<IDataObject> {
	try {
		return (await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, {
			method: 'GET',
			url,
			json: true,
			headers: { accept: 'application/json' },
		})) as IDataObject;
	} catch (error) {
		throw toApiError({ context: context as IExecuteFunctions, itemIndex }, describeHttpError(error), during);
	}
}

async function finetuneHost(context: Caller, itemIndex: number): Promise<string> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	let choice: FinetuneRegion = 'auto';
	try {
		choice = (context as IExecuteFunctions).getNodeParameter('finetuneRegion', itemIndex, 'auto') as FinetuneRegion;
	} catch {
		// the list search reads the current parameters; 'auto' where there are none
	}
	return finetuneBaseUrl(context.getNode(), credentials, choice);
}

/** Finetune IDs from `{finetunes: [...]}`: strings, or objects carrying an id. */
function finetuneIds(answer: IDataObject): string[] {
	const list = Array.isArray(answer.finetunes) ? answer.finetunes : [];
	return list
		.map((entry) => (typeof entry === 'string' ? entry : String((entry as IDataObject)?.finetune_id ?? (entry as IDataObject)?.id ?? '')))
		.filter(Boolean);
}

/** Finetune ID's list: GET /v1/my_finetunes on the finetune host, filtered by what was typed. */
export async function searchFinetunes(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const host = await finetuneHost(this, 0);
	const ids = finetuneIds(await getJson(this, `${host}/v1/my_finetunes`, 0, 'listing finetunes'));
	const wanted = (filter ?? '').toLowerCase();
	return { results: ids.filter((id) => id.toLowerCase().includes(wanted)).map((id) => ({ name: id, value: id })) };
}

/** One item's answer to Get Credits, List Finetunes or Get Finetune Details. */
export async function accountItem(context: IExecuteFunctions, itemIndex: number, resource: string, operation: string): Promise<INodeExecutionData> {
	const paired = { item: itemIndex };
	if (resource === 'account') {
		const baseUrl = apiBaseUrl(context.getNode(), await context.getCredentials(CREDENTIAL_TYPE));
		const answer = await getJson(context, `${baseUrl}/v1/credits`, itemIndex, 'reading the credits');
		return { json: { credits: Number(answer.credits), usd: Math.round(Number(answer.credits)) / 100 }, pairedItem: paired };
	}
	const host = await finetuneHost(context, itemIndex);
	if (operation === 'list') {
		const answer = await getJson(context, `${host}/v1/my_finetunes`, itemIndex, 'listing finetunes');
		return { json: { finetunes: finetuneIds(answer), host }, pairedItem: paired };
	}
	const id = String(context.getNodeParameter('finetuneId', itemIndex, '', { extractValue: true }) ?? '').trim();
	const answer = await getJson(
		context,
		`${host}/v1/finetune_details?finetune_id=${encodeURIComponent(id)}`,
		itemIndex,
		`reading finetune ${id}`,
	);
	return { json: { finetuneId: id, host, details: (answer.finetune_details ?? answer) as IDataObject }, pairedItem: paired };
}
