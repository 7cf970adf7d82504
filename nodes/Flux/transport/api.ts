import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import type { ApiErrorContext, Caller } from './caller';
import { describeHttpError, toApiError } from './errors';

/**
 * The one authenticated request to BFL's API: the credential's `x-key` goes along (n8n adds it
 * from the credential's `authenticate`), answers are JSON. Anything that leaves for another host
 * (delivery hosts, URLs a user gave) goes through download.ts without the key.
 */

export const CREDENTIAL_TYPE = 'bflApi';

/** One request with the credential; throws n8n's HTTP error as it came (see errors.ts to read it). */
export async function apiRequest(caller: Caller, options: IHttpRequestOptions): Promise<unknown> {
	return await caller.helpers.httpRequestWithAuthentication.call(caller as IExecuteFunctions, CREDENTIAL_TYPE, {
		json: true,
		...options,
		headers: { accept: 'application/json', ...options.headers },
	});
}

/** A request whose failure ends the item with a message a person can act on. */
export async function apiCall(ctx: ApiErrorContext, options: IHttpRequestOptions, during: string): Promise<unknown> {
	try {
		return await apiRequest(ctx.context, options);
	} catch (error) {
		throw toApiError(ctx, describeHttpError(error), during);
	}
}
