import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { BUCKET_LIMITS } from '../models';
import type { ApiErrorContext } from './caller';

/**
 * HTTP failures and failed tasks as errors a person can act on. Built from plain values, never
 * from the request's own error object, so the key in its headers can never leak into an output.
 */

export interface HttpFailure {
	status?: number;
	body?: unknown;
	headers: Record<string, unknown>;
	code?: string;
	message: string;
}

/** Reads status, body and error code from an n8n/axios error, whatever wraps it. */
export function describeHttpError(error: unknown): HttpFailure {
	const layers: Array<Record<string, unknown>> = [];
	let current = error as Record<string, unknown> | undefined;
	for (let depth = 0; current && typeof current === 'object' && depth < 4; depth++) {
		layers.push(current);
		current = current.cause as Record<string, unknown> | undefined;
	}
	const response = layers
		.map((layer) => layer.response as Record<string, unknown> | undefined)
		.find((candidate) => candidate && typeof candidate === 'object');
	const httpCode = layers
		.map((layer) => layer.httpCode)
		.find((code) => code !== undefined && code !== null);
	const status = Number(response?.status ?? response?.statusCode ?? httpCode) || undefined;
	const code = layers
		.map((layer) => layer.code)
		.find((candidate) => typeof candidate === 'string') as string | undefined;
	let body = response?.data ?? response?.body;
	if (Buffer.isBuffer(body) || body instanceof ArrayBuffer)
		body = Buffer.from(body as ArrayBuffer).toString('utf8');
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body);
		} catch {
			// keep the text
		}
	}
	return {
		status,
		body,
		headers: (response?.headers as Record<string, unknown>) ?? {},
		code,
		message: String((error as Error)?.message ?? error),
	};
}

export function isTransient(failure: HttpFailure): boolean {
	if (failure.status === undefined) return true; // timeout, reset, refused, DNS
	return failure.status === 429 || failure.status >= 500;
}

/** A connect-level failure means the request never reached BFL, so resending cannot pay twice. */
export function neverSent(failure: HttpFailure): boolean {
	return (
		failure.status === undefined &&
		['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(failure.code ?? '')
	);
}

/** The text of BFL's `detail` (a string, or FastAPI's list of {loc, msg}). */
export function detailText(body: unknown): string | undefined {
	if (!body || typeof body !== 'object')
		return typeof body === 'string' && body ? body.slice(0, 300) : undefined;
	const { detail, message } = body as { detail?: unknown; message?: unknown };
	if (Array.isArray(detail)) {
		return detail
			.map((entry: { loc?: unknown[]; msg?: string }) => {
				const field = (entry.loc ?? []).filter((part) => part !== 'body').join('.');
				return field ? `${field}: ${entry.msg}` : String(entry.msg);
			})
			.join('; ');
	}
	if (typeof detail === 'string') return detail;
	if (typeof message === 'string') return message;
	return undefined;
}

export type { ApiErrorContext };

/** One message per HTTP failure that a person can act on. The key never appears in it. */
export function toApiError(
	ctx: ApiErrorContext,
	failure: HttpFailure,
	during: string,
): NodeApiError {
	const detail = detailText(failure.body);
	const suffix = detail ? `: ${detail}` : '';
	let message: string;
	let description: string | undefined;
	switch (failure.status) {
		case 401:
		case 403:
			message = `BFL rejected the API key (${failure.status})${suffix}`;
			description =
				'Check the API key and region in the BFL credential. Keys come from https://dashboard.bfl.ai; finetunes only work on the region (US1/EU1) they were trained on.';
			break;
		case 402:
			message = `Out of BFL credits${suffix}`;
			description = 'Top up your credits at https://dashboard.bfl.ai, then run the workflow again.';
			break;
		case 422:
			message = `BFL rejected the request${suffix}`;
			description = 'A field is out of the range BFL accepts for this model.';
			break;
		case 429:
			message = `BFL is busy: too many active tasks for this account${suffix}`;
			description = `BFL allows ${BUCKET_LIMITS.standard} active tasks per account (${BUCKET_LIMITS['kontext-max']} for FLUX.1 Kontext [max], ${BUCKET_LIMITS.video} for videos). Lower "Max Concurrent Tasks" or retry later.`;
			break;
		default:
			if (failure.status && failure.status >= 500) {
				message = `BFL server error (${failure.status}) while ${during}${suffix}`;
				description = 'BFL had a problem; try again in a moment.';
			} else if (failure.status) {
				message = `BFL answered ${failure.status} while ${during}${suffix}`;
			} else {
				message = `Could not reach BFL while ${during}: ${failure.code ?? failure.message}`;
				description = 'Check the network and the region or base URL in the BFL credential.';
			}
	}
	return taskError(ctx, message, description, failure.status);
}

/**
 * The node's error for an item: the task id (when there is one) in the description and the
 * context, for the error item. Built from plain values, never from a request error, so no header
 * (x-key) can leak.
 */
export function taskError(
	ctx: ApiErrorContext,
	message: string,
	description?: string,
	status?: number,
): NodeApiError {
	const withTask = ctx.taskId
		? `${description ? `${description} ` : ''}Task ID: ${ctx.taskId}.`
		: description;
	const httpCode = status ? String(status) : undefined;
	const error = new NodeApiError(
		ctx.context.getNode(),
		{ message, httpCode: httpCode ?? null } as JsonObject,
		{
			message,
			description: withTask,
			httpCode,
			itemIndex: ctx.itemIndex,
		},
	);
	if (ctx.taskId) error.context.taskId = ctx.taskId;
	return error;
}

/** Any error as n8n's own kind, for throwing from a node (its message and description kept). */
export function asNodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, itemIndex === undefined ? {} : { itemIndex });
}
