import { createHmac, timingSafeEqual } from 'crypto';
import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

/**
 * The webhook secret of the BFL credential: the FLUX node sends it with each task that calls
 * back, and whatever takes BFL's callbacks checks it. BFL's SDK echoes the secret in
 * `X-Webhook-Secret`; BFL's skills describe `X-BFL-Signature: sha256=<HMAC-SHA256 of the raw body>`
 * instead [uncertain which BFL sends]: a callback is accepted when either proves the secret.
 */

export const MIN_SECRET_LENGTH = 16;

/** Equal strings, compared in time that depends only on the expected secret's length. */
export function sameSecret(given: string, expected: string): boolean {
	const a = Buffer.from(given, 'utf8');
	const b = Buffer.from(expected, 'utf8');
	let difference = a.length ^ b.length;
	for (let index = 0; index < b.length; index++)
		difference |= (a.length ? a[index % a.length] : 0) ^ b[index];
	return difference === 0 && b.length > 0;
}

/** `sha256=<hex>` over these exact bytes with the secret, as BFL's skills describe the signature. */
export function signatureOf(body: Buffer, secret: string): string {
	return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Whether a signature header is this body's, compared in constant time. */
function signedWith(header: string, body: Buffer, secret: string): boolean {
	const expected = Buffer.from(signatureOf(body, secret), 'utf8');
	const given = Buffer.from(header.trim().toLowerCase(), 'utf8');
	return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface CallbackProof {
	/** Lower-cased header names, as n8n gives them. */
	headers: Record<string, unknown>;
	/** The body exactly as received. */
	rawBody: Buffer;
}

/** A callback proves the secret by echoing it, or by signing its raw body with it. */
export function provesSecret({ headers, rawBody }: CallbackProof, secret: string): boolean {
	if (secret.length === 0) return false;
	const echoed = headers['x-webhook-secret'];
	if (typeof echoed === 'string' && sameSecret(echoed, secret)) return true;
	const signature = headers['x-bfl-signature'];
	return typeof signature === 'string' && signedWith(signature, rawBody, secret);
}

/** A webhook call's headers and its body exactly as sent (n8n keeps the raw bytes of webhook calls). */
export function callbackProof(context: IWebhookFunctions): CallbackProof {
	const raw = (context.getRequestObject() as { rawBody?: Buffer }).rawBody;
	return {
		headers: context.getHeaderData() as Record<string, unknown>,
		rawBody: raw ?? Buffer.from(JSON.stringify(context.getBodyData() ?? {})),
	};
}

/**
 * The webhook lifecycle of a webhook nothing registers anywhere: the FLUX Trigger's (each task names
 * its URL when it is submitted) and the FLUX node's restart webhook (n8n never calls these for it).
 */
export const NOTHING_TO_REGISTER = {
	default: {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async create(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			return true;
		},
	},
};
