import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ConcurrencyBucket, MediaField, ModelSpec, Operation } from '../models';
import type { PollSchedule, DurationEstimates } from '../transport/cadence';
import type { RunControl } from '../transport/clock';
import type { CreditBudget } from './budget';
import type { TaskLedger } from './ledger';
import type { TaskSlots } from './limiter';
import type { Presenter } from './output';
import type { InFlight } from './pacing';

/**
 * What the engine is handed: jobs built from the node's parameters by actions/, and the settings
 * of the run. The engine never reads a parameter itself.
 */

/** Everything one item needs to start a task, read and validated from its parameters. Never changed afterwards. */
export interface TaskRequest {
	model: ModelSpec;
	operation: Operation;
	/** The body with API field names, as typed: media fields hold binary property names or URLs. */
	body: Readonly<Record<string, unknown>>;
	/** The media fields present in `body`, resolved to what BFL takes just before the submit. */
	mediaFields: MediaField[];
	/** Where the task is submitted (a FLUX.1 finetune's regional host included). */
	submitUrl: string;
	/** Hosts that may receive the key when the task is polled. */
	apiHosts: string[];
	/** The width and height typed, where the node moved them onto the model's grid. */
	requestedSize?: { width: number | null; height: number | null };
	/** BFL calls this URL with this secret when the task ends (the FLUX Trigger). */
	webhook?: { url: string; secret: string };
	/** Off: return right after the submit (also when BFL calls a webhook instead). */
	waitForResult: boolean;
	download: boolean;
	binaryPropertyName: string;
	timeoutSeconds: number;
	schedule: PollSchedule;
}

/** A task to start for an item. `fingerprint` identifies the request across n8n's retries. */
export interface NewTask {
	kind: 'new';
	itemIndex: number;
	/** Which of the item's images (Number of Images): 0, 1, … of `images`. */
	variant: number;
	images: number;
	/** The task's name in the ledger and the outputs (jobKey). */
	key: string;
	fingerprint: string;
	request: TaskRequest;
}

/** A task submitted earlier, to wait for and download (Get Result). */
export interface CollectTask {
	kind: 'collect';
	itemIndex: number;
	key: string;
	pollingUrl: string;
	apiHosts: string[];
	download: boolean;
	binaryPropertyName: string;
	timeoutSeconds: number;
	schedule: PollSchedule;
	/** Look once instead of waiting: a task still running becomes a Still Running item. */
	lookOnce: boolean;
}

export type Job = NewTask | CollectTask;

/** An item's first task is named by the item's index, as n8n's retries of earlier runs know it; its others `index.n`. */
export function jobKey(itemIndex: number, variant = 0): string {
	return variant === 0 ? String(itemIndex) : `${itemIndex}.${variant}`;
}

/** How a run treats failures and outputs, decided by the node's settings. */
export interface RunSettings {
	/** n8n's continue-on-fail (always on for an AI agent): a failed item becomes an error item. */
	continueOnFail: boolean;
	/** Moderated items go to the second output instead of failing. */
	routeModerated: boolean;
	/** Get Result's unfinished tasks go to a last output, Still Running (else with the others: an agent's). */
	routeRunning: boolean;
	/** n8n's Retry On Fail is on: after a failure, let tasks in flight finish into the ledger. */
	retryOnFail: boolean;
	/** Tasks at BFL at once; 0 = BFL's limit for the bucket. */
	maxConcurrent: number;
	/** Spend cap for the execution, in credits; 0 = none. */
	maxCredits: number;
	/** Credits the account must keep before anything is submitted; 0 = not checked. */
	minimumBalance: number;
	/** Price every item from the model table and send nothing to BFL (estimate.ts). */
	estimateOnly: boolean;
	/** An agent's results get a link served by n8n, where its binary store keeps files (links.ts). */
	lastingLinks: boolean;
	/** Add the execution's total spend to each Ready item. */
	reportExecutionCost: boolean;
	presenter: Presenter;
	/** The credential's API base URL (for the balance check). */
	baseUrl: string;
	/** Free the Execution While BFL Works: the execution waits for BFL's callbacks (dispatch.ts). */
	dispatch?: { deadlineMinutes: number };
}

/** One item's result: its output item, or an item for the Moderated output. */
export interface Outcome {
	item?: INodeExecutionData;
	moderated?: INodeExecutionData;
	/** Get Result looking once: the task is not done yet. */
	running?: INodeExecutionData;
}

/** What the jobs of one run share. */
export interface JobEnvironment {
	context: IExecuteFunctions;
	settings: RunSettings;
	control: RunControl;
	ledger: TaskLedger;
	budget: CreditBudget;
	/** How long similar tasks of this run took, for polling close to that moment. */
	durations: DurationEstimates;
	/** Submits in flight: downloads wait for them. */
	submitting: InFlight;
	downloads: TaskSlots;
	slotsFor: (bucket: ConcurrencyBucket) => TaskSlots;
	ensureBalance: () => Promise<void>;
	/** The run stopped starting tasks (another item failed and n8n will retry). */
	isStopped: () => boolean;
	/** Whether n8n keeps results and can serve lasting links to them (asked once per run, links.ts). */
	servesLinks: () => Promise<boolean>;
}

/** Not started because the run stopped starting tasks after another item failed. */
export class NotStarted extends Error {}
