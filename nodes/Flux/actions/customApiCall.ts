import {
	jsonParse,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { apiCall, CREDENTIAL_TYPE } from '../transport/api';
import { apiBaseUrl } from '../transport/hosts';
import { invalid } from './model/parameters';

/**
 * Custom API Call: one request to any BFL endpoint, with the credential's key and region. n8n
 * would otherwise add its own "Custom API Call" entry (pointing to the HTTP Request node, which
 * knows nothing of the region) to every resource and operation list whose last entry is not one;
 * this one works.
 */

export const CUSTOM_API_CALL_VALUE = 'customApiCall';

export const CUSTOM_API_CALL = {
	name: 'Custom API Call',
	value: CUSTOM_API_CALL_VALUE,
	action: 'Make a custom API call',
	description: "Call any BFL endpoint with this credential's key and region",
};

const shown = { show: { operation: [CUSTOM_API_CALL_VALUE] } };

export const description: INodeProperties[] = [
	{
		displayName:
			'Calls the BFL API directly, with the key and region (or base URL) of the credential. Nothing is validated, waited for or downloaded: submits made here are paid like any other.',
		name: 'customApiCallNotice',
		type: 'notice',
		default: '',
		displayOptions: shown,
	},
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		default: 'GET',
		options: [
			{ name: 'GET', value: 'GET' },
			{ name: 'POST', value: 'POST' },
		],
		displayOptions: shown,
	},
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		default: '/v1/credits',
		required: true,
		placeholder: '/v1/flux-2-pro',
		hint: "Relative to the credential's base URL, e.g. /v1/credits or /v1/get_result?id=…",
		displayOptions: shown,
	},
	{
		displayName: 'Body (JSON)',
		name: 'body',
		type: 'json',
		default: '{}',
		required: true,
		displayOptions: { show: { operation: [CUSTOM_API_CALL_VALUE], method: ['POST'] } },
	},
];

export async function execute(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const baseUrl = apiBaseUrl(context.getNode(), await context.getCredentials(CREDENTIAL_TYPE));
	const method = context.getNodeParameter('method', itemIndex, 'GET') as 'GET' | 'POST';
	const path = String(context.getNodeParameter('path', itemIndex, '') ?? '').trim();
	if (!path.startsWith('/') || path.startsWith('//')) {
		throw invalid(
			context,
			itemIndex,
			`Path (path) must start with / and stay on the credential's host; got "${path}"`,
			"E.g. /v1/credits. The key is only ever sent to the credential's base URL.",
		);
	}
	let body: IDataObject | undefined;
	if (method === 'POST') {
		const raw = context.getNodeParameter('body', itemIndex, '{}');
		body =
			typeof raw === 'string'
				? jsonParse<IDataObject>(raw || '{}', {
						errorMessage: 'Body (JSON) (body) is not valid JSON',
					})
				: (raw as IDataObject);
	}
	const answer = await apiCall(
		{ context, itemIndex },
		{ method, url: `${baseUrl}${path}`, ...(body ? { body } : {}) },
		`calling ${method} ${path}`,
	);
	const json =
		answer && typeof answer === 'object' && !Array.isArray(answer)
			? (answer as IDataObject)
			: { data: answer as IDataObject };
	return { json, pairedItem: { item: itemIndex } };
}
