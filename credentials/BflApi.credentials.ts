import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class BflApi implements ICredentialType {
	name = 'bflApi';

	displayName = 'Black Forest Labs (BFL) API';

	icon: Icon = { light: 'file:../icons/flux.svg', dark: 'file:../icons/flux.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-bfl/n8n-nodes-bfl#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your key from https://dashboard.bfl.ai',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			default: 'https://api.bfl.ai',
			options: [
				{
					name: 'Custom',
					value: 'custom',
					description:
						'Another base URL: a proxy, a finetune host (api.us1.bfl.ai) or the local emulator',
				},
				{
					name: 'EU',
					value: 'https://api.eu.bfl.ai',
					description: 'api.eu.bfl.ai: EU clusters only (data residency)',
				},
				{
					name: 'Global',
					value: 'https://api.bfl.ai',
					description: 'api.bfl.ai: all clusters, with failover',
				},
				{
					name: 'US',
					value: 'https://api.us.bfl.ai',
					description: 'api.us.bfl.ai: US clusters only',
				},
			],
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.us1.bfl.ai',
			required: true,
			description: 'Base URL without /v1, e.g. http://127.0.0.1:8787 for the local emulator',
			displayOptions: { show: { region: ['custom'] } },
		},
		{
			displayName: 'Finetune Base URL',
			name: 'finetuneBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.us1.bfl.ai',
			description:
				"Where FLUX.1 finetunes live, when the node's Finetune Host is Auto. Empty: the Base URL. (With the Global, EU or US region, Auto means api.us1.bfl.ai, or api.eu1.bfl.ai for EU.)",
			displayOptions: { show: { region: ['custom'] } },
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only for the FLUX Trigger: any long random text (16 characters or more). The FLUX node sends it with each task that calls back a FLUX Trigger, and the trigger accepts only callbacks that carry it.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-key': '={{$credentials.apiKey}}',
			},
		},
	};

	// GET /v1/credits is free: testing the credential never starts a paid generation.
	// The answer is judged by its body, not its status: n8n 1.x drops the HTTP status from the
	// error a refused request throws (its responseCode rules never match there), while a
	// body rule works on 1.x and 2.x alike. Only BFL's balance answer carries `credits`.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.region === "custom" ? $credentials.baseUrl : $credentials.region}}',
			url: '/v1/credits',
			method: 'GET',
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'credits',
					value: undefined,
					message:
						"BFL did not accept the API key: it is wrong or revoked, not valid for this region, or the Base URL is not BFL's API. Get a key at https://dashboard.bfl.ai (API Keys) and paste it again.",
				},
			},
		],
	};
}
