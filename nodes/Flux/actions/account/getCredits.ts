import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { apiCall, CREDENTIAL_TYPE } from '../../transport/api';
import { apiBaseUrl } from '../../transport/hosts';

/** Account → Get Credits: the balance, free. */

export const operation = {
	resource: 'account',
	value: 'getCredits',
	name: 'Get Credits',
	action: 'Get the credit balance',
	description: "The account's credits (1 credit = US$0.01); free",
} as const;

export async function execute(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const baseUrl = apiBaseUrl(context.getNode(), await context.getCredentials(CREDENTIAL_TYPE));
	const answer = (await apiCall(
		{ context, itemIndex },
		{ method: 'GET', url: `${baseUrl}/v1/credits` },
		'reading the credits',
	)) as IDataObject;
	return {
		json: { credits: Number(answer.credits), usd: Math.round(Number(answer.credits)) / 100 },
		pairedItem: { item: itemIndex },
	};
}
