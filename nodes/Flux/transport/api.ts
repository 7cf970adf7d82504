import type { IExecuteFunctions, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

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
 * One request with the credential; throws an HTTP failure that errors.ts reads (status, headers,
 * body). The answer's status is read here rather than left to n8n's client: n8n 1.x wraps its
 * client's errors in a NodeApiError that drops the response, and with it the Location of a
 * redirect and the Retry-After of a 429.
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
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		const response = (
			mayCarryKey(url, apiHosts)
				? await caller.helpers.httpRequestWithAuthentication.call(
						caller as IExecuteFunctions,
						CREDENTIAL_TYPE,
						request,
					)
				: await caller.helpers.httpRequest(request)
		) as IN8nHttpFullResponse;
		if (response.statusCode < 300) return response.body;
		const failure = new HttpStatusError(response);
		const next = redirectTarget(describeHttpError(failure), url);
		const mayFollow =
			next &&
			hop < MAX_REDIRECTS &&
			((options.method ?? 'GET') === 'GET' || mayCarryKey(next, apiHosts));
		if (!mayFollow) throw failure;
		url = next;
	}
}

/** An answer with a 3xx, 4xx or 5xx status, shaped as n8n's client errors are (errors.ts reads both). */
export class HttpStatusError extends Error {
	readonly httpCode: string;

	readonly response: { status: number; headers: Record<string, unknown>; data: unknown };

	constructor(answer: IN8nHttpFullResponse) {
		super(`Request failed with status code ${answer.statusCode}`);
		this.httpCode = String(answer.statusCode);
		this.response = {
			status: answer.statusCode,
			headers: (answer.headers ?? {}) as Record<string, unknown>,
			data: answer.body,
		};
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
