/**
 * Free the Execution While BFL Works, through n8n-core's real ExecuteContext and WebhookContext:
 * the node submits every item with the execution's resume URL, n8n saves the execution as waiting
 * (waitTill set), and each call of that URL (the emulator's callbacks over real HTTP, the node's
 * own wake-ups) runs the node's webhook(), which resumes the execution with every item once every
 * task has ended. Needs `npm run build` first (the emulator reads the built model table).
 */
import { createHmac } from 'crypto';
import {
	sleep,
	type IDataObject,
	type INodeExecutionData,
	type INodeParameters,
	type IRunExecutionData,
} from 'n8n-workflow';

import { startEmulator } from '../../../../emulator/server';
import { CHECKS_AFTER_MS, stopAllWatches } from '../../../../nodes/Flux/engine/watchdog';
import { decode } from '../../../support/fixtures';
import { useFastPolls } from '../../../support/fastPolls';
import {
	callFluxWebhook,
	newExecution,
	runFluxOutputs,
	useBinaryMode,
	type RunOptions,
	type WebhookAnswer,
} from '../../../support/harness';
import { startReceiver } from '../../../support/receiver';

useBinaryMode('filesystem');
useFastPolls();

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type Receiver = Awaited<ReturnType<typeof startReceiver>>;
interface LedgerEntry {
	method: string;
	path: string;
	status?: number;
	taskId?: string;
	body?: Record<string, unknown>;
}

let emulator: Emulator;
let receiver: Receiver;
/** The run the receiver hands its calls to, and what the node answered each. */
let current: {
	options: RunOptions;
	answers: WebhookAnswer[];
	resumed?: INodeExecutionData[][];
	/** Answer BFL's callbacks 409, as n8n does before the execution is saved as waiting. */
	refuseCallbacks?: boolean;
};

const savedChecks = [...CHECKS_AFTER_MS];
let executions = 0;

beforeAll(async () => {
	emulator = await startEmulator({ generationMs: 600 });
	receiver = await startReceiver(async (call) => {
		if (current.refuseCallbacks && !call.query.fluxWake)
			return { status: 409, body: { message: 'not waiting' } };
		const answer = await callFluxWebhook(current.options, call);
		current.answers.push(answer);
		if (answer.result.workflowData) current.resumed = answer.result.workflowData as never;
		return {
			status: answer.response.status ?? 200,
			body: answer.response.body ?? answer.result.webhookResponse,
		};
	});
});
afterAll(async () => {
	stopAllWatches();
	await receiver.close();
	await emulator.close();
});
beforeEach(() => {
	emulator.reset();
	Object.assign(emulator.config, {
		generationMs: 600,
		webhookSignature: 'secret',
		webhookRetryDelaysMs: [],
		faults: {},
	});
	CHECKS_AFTER_MS.splice(0, CHECKS_AFTER_MS.length, ...savedChecks);
});
afterEach(() => stopAllWatches());

const submits = () =>
	(emulator.ledger as LedgerEntry[]).filter(
		(entry) => entry.method === 'POST' && entry.path.startsWith('/v1/'),
	);

function prompts(
	count: number,
	marker: (index: number) => string = () => '',
): INodeExecutionData[] {
	return Array.from({ length: count }, (_, index) => ({
		json: { prompt: `postcard ${index}${marker(index)}` },
	}));
}

/** Runs the node with the option on, as a fresh execution; the receiver resumes it. */
async function dispatch(
	items: INodeExecutionData[],
	parameters: INodeParameters = {},
	options: IDataObject = {},
) {
	const execution: IRunExecutionData = newExecution();
	current = {
		answers: [],
		options: {
			version: 2,
			parameters: {
				resource: 'image',
				operation: 'generate',
				model: 'flux-2-klein-4b',
				prompt: '={{ $json.prompt }}',
				width: 128,
				height: 96,
				modelOptions: { outputFormat: 'png' },
				options: { freeExecution: true, ...options },
				...parameters,
			},
			items,
			credentials: {
				apiKey: 'bfl_emulator_placeholder',
				region: 'custom',
				baseUrl: emulator.apiBase,
			},
			execution,
			executionId: `exec-${++executions}`,
			waitingBaseUrl: `${receiver.url}/webhook-waiting`,
		},
	};
	const outputs = await runFluxOutputs(current.options);
	return { outputs, execution };
}

async function resumed(timeoutMs = 15_000): Promise<INodeExecutionData[][]> {
	for (const until = Date.now() + timeoutMs; !current.resumed && Date.now() < until; )
		await sleep(50);
	if (!current.resumed)
		throw new Error(`not resumed; answers: ${JSON.stringify(current.answers).slice(0, 800)}`);
	return current.resumed;
}

test('the execution waits after the submits, and the callbacks resume it with every image, each task paid once', async () => {
	const { outputs, execution } = await dispatch(prompts(3));
	const waitTill = (execution as IRunExecutionData & { waitTill?: Date }).waitTill;
	expect(waitTill).toBeInstanceOf(Date);
	expect(waitTill!.getTime() - Date.now()).toBeGreaterThan(60 * 60_000); // the deadline (60 min) and a grace
	expect(outputs[0].map((item) => item.pairedItem)).toEqual([
		{ item: 0 },
		{ item: 1 },
		{ item: 2 },
	]);
	expect(
		outputs[0].every((item) => item.json.taskId && !item.json.webhookUrl && !item.binary),
	).toBe(true);
	expect(submits().map((entry) => entry.body?.webhook_url)).toEqual(
		Array(3).fill(`${receiver.url}/webhook-waiting/${current.options.executionId}`),
	);
	expect(execution.resultData.metadata?.fluxDispatch).toMatch(/^filesystem/);

	const [done] = await resumed();
	expect(done.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	for (const [index, item] of done.entries()) {
		expect(item.json).toMatchObject({
			status: 'Ready',
			taskId: outputs[0][index].json.taskId,
			model: 'flux-2-klein-4b',
		});
		expect(item.json.prompt).toBe(`postcard ${index}`);
		const binary = item.binary!.data;
		expect(binary.mimeType).toBe('image/png');
	}
	expect(submits()).toHaveLength(3);
	// Callbacks of tasks ended while another ran kept the execution waiting.
	expect(current.answers.filter((answer) => answer.result.workflowData)).toHaveLength(1);
});

test('the Ready items carry the bytes BFL made, downloaded by the webhook call', async () => {
	await dispatch(prompts(1));
	const [[item]] = await resumed();
	const { BinaryDataService } = await import('n8n-core');
	const { Container } = await import('@n8n/di');
	const bytes = await Container.get(BinaryDataService).getAsBuffer(item.binary!.data);
	expect(await decode(bytes)).toMatchObject({ format: 'png', width: 128, height: 96 });
});

test('a call that does not prove the secret is answered 401 and resumes nothing; a signed one is accepted', async () => {
	emulator.config.generationMs = 60_000;
	await dispatch(prompts(1));
	const body = { id: 'forged', status: 'Ready', result: { sample: 'https://example.com/x.png' } };
	const raw = Buffer.from(JSON.stringify(body));
	const call = (headers: Record<string, string>) =>
		callFluxWebhook(current.options, { headers, query: {}, body, rawBody: raw });
	expect((await call({})).response.status).toBe(401);
	expect((await call({ 'x-webhook-secret': 'not-the-secret' })).response.status).toBe(401);
	const dispatched = current.options.execution!.resultData.metadata!.fluxDispatch as string;
	expect(dispatched).toBeTruthy();
	// The secret is the node's own, per execution: find it as the emulator received it.
	const secret = String(
		(emulator.tasks.values().next().value as { webhookSecret: string }).webhookSecret,
	);
	const signature = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
	const replayed = await callFluxWebhook(current.options, {
		headers: { 'x-bfl-signature': signature },
		query: {},
		body: { ...body, status: 'Error' },
		rawBody: Buffer.from(JSON.stringify({ ...body, status: 'Error' })),
	});
	expect(replayed.response.status).toBe(401); // another body under a captured signature
	const signed = await call({ 'x-bfl-signature': signature });
	expect(signed.response.status).toBeUndefined();
	expect(signed.result).toEqual({ webhookResponse: { received: true, waiting: true } });
	expect(secret).toHaveLength(48);
});

test('at the deadline, tasks still running end as error items with their task IDs and polling URLs', async () => {
	emulator.config.generationMs = 60_000;
	await dispatch(prompts(2), {}, { callbackDeadlineMinutes: 5 });
	const secret = String(
		(emulator.tasks.values().next().value as { webhookSecret: string }).webhookSecret,
	);
	const answer = await callFluxWebhook(current.options, {
		headers: { 'x-webhook-secret': secret },
		query: { fluxWake: 'deadline' },
		body: {},
		rawBody: Buffer.from('{}'),
	});
	const [done] = answer.result.workflowData as INodeExecutionData[][];
	expect(done).toHaveLength(2);
	for (const [index, item] of done.entries()) {
		expect(item.pairedItem).toEqual({ item: index });
		expect(item.json.error).toMatch(/^BFL had not finished the task within 5 minutes/);
		expect(item.json.taskId).toBe(submits()[index].taskId);
		expect(String(item.json.pollingUrl)).toContain(`id=${submits()[index].taskId}`);
	}
	expect(submits()).toHaveLength(2);
});

test('a moderated task goes to the Moderated output, the others to Done', async () => {
	const { outputs } = await dispatch(
		prompts(3, (index) => (index === 1 ? ' [[content-moderated]]' : '')),
		{},
		{ routeModerated: true },
	);
	expect(outputs).toHaveLength(2);
	const [done, moderated] = await resumed();
	expect(done.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
	expect(moderated).toHaveLength(1);
	expect(moderated[0].json).toMatchObject({ status: 'Content Moderated', stage: 'content' });
	expect(moderated[0].pairedItem).toEqual({ item: 1 });
});

test('a callback n8n could not take (before the execution waited) is made up by the node’s own check', async () => {
	CHECKS_AFTER_MS.splice(0, CHECKS_AFTER_MS.length, 1500);
	emulator.config.generationMs = 300;
	const run = dispatch(prompts(1));
	current.refuseCallbacks = true;
	await run;
	const [done] = await resumed(10_000);
	expect(done[0].json.status).toBe('Ready');
	expect(
		receiver.calls.filter((call) => call.query.fluxWake === 'check').length,
	).toBeGreaterThanOrEqual(1);
	const refused = (emulator.webhookDeliveries as Array<{ status: number }>).map(
		(delivery) => delivery.status,
	);
	expect(refused).toEqual([409]);
});

test('tasks that already ended when the submits were done need no wait', async () => {
	emulator.config.generationMs = 1;
	const { outputs, execution } = await dispatch(prompts(2));
	expect((execution as IRunExecutionData & { waitTill?: Date }).waitTill).toBeUndefined();
	expect(outputs[0].map((item) => item.json.status)).toEqual(['Ready', 'Ready']);
	expect(outputs[0].every((item) => item.binary?.data)).toBe(true);
});

test('refused before anything is paid: a model that does not call back, and more tasks than run at once', async () => {
	await expect(
		dispatch(prompts(1), { model: 'flux-3-image', width: undefined, height: undefined }),
	).rejects.toThrow(
		/^Free the Execution While BFL Works \(freeExecution\): FLUX 3 .* does not call back/,
	);
	await expect(dispatch(prompts(3), {}, { maxConcurrentTasks: 2 })).rejects.toThrow(
		/3 tasks, but the execution waits only once every task is submitted, and at most 2 run at BFL at once/,
	);
	expect(submits()).toEqual([]);
});

test('refused before anything is paid: the execution’s custom data already holds n8n’s 10 keys', async () => {
	const execution = newExecution();
	execution.resultData.metadata = Object.fromEntries(
		Array.from({ length: 10 }, (_, index) => [`key${index}`, 'taken']),
	);
	await expect(
		runFluxOutputs({
			...current.options,
			items: prompts(1),
			execution,
			executionId: `exec-${++executions}`,
		}),
	).rejects.toThrow(/already has 10 custom data keys, n8n’s limit/);
	expect(submits()).toEqual([]);
});
