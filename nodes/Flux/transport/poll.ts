import type { IHttpRequestOptions } from 'n8n-workflow';

import { apiRequest } from './api';
import {
	IN_PROGRESS,
	TERMINAL,
	parseAnswer,
	pollSchema,
	resultOutputs,
	type PollAnswer,
	type ReadyResult,
} from './answers';
import type { ApiErrorContext } from './caller';
import {
	firstPollDelay,
	nearReadyFrom,
	nextPollDelay,
	type PollSchedule,
	type ReadyAge,
} from './cadence';
import {
	backoffDelay,
	cancelled,
	pause,
	remaining,
	retryAfterMs,
	type Deadline,
	type RunControl,
} from './clock';
import { terminalError } from './endings';
import { describeHttpError, isTransient, taskError, toApiError } from './errors';

/** GET the returned polling_url until the task ends: bounded by the deadline, cancellable, retried on transient failures. */

/** `Task not found` right after submitting can mean the cluster has not caught up yet. */
export const TASK_NOT_FOUND_GRACE_MS = 5000;
const POLL_TIMEOUT_MS = 30_000;
export interface PollInput {
	pollingUrl: string;
	/** Hosts that may receive the key (the API's, the finetune host's). */
	apiHosts: string[];
	deadline: Deadline;
	control: RunControl;
	schedule: PollSchedule;
	/** When the task was submitted (the cadence follows its age); default now. */
	submittedAt?: number;
	/** A task submitted earlier (Get Result, a retry collecting it): poll at once, no grace for `Task not found`. */
	earlier?: boolean;
	safetyTolerance?: number;
	maxSafetyTolerance?: number;
	/** What the task makes, for messages: `image`, `video`, or `result` when unknown. */
	noun?: string;
	/** How long similar tasks of this run took, and where to record this one's. */
	expected?: {
		age: () => ReadyAge | undefined;
		observe: (age: ReadyAge) => void;
		changed: () => Promise<void>;
	};
}

/** Polls the polling_url until a terminal status; resolves only on `Ready`. */
export async function waitForResult(ctx: ApiErrorContext, input: PollInput): Promise<ReadyResult> {
	const watch = new TaskWatch(ctx, input);
	for (;;) {
		const ready = await watch.next();
		if (ready) return ready;
	}
}

/** A task looked at once (Get Result with Still Running): its result, or the status it is still in. */
export type Look =
	| { ready: ReadyResult; running?: undefined }
	| { ready?: undefined; running: { status: string; progress?: number } };

/**
 * Asks until BFL answers about the task once (a transient failure is asked again, within the
 * deadline): Ready resolves, a task still in progress resolves with its status, any other end throws.
 */
export async function lookOnce(ctx: ApiErrorContext, input: PollInput): Promise<Look> {
	const watch = new TaskWatch(ctx, { ...input, earlier: true });
	for (;;) {
		const ready = await watch.next();
		if (ready) return { ready };
		if (watch.running) return { running: watch.running };
	}
}

/** One task's polls: when the next one is due, sending it, and what its answer means. */
class TaskWatch {
	private poll = 0;

	private lastStatus = 'submitted';

	private failures = 0;

	private nearReadyPolls = 0;

	/** Ages (since submit) at which the last poll answered pending, and at which the latest one was sent. */
	private pendingAge = 0;

	private sentAge = 0;

	private estimateChanged: Promise<boolean> | undefined;

	private readonly unknownStatuses: string[] = [];

	/** The last answer said the task is still in progress (or in a status the node does not know). */
	running: { status: string; progress?: number } | undefined;

	/** BFL's Retry-After on a poll answered 429: the task exists, the next poll waits at least this long. */
	private retryAfter = 0;

	private readonly submittedAt: number;

	constructor(
		private readonly ctx: ApiErrorContext,
		private readonly input: PollInput,
	) {
		this.submittedAt = input.submittedAt ?? Date.now();
	}

	private get noun(): string {
		return this.input.noun ?? 'result';
	}

	/** Waits for the next poll and sends it: the result when Ready, undefined to poll again. */
	async next(): Promise<ReadyResult | undefined> {
		const expected = this.input.earlier ? undefined : this.input.expected?.age();
		const wait = this.plannedWait(expected);
		if (wait >= remaining(this.input.deadline)) throw this.timedOut();
		if (await this.sleepUnlessReplanned(expected, wait)) return undefined;
		const answer = await this.send();
		this.poll++;
		return answer ? this.read(answer) : undefined;
	}

	/** After failed polls, back off a little more, but never past twice the normal cadence. */
	private plannedWait(expected: ReadyAge | undefined): number {
		const { schedule, earlier } = this.input;
		const retryWait = Math.min(2 * schedule.maxMs, backoffDelay(this.failures));
		const age = Date.now() - this.submittedAt;
		const cadence = nextPollDelay(age, schedule, expected, this.nearReadyPolls);
		const firstWait = earlier ? 0 : expected === undefined ? firstPollDelay(schedule) : cadence;
		const planned =
			this.failures > 0 ? Math.max(cadence, retryWait) : this.poll === 0 ? firstWait : cadence;
		const wait = Math.max(planned, this.retryAfter);
		this.retryAfter = 0;
		// A close poll is one made from the grid's start on (counted when planned).
		if (expected !== undefined && age + wait >= nearReadyFrom(expected.readyByMs, schedule))
			this.nearReadyPolls++;
		return wait;
	}

	/** Until a similar task of the run is Ready, that moment wakes this wait to plan it again (true). */
	private async sleepUnlessReplanned(
		expected: ReadyAge | undefined,
		wait: number,
	): Promise<boolean> {
		const { control } = this.input;
		if (expected !== undefined || !this.input.expected || this.input.earlier) {
			await pause(control, wait);
			return false;
		}
		const replanned = new AbortController();
		this.estimateChanged ??= this.input.expected.changed().then(() => true);
		void this.estimateChanged.then(() => replanned.abort());
		await pause(control, wait, replanned.signal);
		if (!replanned.signal.aborted) return false;
		this.estimateChanged = undefined;
		return true;
	}

	/** One GET; undefined when it is worth asking again (a transient failure, the grace for `Task not found`). */
	private async send(): Promise<PollAnswer | undefined> {
		const { control, deadline } = this.input;
		const request: IHttpRequestOptions = {
			method: 'GET',
			url: this.input.pollingUrl,
			json: true,
			headers: { accept: 'application/json' },
			timeout: Math.min(POLL_TIMEOUT_MS, Math.max(1000, remaining(deadline))),
			abortSignal: control.signal,
		};
		let raw: unknown;
		this.sentAge = Date.now() - this.submittedAt;
		try {
			raw = await apiRequest(this.ctx.context, request, this.input.apiHosts);
		} catch (error) {
			if (control.signal.aborted) throw cancelled(control);
			const failure = describeHttpError(error);
			if (failure.status === 404 && this.inGrace()) return undefined;
			if (!isTransient(failure))
				throw toApiError(this.ctx, failure, `waiting for the ${this.noun}`);
			// 429 on a poll: the task exists and is not resubmitted; the same URL is asked again, later.
			if (failure.status === 429)
				this.retryAfter = retryAfterMs(failure.headers['retry-after']) ?? 0;
			this.failures++;
			this.lastStatus = failure.status
				? `HTTP ${failure.status}`
				: (failure.code ?? 'network error');
			return undefined;
		}
		const parsed = pollSchema.safeParse(parseAnswer(raw));
		if (!parsed.success || !(parsed.data.status ?? parsed.data.state)) {
			// A garbled answer to a GET is safe to ask again.
			this.failures++;
			this.lastStatus = 'unreadable answer';
			return undefined;
		}
		this.failures = 0;
		return parsed.data;
	}

	private inGrace(): boolean {
		return !this.input.earlier && Date.now() - this.submittedAt < TASK_NOT_FOUND_GRACE_MS;
	}

	/** The result when Ready; undefined while the task runs; throws when it ended otherwise. */
	private read(answer: PollAnswer): ReadyResult | undefined {
		const status = (answer.status ?? answer.state) as string;
		this.lastStatus =
			typeof answer.progress === 'number'
				? `${status}, ${Math.round(answer.progress * 100)} %`
				: status;
		if (!TERMINAL.has(status)) {
			this.running = {
				status,
				...(typeof answer.progress === 'number' ? { progress: answer.progress } : {}),
			};
			if (!IN_PROGRESS.has(status) && !this.unknownStatuses.includes(status))
				this.unknownStatuses.push(status);
			this.pendingAge = this.sentAge;
			return undefined;
		}
		if (status === 'Ready') {
			const { samples, draftCaches } = resultOutputs(answer.result);
			if (!samples.length)
				throw taskError(this.ctx, `BFL reported the task Ready but sent no ${this.noun} URL`);
			if (!this.input.earlier)
				this.input.expected?.observe({ readyByMs: this.sentAge, pendingMs: this.pendingAge });
			const unknown = this.unknownStatuses.length
				? { unknownStatuses: [...this.unknownStatuses] }
				: {};
			const drafts = draftCaches.length
				? { draft_cache: draftCaches[0], draft_caches: draftCaches }
				: {};
			return {
				...answer.result,
				sample: samples[0],
				samples,
				...drafts,
				settledCost: answer.cost,
				polls: this.poll,
				...unknown,
			};
		}
		if (status === 'Task not found' && this.inGrace()) return undefined;
		throw terminalError(this.ctx, status, answer.details, this.input);
	}

	private timedOut(): Error {
		return taskError(
			this.ctx,
			`Timed out after ${this.input.deadline.seconds} s waiting for the ${this.noun} (last status: ${this.lastStatus})`,
			'The task may still finish and be billed. Raise "Timeout (Seconds)" in the options if BFL is busy.',
		);
	}
}
