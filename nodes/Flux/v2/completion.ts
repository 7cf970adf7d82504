import type { INodeProperties } from 'n8n-workflow';

import type { Completion, CompletionInput } from '../actions/model/dialect';
import { invalid } from '../actions/model/parameters';
import { modelLabel } from '../models';
import { MIN_SECRET_LENGTH } from '../transport/webhookSecret';

/** Version 2's Wait for Result and FLUX Trigger URL: wait for the task, or return at once and let BFL call a FLUX Trigger. */

const ON_TASKS = { resource: ['image', 'video'] };

export const COMPLETION_PROPERTIES: INodeProperties[] = [
	{
		displayName: 'Wait for Result',
		name: 'waitForResult',
		type: 'boolean',
		default: true,
		displayOptions: { show: ON_TASKS },
		description:
			'Whether to wait for the result and download it. Off: the item returns right after submitting, with the task ID and polling URL, for a Get Result operation or a FLUX Trigger.',
	},
	{
		displayName: 'FLUX Trigger URL',
		name: 'triggerUrl',
		type: 'string',
		default: '',
		placeholder: 'https://n8n.example.com/webhook/…/flux',
		displayOptions: { show: { ...ON_TASKS, waitForResult: [false] } },
		description:
			"Optional: the production URL of a FLUX Trigger node. BFL calls it when the task ends, with the BFL credential's Webhook Secret, which the trigger checks; endpoints that take no webhook (FLUX 3, Outpainting, Video Edit) refuse it.",
		hint: 'Copy it from the FLUX Trigger: Webhook URLs → Production URL',
	},
];

export function readCompletion({
	context,
	param,
	itemIndex,
	model,
	credentials,
}: CompletionInput): Completion {
	const waitForResult = param('waitForResult', itemIndex, true) as boolean;
	if (waitForResult) return { waitForResult };
	const url = String(param('triggerUrl', itemIndex, '') ?? '').trim();
	if (!url) return { waitForResult };
	if (!model.fields.some((field) => field.api === 'webhook_url')) {
		throw invalid(
			context,
			itemIndex,
			`FLUX Trigger URL (triggerUrl): ${modelLabel(model)} does not take webhooks; BFL would refuse the request`,
			'Leave FLUX Trigger URL empty and collect the result with the Task → Get Result operation, or pick another model.',
		);
	}
	if (!/^https?:\/\/[^/]+/i.test(url))
		throw invalid(
			context,
			itemIndex,
			`FLUX Trigger URL (triggerUrl) must be an http(s) URL; got "${url}"`,
		);
	const secret = String(credentials.webhookSecret ?? '');
	if (secret.length < MIN_SECRET_LENGTH) {
		throw invalid(
			context,
			itemIndex,
			'FLUX Trigger URL (triggerUrl) is set, but the BFL credential has no Webhook Secret',
			`Set a Webhook Secret (${MIN_SECRET_LENGTH} characters or more) in the BFL credential used by this node and by the FLUX Trigger. Nothing was sent to BFL.`,
		);
	}
	return { waitForResult, webhook: { url, secret }, trigger: url };
}
