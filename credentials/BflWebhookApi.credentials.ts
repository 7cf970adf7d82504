import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The secret BFL sends back in the X-Webhook-Secret header of its completion callbacks. The FLUX
 * node sends it with each task; the FLUX Trigger accepts only callbacks that carry it.
 */
export class BflWebhookApi implements ICredentialType {
	name = 'bflWebhookApi';

	displayName = 'Black Forest Labs (BFL) Webhook Secret API';

	icon: Icon = { light: 'file:../icons/flux.svg', dark: 'file:../icons/flux.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-bfl/n8n-nodes-bfl#webhooks-with-the-flux-trigger';

	properties: INodeProperties[] = [
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Any long random text (at least 16 characters). Use the same credential in the FLUX node and the FLUX Trigger.',
		},
	];
}
