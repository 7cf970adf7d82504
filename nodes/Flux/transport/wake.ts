import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * A call of the node's own resume URL, as BFL's callbacks make them, proving the same secret: it
 * wakes a waiting execution to look at its tasks (`check`), or to end with what is done
 * (`deadline`). Never to BFL: the key stays home.
 */

export const WAKE_PARAMETER = 'fluxWake';

export type WakeReason = 'check' | 'deadline';

export async function wakeExecution(
	context: IExecuteFunctions,
	resumeUrl: string,
	secret: string,
	reason: WakeReason,
): Promise<void> {
	const url = new URL(resumeUrl);
	url.searchParams.set(WAKE_PARAMETER, reason);
	await context.helpers.httpRequest({
		method: 'POST',
		url: url.toString(),
		headers: { 'x-webhook-secret': secret },
		body: { wake: reason },
		json: true,
		timeout: 60_000,
		// n8n answers 409 while the execution is not waiting (yet, or any more): nothing to do then.
		ignoreHttpStatusErrors: true,
	});
}

/** Which wake-up a call of the resume URL is: the node's own (check, deadline), or BFL's callback. */
export function wakeReason(query: Record<string, unknown>): WakeReason | undefined {
	const reason = query[WAKE_PARAMETER];
	return reason === 'check' || reason === 'deadline' ? reason : undefined;
}
