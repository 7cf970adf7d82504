import type { IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import type { PollSchedule } from '../transport/cadence';
import { keepJson, readKeptJson } from '../transport/download';

/**
 * What a waiting execution needs to finish when BFL calls back (Free the Execution While BFL
 * Works): every task and what its output item needs, the secret the callbacks prove and the
 * deadline. n8n saves nothing a webhook call of the node learns, and a time-based resume never runs
 * the node again (../shared/n8n-wait-offload.md), so it is all written before the execution waits:
 * kept in n8n's binary store with the execution's files, its id in the execution's custom data.
 */

/** A task submitted for an item, to collect once BFL is done. */
export interface DispatchedTask {
	/** The item's JSON after the submit (task ID, model, cost, sizes). */
	json: IDataObject;
	pollingUrl: string;
	apiHosts: string[];
	schedule: PollSchedule;
	video: boolean;
	download: boolean;
	binaryPropertyName: string;
	/** The request's prompt and size, as the Ready item reports them. */
	body: { prompt?: unknown; width?: unknown; height?: unknown };
	submittedAt: number;
}

/** One output item: a task to collect, or an item that already failed (its error JSON). */
export type DispatchEntry =
	| { item: number; task: DispatchedTask }
	| { item: number; failed: IDataObject };

export interface Dispatch {
	/** What wrote it, so another shape is never misread. */
	format: typeof DISPATCH_FORMAT;
	/** The node that waits (the custom data key is shared by every FLUX node of the workflow). */
	node: string;
	/** Proved by every call of the resume URL: BFL's callbacks (the task's webhook_secret) and the node's own. */
	secret: string;
	deadlineAt: number;
	deadlineMinutes: number;
	/** Moderated items go to the Moderated output (where n8n resumes a node with all its outputs). */
	routeModerated: boolean;
	/** In input order, an item's images in their order: the order of the outputs. */
	entries: DispatchEntry[];
}

export const DISPATCH_FORMAT = 'flux-dispatch-1';

/** The execution's custom data key that holds the id of the kept dispatch. */
export const DISPATCH_KEY = 'fluxDispatch';

/** n8n keeps at most 10 custom data keys per execution (and drops others silently). */
const CUSTOM_DATA_KEYS = 10;

interface CustomData {
	set: (key: string, value: string) => void;
	get: (key: string) => unknown;
	getAll: () => Record<string, unknown>;
}

/** The execution's custom data: the context's own on n8n 2.x, `$execution.customData` on 1.x. */
function customDataOf(context: IExecuteFunctions): CustomData {
	const own = (context as { customData?: CustomData }).customData;
	return (
		own ?? (context.getWorkflowDataProxy(0).$execution as { customData: CustomData }).customData
	);
}

/** Whether the dispatch's key fits in the execution's custom data (asked before anything is paid). */
export function customDataHasRoom(context: IExecuteFunctions): boolean {
	const keys = Object.keys(customDataOf(context).getAll() ?? {});
	return keys.includes(DISPATCH_KEY) || keys.length < CUSTOM_DATA_KEYS;
}

/** Keeps the dispatch for the node's webhook calls; false when n8n did not keep it. */
export async function keepDispatch(
	context: IExecuteFunctions,
	dispatch: Dispatch,
): Promise<boolean> {
	const id = await keepJson(context, dispatch, 'flux-dispatch.json');
	if (!id) return false;
	const customData = customDataOf(context);
	customData.set(DISPATCH_KEY, id);
	return customData.get(DISPATCH_KEY) === id;
}

/** The dispatch this node kept before its execution started waiting, if it kept one. */
export async function readDispatch(context: IWebhookFunctions): Promise<Dispatch | undefined> {
	// n8n 2.x gives a webhook call the execution's custom data; 1.x only through an expression (which
	// 2.x's sandboxed expression engine does not run).
	const own = (context as { customData?: CustomData }).customData;
	const id = own
		? own.get(DISPATCH_KEY)
		: context.evaluateExpression(`{{ $execution.customData.get("${DISPATCH_KEY}") }}`, 0);
	if (typeof id !== 'string' || !id) return undefined;
	const dispatch = (await readKeptJson(context, id)) as Dispatch | undefined;
	return dispatch?.format === DISPATCH_FORMAT && dispatch.node === context.getNode().name
		? dispatch
		: undefined;
}
