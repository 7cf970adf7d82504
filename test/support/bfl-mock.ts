/** nock stand-ins for BFL's submit, poll and delivery hosts, recording what the node sent. */
import nock from 'nock';

import { API, TEST_KEY } from './harness';

export const CLUSTER = 'https://api.eu2.bfl.ai';
export const DELIVERY = 'https://delivery-eu1.bfl.ai';

export interface Recorded {
	submits: Array<{ path: string; body: Record<string, unknown>; headers: Record<string, unknown> }>;
	polls: number;
	downloads: Array<{ headers: Record<string, unknown> }>;
}

export interface TaskMock {
	/** The model id; also the path after /v1/ unless `path` is given. */
	endpoint: string;
	/** The path after /v1/ where it differs from the id, e.g. `flux-tools/erase-v1`. */
	path?: string;
	/** The host the submit goes to (default: the credential's, api.bfl.ai), e.g. a FLUX.1 finetune's api.us1.bfl.ai. */
	host?: string;
	id?: string;
	/** Poll answers in order; the last one repeats. */
	answers?: Array<Record<string, unknown>>;
	/** Ready at the first poll (default: Pending, then Ready). */
	readyAtOnce?: boolean;
	/** The result's bytes (an image, or an MP4 for videos); no download is mocked without it. */
	image?: Buffer;
	contentType?: string;
	pollHost?: string;
	recorded?: Recorded;
}

export function newRecorded(): Recorded {
	return { submits: [], polls: 0, downloads: [] };
}

export function readyAnswer(id: string, sample: string, extra: Record<string, unknown> = {}) {
	return {
		id,
		status: 'Ready',
		result: {
			sample,
			prompt: 'used prompt',
			seed: 1234,
			start_time: 1763240266.8,
			end_time: 1763240268.4,
			duration: 1.6,
		},
		progress: null,
		...extra,
	};
}

/** One task: submit → polls → download. Returns what the node sent. */
export function mockTask(mock: TaskMock): Recorded {
	const id = mock.id ?? `task-${mock.endpoint}`;
	const submitPath = `/v1/${mock.path ?? mock.endpoint}`;
	const recorded = mock.recorded ?? newRecorded();
	const pollHost = mock.pollHost ?? CLUSTER;
	const samplePath = `/results/${id}/sample.png`;
	const sample = `${DELIVERY}${samplePath}?se=2030-01-01T00%3A10%3A00Z&sig=abc`;
	const pending = mock.readyAtOnce ? [] : [{ id, status: 'Pending', result: null, progress: 0.5 }];
	const answers = mock.answers ?? [...pending, readyAnswer(id, sample)];

	nock(mock.host ?? API)
		.post(submitPath)
		.reply(function (path, body) {
			recorded.submits.push({
				path,
				body: body as Record<string, unknown>,
				headers: { ...this.req.headers },
			});
			return [
				200,
				{
					id,
					polling_url: `${pollHost}/v1/get_result?id=${id}`,
					cost: 3.5,
					input_mp: 0,
					output_mp: 1.05,
				},
			];
		});
	let poll = 0;
	nock(pollHost)
		.get('/v1/get_result')
		.query({ id })
		.times(answers.length)
		.reply(() => {
			recorded.polls++;
			return [200, answers[Math.min(poll++, answers.length - 1)]];
		});
	if (mock.image) {
		nock(DELIVERY)
			.get(samplePath)
			.query(true)
			.reply(function () {
				recorded.downloads.push({ headers: { ...this.req.headers } });
				return [200, mock.image, { 'content-type': mock.contentType ?? 'image/png' }];
			});
	}
	return recorded;
}

export function keyIn(headers: Record<string, unknown>): unknown {
	return headers['x-key'];
}

export { TEST_KEY };
