import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import type { ApiErrorContext, Caller } from './caller';
import { describeHttpError, toApiError, type HttpFailure } from './errors';
import { mayCarryKey } from './hosts';

/**
 * The one authenticated request to BFL's API: the credential's `x-key` goes along (n8n adds it
 * from the credential's `authenticate`), answers are JSON. Anything that leaves for another host
 * (delivery hosts, URLs a user gave) goes through download.ts without the key.
 */

export const CREDENTIAL_TYPE = 'bflApi';

const MAX_REDIRECTS = 5;

/**
 * One request with the credential; throws n8n's HTTP error as it came (see errors.ts to read it).
 * Redirects are followed here, not by n8n's HTTP client, which would carry the x-key header to any
 * host a redirect names: at every hop the key goes only to `apiHosts` or BFL's own *.bfl.ai hosts.
 * A GET sent on to another host goes without the key; anything else is not sent on (a 3xx error).
 */
export async function apiRequest(
	caller: Caller,
	options: IHttpRequestOptions,
	apiHosts = [new URL(options.url).origin],
): Promise<unknown> {
	let url = options.url;
	for (let hop = 0; ; hop++) {
		const request: IHttpRequestOptions = {
			json: true,
			...options,
			url,
			headers: { accept: 'application/json', ...options.headers },
			disableFollowRedirect: true,
		};
		let failure: unknown;
		try {
			if (mayCarryKey(url, apiHosts)) {
				return await caller.helpers.httpRequestWithAuthentication.call(
					caller as IExecuteFunctions,
					CREDENTIAL_TYPE,
					request,
				);
			}
			return await caller.helpers.httpRequest(request);
		} catch (error) {
			failure = error;
		}
		const next = redirectTarget(describeHttpError(failure), url);
		const mayFollow =
			next &&
			hop < MAX_REDIRECTS &&
			((options.method ?? 'GET') === 'GET' || mayCarryKey(next, apiHosts));
		if (!mayFollow) throw failure;
		url = next;
	}
}

/** Where a 3xx answer sends the request, resolved against the URL that answered; undefined otherwise. */
function redirectTarget(failure: HttpFailure, from: string): string | undefined {
	if (!failure.status || failure.status < 300 || failure.status >= 400) return undefined;
	const location = failure.headers.location;
	return typeof location === 'string' && location ? new URL(location, from).toString() : undefined;
}

/** A request whose failure ends the item with a message a person can act on. */
export async function apiCall(
	ctx: ApiErrorContext,
	options: IHttpRequestOptions,
	during: string,
): Promise<unknown> {
	try {
		return await apiRequest(ctx.context, options);
	} catch (error) {
		throw toApiError(ctx, describeHttpError(error), during);
	}
}
