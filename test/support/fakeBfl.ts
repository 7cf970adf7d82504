/** A BFL stand-in on nock for any number of tasks of one endpoint, recording every submit. */
import nock from 'nock';

import { makeImage } from './fixtures';
import { API } from './harness';

export const CLUSTER = 'https://api.eu2.bfl.ai';
export const DELIVERY = 'https://delivery-eu1.bfl.ai';

export interface Submitted {
	path: string;
	body: Record<string, unknown>;
	key: unknown;
}

/** BFL for any number of tasks of one path: Ready (PNG), or moderated for prompts with `moderate`. */
export async function fakeBfl(path: string, options: { cost?: number; host?: string } = {}) {
	const submits: Submitted[] = [];
	const host = options.host ?? API;
	const png = await makeImage('png', 48, 32);
	nock(host)
		.persist()
		.post(`/v1/${path}`)
		.reply(function (uri, body) {
			const parsed = body as Record<string, unknown>;
			submits.push({ path: uri, body: parsed, key: this.req.headers['x-key'] });
			const id = `t${submits.length}${String(parsed.prompt ?? '').includes('moderate') ? '-moderate' : ''}`;
			const answer = parsed.webhook_url
				? { id, status: 'Pending', webhook_url: parsed.webhook_url, cost: options.cost ?? 1.4 }
				: { id, polling_url: `${CLUSTER}/v1/get_result?id=${id}`, cost: options.cost ?? 1.4 };
			return [200, answer];
		});
	nock(CLUSTER)
		.persist()
		.get('/v1/get_result')
		.query(true)
		.reply((uri) => {
			const id = new URL(uri, CLUSTER).searchParams.get('id') as string;
			if (id.includes('moderate')) {
				return [
					200,
					{
						id,
						status: 'Content Moderated',
						result: null,
						details: { 'Moderation Reasons': ['NSFW'] },
					},
				];
			}
			return [
				200,
				{
					id,
					status: 'Ready',
					result: { sample: `${DELIVERY}/results/${id}/sample.png`, seed: 3, prompt: 'p' },
				},
			];
		});
	nock(DELIVERY)
		.persist()
		.get(/\/results\//)
		.reply(200, png, { 'content-type': 'image/png' });
	return submits;
}
