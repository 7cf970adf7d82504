import type { IDataObject } from 'n8n-workflow';

/**
 * What became of each item's task in this run of the node, kept in the node's execution context.
 * n8n keeps that context when "Retry On Fail" runs the node again within the same execution (and
 * in queue mode it travels with the execution), so a retry collects the tasks already paid for
 * instead of submitting them again.
 *
 * Entries are plain JSON. They are keyed by the node's run index: a loop that runs the node again
 * with the same prompt is a new run and generates anew; only a retry of the same run reuses them.
 */

export type TaskState =
	/** Submitted; the outcome is not known yet (or the wait timed out): collect it by polling. */
	| 'submitted'
	/** Ready: the result URL is in `result`; collect it by downloading while the URL is valid. */
	| 'ready'
	/** Returned right after submitting (no wait, or a webhook): return the same answer again. */
	| 'returned'
	/** Failed in a way another try cannot change (moderation of the same request): fail the same. */
	| 'final'
	/** A submit whose outcome is unknown: never sent again, to avoid paying twice. */
	| 'unknown';

export interface LedgerEntry extends IDataObject {
	/** The request's fingerprint: another request for the same item is a new task. */
	fingerprint: string;
	state: TaskState;
	taskId?: string;
	pollingUrl?: string;
	/** The answer or result JSON the item got, to return it again. */
	json?: IDataObject;
	/** For `final` and `unknown`: the error the item failed with. */
	error?: { message: string; description?: string; moderated?: IDataObject };
	/** Credits charged for the task (already counted in the execution's total). */
	cost?: number;
}

interface LedgerStore extends IDataObject {
	runIndex: number;
	items: Record<string, LedgerEntry>;
}

const KEY = 'fluxTasks';

export class TaskLedger {
	private readonly store?: LedgerStore;

	/** `context`: the node's execution context, or undefined where n8n offers none (tool calls). */
	constructor(context: IDataObject | undefined, runIndex: number) {
		if (!context) return;
		const existing = context[KEY] as LedgerStore | undefined;
		if (!existing || existing.runIndex !== runIndex) context[KEY] = { runIndex, items: {} };
		this.store = context[KEY] as LedgerStore;
	}

	/** The earlier task of this job (engine/types.ts jobKey), if it was for the same request. */
	find(key: string, fingerprint: string): LedgerEntry | undefined {
		const entry = this.store?.items[key];
		return entry && entry.fingerprint === fingerprint ? entry : undefined;
	}

	record(key: string, entry: LedgerEntry): void {
		if (this.store) this.store.items[key] = entry;
	}

	update(key: string, patch: Partial<LedgerEntry>): void {
		const entry = this.store?.items[key];
		if (entry) Object.assign(entry, patch);
	}

	/** Forgets a job's task: its next try submits anew (it failed for a reason worth retrying). */
	forget(key: string): void {
		if (this.store) delete this.store.items[key];
	}
}

/** A stable, fast 53-bit hash (cyrb53) of a string, as 14 hex digits. Not cryptographic. */
export function hash(text: string, seed = 0): string {
	let h1 = 0xdeadbeef ^ seed;
	let h2 = 0x41c6ce57 ^ seed;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		h1 = Math.imul(h1 ^ code, 2654435761);
		h2 = Math.imul(h2 ^ code, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

/** JSON with sorted keys, so the same request always gives the same text. */
export function stableJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, entry]) => entry !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${stableJson(entry)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}
