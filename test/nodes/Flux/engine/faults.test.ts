/**
 * Resilience against the emulator (real HTTP over loopback; needs `npm run build` first, which
 * `npm test` does): every item ends as an image or as an error item naming the cause and the task
 * id, and the ledger shows no task submitted twice. Each test is bounded by the node's Timeout
 * option and jest's test timeout.
 */
import { sleep, type INodeExecutionData, type INodeParameters } from 'n8n-workflow';

import { startEmulator } from '../../../../emulator/server';
import { decode } from '../../../support/fixtures';
import { runFlux } from '../../../support/harness';
import { useFastPolls } from '../../../support/fastPolls';

useFastPolls();

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
interface LedgerEntry {
	method: string;
	path: string;
	status?: number;
	taskId?: string;
	answer?: string;
	time: number;
	body?: Record<string, unknown>;
	keyPresent: boolean;
	host: string;
}

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator({ generationMs: 300 });
});
afterAll(async () => {
	await emulator.close();
});
beforeEach(() => {
	emulator.reset();
	Object.assign(emulator.config, {
		activeTaskLimit: 24,
		generationMs: 300,
		sampleTtlMs: 600000,
		retryAfterSeconds: null,
		credits: 10000,
		faults: {},
	});
});

const ledger = () => emulator.ledger as LedgerEntry[];
const submits = () =>
	ledger().filter((entry) => entry.method === 'POST' && entry.path.startsWith('/v1/'));

function prompts(count: number, fault?: (index: number) => string): INodeExecutionData[] {
	return Array.from({ length: count }, (_, index) => ({
		json: { prompt: `picture ${index} ${fault?.(index) ?? ''}`.trim() },
	}));
}

function run(
	items: INodeExecutionData[],
	parameters: INodeParameters = {},
	extra: { abortController?: AbortController } = {},
) {
	return runFlux({
		parameters: {
			operation: 'generate',
			model: 'flux-2-klein-4b',
			prompt: '={{ $json.prompt }}',
			width: 128,
			height: 96,
			modelOptions: { outputFormat: 'png' },
			...parameters,
		},
		items,
		credentials: {
			apiKey: 'bfl_emulator_placeholder',
			region: 'custom',
			baseUrl: emulator.apiBase,
		},
		continueOnFail: true,
		...extra,
	});
}

/** No prompt created more than one task (a 429 creates none and may be retried). */
function expectEachSubmittedOnce(items: INodeExecutionData[]) {
	const accepted = submits().filter((entry) => entry.status === 200);
	const perPrompt = new Map<string, number>();
	for (const entry of accepted)
		perPrompt.set(String(entry.body?.prompt), (perPrompt.get(String(entry.body?.prompt)) ?? 0) + 1);
	expect([...perPrompt.values()].every((count) => count === 1)).toBe(true);
	expect(new Set(accepted.map((entry) => entry.taskId)).size).toBe(accepted.length);
	expect(accepted.length).toBeLessThanOrEqual(items.length);
}

async function expectImages(out: INodeExecutionData[], count: number) {
	expect(out).toHaveLength(count);
	for (const [index, item] of out.entries()) {
		expect(item.pairedItem).toEqual({ item: index });
		expect(item.json.error).toBeUndefined();
		expect(await decode(Buffer.from(item.binary!.data.data, 'base64'))).toEqual({
			format: 'png',
			width: 128,
			height: 96,
		});
	}
}

test('a 429 storm (limit 2, 10 items): every item waits its turn and succeeds', async () => {
	emulator.config.activeTaskLimit = 2;
	const items = prompts(10);
	const out = await run(items);
	await expectImages(out, 10);
	expect(submits().some((entry) => entry.status === 429)).toBe(true);
	expectEachSubmittedOnce(items);
});

test('a 429 with Retry-After is honoured', async () => {
	emulator.config.activeTaskLimit = 1;
	emulator.config.retryAfterSeconds = 1;
	const items = prompts(2);
	const out = await run(items, { options: { maxConcurrentTasks: 2 } });
	await expectImages(out, 2);
	const [rejected] = submits().filter((entry) => entry.status === 429);
	const retried = submits().find((entry) => entry.status === 200 && entry.time > rejected.time);
	expect(retried!.time - rejected.time).toBeGreaterThanOrEqual(950);
	expectEachSubmittedOnce(items);
});

test('half of the polls failing with 500: all items succeed', async () => {
	emulator.config.faults = { 'poll-500': 0.5 };
	const items = prompts(6);
	const out = await run(items);
	await expectImages(out, 6);
	expect(ledger().some((entry) => entry.path === '/v1/get_result' && entry.status === 500)).toBe(
		true,
	);
	expectEachSubmittedOnce(items);
});

test('connection resets on polls: all items succeed', async () => {
	emulator.config.faults = { 'poll-reset': 0.5 };
	const items = prompts(6);
	const out = await run(items);
	await expectImages(out, 6);
	expect(ledger().some((entry) => entry.path === '/v1/get_result' && entry.status === 0)).toBe(
		true,
	);
	expectEachSubmittedOnce(items);
});

test('malformed poll answers are asked again', async () => {
	emulator.config.faults = { 'poll-malformed': 0.4 };
	const items = prompts(4);
	await expectImages(await run(items), 4);
	expectEachSubmittedOnce(items);
});

test('the first download failing once is retried', async () => {
	emulator.config.faults = { 'delivery-fail-once': true };
	const items = prompts(3);
	await expectImages(await run(items), 3);
	const downloads = ledger().filter((entry) => entry.path.startsWith('/results/'));
	expect(downloads.filter((entry) => entry.status === 503)).toHaveLength(3);
	expect(downloads.every((entry) => !entry.keyPresent)).toBe(true);
	expectEachSubmittedOnce(items);
});

test('Task not found for the first second after submit is waited out', async () => {
	emulator.config.faults = { 'not-found-ms': 1000 };
	const items = prompts(3);
	await expectImages(await run(items), 3);
	expect(
		ledger().some((entry) => entry.answer === undefined && entry.path === '/v1/get_result'),
	).toBe(true);
	expectEachSubmittedOnce(items);
});

test('an expired result URL ends the item with the cause and the task id', async () => {
	emulator.config.sampleTtlMs = -1000;
	const items = prompts(2);
	const out = await run(items);
	expect(out).toHaveLength(2);
	for (const item of out) {
		expect(item.json.error).toMatch(/result URL is no longer valid \(403\)/);
		expect(item.json.taskId).toEqual(expect.any(String));
	}
	expectEachSubmittedOnce(items);
});

test('a malformed submit answer is not resent; the error keeps the task id', async () => {
	const items = prompts(3, (index) => (index === 1 ? '[[submit-malformed]]' : ''));
	const out = await run(items);
	expect(out[0].binary?.data).toBeDefined();
	expect(out[2].binary?.data).toBeDefined();
	expect(out[1].json.error).toMatch(/unreadable/);
	expect(out[1].json.description).toMatch(/not sent again/);
	const malformed = submits().find((entry) =>
		String(entry.body?.prompt).includes('submit-malformed'),
	);
	expect(out[1].json.taskId).toBe(malformed?.taskId);
	expect(
		submits().filter((entry) => String(entry.body?.prompt).includes('submit-malformed')),
	).toHaveLength(1);
});

test('a 500 on submit is not resent', async () => {
	const items = prompts(2, (index) => (index === 0 ? '[[submit-500]]' : ''));
	const out = await run(items);
	expect(out[0].json.error).toMatch(/BFL server error \(500\) while submitting/);
	expect(out[0].json.description).toMatch(/may exist/);
	expect(out[1].binary?.data).toBeDefined();
	expect(
		submits().filter((entry) => String(entry.body?.prompt).includes('submit-500')),
	).toHaveLength(1);
});

test('a moderated prompt among good ones: one error item with its task id, the rest images', async () => {
	const items = prompts(5, (index) => (index === 2 ? '[[content-moderated]]' : ''));
	const out = await run(items);
	expect(out).toHaveLength(5);
	expect(out[2].json.error).toMatch(/Content Moderated.*Emulated content moderation/);
	expect(out[2].json.taskId).toBe(
		submits().find((entry) => String(entry.body?.prompt).includes('moderated'))?.taskId,
	);
	for (const index of [0, 1, 3, 4]) expect(out[index].binary?.data).toBeDefined();
	expectEachSubmittedOnce(items);
});

test('out of credits (402) stops submitting: later items fail with the credits message and send nothing', async () => {
	emulator.config.credits = 3.5; // one 128×96 klein image costs 1.4
	const items = prompts(5);
	const out = await run(items, { options: { maxConcurrentTasks: 1 } });
	expect(out.filter((item) => item.binary?.data)).toHaveLength(2);
	for (const item of out.slice(2)) expect(item.json.error).toMatch(/Out of BFL credits/);
	expect(submits().filter((entry) => entry.status === 402)).toHaveLength(1);
	expect(submits()).toHaveLength(3);
});

test('cancelling halfway through a batch ends every wait at once and submits nothing more', async () => {
	emulator.config.generationMs = 1500;
	const abortController = new AbortController();
	const items = prompts(10);
	const execution = run(items, { options: { maxConcurrentTasks: 2 } }, { abortController });
	await sleep(2000); // the first two items are done or nearly, the next two in flight
	const abortedAt = Date.now();
	abortController.abort();
	const outcome = await execution.then(
		() => 'finished',
		(error: Error) => error.message,
	);
	const endedAfterMs = Date.now() - abortedAt;
	expect(outcome).toMatch(/cancelled/);
	expect(endedAfterMs).toBeLessThan(1000);
	const afterAbort = submits().filter((entry) => entry.time > abortedAt);
	expect(afterAbort).toEqual([]);
	expect(submits().length).toBeLessThan(10);
	await sleep(300);
	expect(submits().filter((entry) => entry.time > abortedAt)).toEqual([]);
});

/** The most tasks that were generating at the same moment, from the emulator's own records. */
function maxOverlap(): number {
	const tasks = [
		...(emulator.tasks as Map<string, { createdAt: number; readyAt: number }>).values(),
	];
	return Math.max(
		...tasks.map(
			(task) =>
				tasks.filter((other) => other.createdAt <= task.createdAt && other.readyAt > task.createdAt)
					.length,
		),
	);
}

test('items run concurrently up to Max Concurrent Tasks, keeping input order and per-item expressions', async () => {
	emulator.config.generationMs = 800;
	const items = prompts(6);
	const out = await run(items, { options: { maxConcurrentTasks: 3 } });
	await expectImages(out, 6);
	expect(maxOverlap()).toBe(3);
	const promptOf = new Map(submits().map((entry) => [entry.taskId, entry.body?.prompt]));
	expect(out.map((item) => promptOf.get(String(item.json.taskId)))).toEqual(
		items.map((item) => item.json.prompt),
	);
});

test("by default the model's active-task limit sets the concurrency (6 for flux-kontext-max)", async () => {
	emulator.config.generationMs = 800;
	const items = prompts(8);
	const out = await run(items, { model: 'flux-kontext-max', width: undefined, height: undefined });
	expect(out.filter((item) => item.binary?.data)).toHaveLength(8);
	expect(maxOverlap()).toBe(6);
	expect(submits().filter((entry) => entry.status === 429)).toEqual([]);
});
