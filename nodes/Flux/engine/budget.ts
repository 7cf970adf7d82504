import type { IDataObject } from 'n8n-workflow';

/**
 * Credits of one execution: what BFL charged (every FLUX node of the execution adds to it) and
 * what is reserved for tasks being submitted. Kept in the execution's flow context, so the total
 * and the cap span every FLUX node of the workflow and survive n8n's retries of a node.
 *
 * Before a submit, the task's expected cost (from the model table's price) is reserved; a task
 * whose reservation would take spent + reserved past the cap is not started. BFL's own `cost`
 * then replaces the reservation (and a video's settled cost replaces that).
 */

interface CreditsStore extends IDataObject {
	spent: number;
	reserved: number;
}

const KEY = 'fluxCredits';

export class CreditBudget {
	private readonly store: CreditsStore;

	/** `cap` 0 = no cap. `flow`: the execution's flow context (a fresh object where there is none). */
	constructor(
		flow: IDataObject | undefined,
		readonly cap: number,
	) {
		const target = flow ?? {};
		const existing = target[KEY] as CreditsStore | undefined;
		// Reservations never outlive a node's run: whatever a crashed run left reserved is released.
		target[KEY] = { spent: round(existing?.spent ?? 0), reserved: 0 };
		this.store = target[KEY] as CreditsStore;
	}

	/** Credits BFL charged so far in this execution. */
	get spent(): number {
		return this.store.spent;
	}

	/** Why `credits` may not be reserved (it could take the execution past the cap), or undefined. */
	refusal(credits: number): string | undefined {
		if (this.cap <= 0 || this.store.spent + this.store.reserved + credits <= this.cap + 1e-9)
			return undefined;
		return `this task could cost about ${round(credits)} credits, which would take the execution past its cap of ${this.cap} credits (${round(this.store.spent)} spent, ${round(this.store.reserved)} reserved for tasks being submitted)`;
	}

	/** Reserves `credits` (check `refusal` first). */
	reserve(credits: number): number {
		this.store.reserved = round(this.store.reserved + credits);
		return credits;
	}

	/** The task was not submitted (or BFL refused it): give the reservation back. */
	release(reserved: number): void {
		this.store.reserved = round(Math.max(0, this.store.reserved - reserved));
	}

	/** BFL accepted the task and said what it costs (its estimate when undefined: the reservation). */
	settle(reserved: number, cost: number | undefined): number {
		this.release(reserved);
		const charged = cost ?? reserved;
		this.store.spent = round(this.store.spent + charged);
		return charged;
	}

	/** A later, final figure for a task already settled (a video's cost on its last poll). */
	adjust(previous: number, final: number): void {
		this.store.spent = round(this.store.spent - previous + final);
	}
}

function round(credits: number): number {
	return Math.round(credits * 1000) / 1000;
}
