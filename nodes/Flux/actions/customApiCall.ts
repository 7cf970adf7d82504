import { NodeOperationError, jsonParse, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { describeHttpError, toApiError } from '../transport/errors';
import { apiBaseUrl } from '../transport/hosts';
import { CREDENTIAL_TYPE } from '../transport/api';

/** Custom API Call: one request to any BFL endpoint, with the credential's key and region. */
export async function customApiCallItem(context: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const baseUrl = apiBaseUrl(context.getNode(), await context.getCredentials(CREDENTIAL_TYPE));
	const method = context.getNodeParameter('method', itemIndex, 'GET') as 'GET' | 'POST';
	const path = String(context.getNodeParameter('path', itemIndex, '') ?? '').trim();
	if (!path.startsWith('/') || path.startsWith('//')) {
		throw new NodeOperationError(context.getNode(), `Path (path) must start with / and stay on the credential's host; got "${path}"`, {
			itemIndex,
			description: 'E.g. /v1/credits. The key is only ever sent to the credential\'s base URL.',
		});
	}
	let body: IDataObject | undefined;
	if (method === 'POST') {
		const raw = context.getNodeParameter('body', itemIndex, '{}');
		body = typeof raw === 'string' ? jsonParse<IDataObject>(raw || '{}', { errorMessage: 'Body (JSON) (body) is not valid JSON' }) : (raw as IDataObject);
	}
	try {
		const answer = await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, {
			method,
			url: `${baseUrl}${path}`,
			json: true,
			headers: { accept: 'application/json' },
			...(body ? { body } : {}),
		});
		const json = answer && typeof answer === 'object' && !Array.isArray(answer) ? (answer as IDataObject) : { data: answer as IDataObject };
		return { json, pairedItem: { item: itemIndex } };
	} catch (error) {
		throw toApiError({ context, itemIndex }, describeHttpError(error), `calling ${method} ${path}`);
	}
}
