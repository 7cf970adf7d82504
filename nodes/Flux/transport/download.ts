import type { IBinaryData, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import type { ApiErrorContext } from './caller';
import { backoffDelay, cancelled, pause, remaining, type Deadline, type RunControl } from './clock';
import { describeHttpError, isTransient, taskError, toApiError } from './errors';

/**
 * Every download from a host other than BFL's API: results from BFL's delivery hosts and images or
 * videos a user gave by URL. Plain httpRequest, so the BFL key never goes along; retried on 5xx,
 * timeouts and resets; bounded in time by the item's deadline.
 */

const DOWNLOAD_TIMEOUT_MS = 120_000;
const MAX_ATTEMPTS = 6;

/** What prepareBinaryData accepts: a Buffer or a readable stream (no Node built-in imported). */
type BinarySource = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];
type Stream = AsyncIterable<Buffer> & { destroy: () => void };

interface StreamResponse {
	body: BinarySource;
	headers: Record<string, string | undefined>;
}

const EXTENSIONS: Record<string, string> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'image/gif': 'gif',
	'video/mp4': 'mp4',
};

/** The contexts that download into binary data: a node's run and a webhook (the FLUX Trigger). */
export type BinaryCaller = IExecuteFunctions | IWebhookFunctions;

/** Who a download is for: a context that can store binary data, the item, the task. */
export type DownloadContext = ApiErrorContext & { context: BinaryCaller };

async function getStream(
	context: BinaryCaller,
	url: string,
	deadline: Deadline,
	control: RunControl,
): Promise<StreamResponse> {
	return (await (context.helpers as IExecuteFunctions['helpers']).httpRequest({
		method: 'GET',
		url,
		encoding: 'stream',
		json: false,
		returnFullResponse: true,
		timeout: Math.min(DOWNLOAD_TIMEOUT_MS, Math.max(1000, remaining(deadline))),
		abortSignal: control.signal,
	})) as StreamResponse;
}

/** Runs `attempt` again after transient failures, within the deadline. */
async function withRetries<T>(
	deadline: Deadline,
	control: RunControl,
	attempt: () => Promise<T>,
	retryable: (error: unknown) => boolean,
): Promise<T> {
	for (let tries = 0; ; tries++) {
		if (control.signal.aborted) throw cancelled(control);
		let failure: unknown;
		try {
			return await attempt();
		} catch (error) {
			failure = error;
		}
		if (control.signal.aborted) throw cancelled(control);
		const wait = backoffDelay(tries);
		if (!retryable(failure) || tries + 1 >= MAX_ATTEMPTS || wait >= remaining(deadline))
			throw failure;
		await pause(control, wait);
	}
}

/**
 * Streams a result into n8n's binary data (to disk in filesystem mode, so a large file is never
 * held in memory). A 403/404/410 means the signed URL expired.
 */
export async function downloadResult(
	ctx: DownloadContext,
	url: string,
	fileBaseName: string,
	deadline: Deadline,
	control: RunControl,
): Promise<IBinaryData> {
	try {
		return await withRetries(
			deadline,
			control,
			async () => {
				const response = await getStream(ctx.context, url, deadline, control);
				const mimeType = (response.headers['content-type'] ?? 'application/octet-stream')
					.split(';')[0]
					.trim()
					.toLowerCase();
				const fileName = `${fileBaseName}.${EXTENSIONS[mimeType] ?? 'bin'}`;
				const helpers = ctx.context.helpers as IExecuteFunctions['helpers'];
				const binary = await helpers.prepareBinaryData(response.body, fileName, mimeType);
				const declaredLength = Number(response.headers['content-length']);
				if (binary.bytes === undefined && Number.isFinite(declaredLength))
					binary.bytes = declaredLength;
				return binary;
			},
			(error) => isTransient(describeHttpError(error)),
		);
	} catch (error) {
		if (control.signal.aborted) throw cancelled(control);
		const failure = describeHttpError(error);
		if (failure.status === 403 || failure.status === 404 || failure.status === 410) {
			const expiry = signedUrlExpiry(url);
			const when = expiry
				? `Its signature says it expired at ${expiry.toISOString()}${expiry.getTime() > Date.now() ? ' (not yet: the delivery host refused it anyway)' : ''}.`
				: 'BFL result URLs expire (images about 10 minutes after the task ends).';
			throw taskError(
				ctx,
				`The result URL is no longer valid (${failure.status})`,
				`${when} Run the item again, or Get Result with its polling URL for a fresh link.`,
			);
		}
		throw toApiError(ctx, failure, 'downloading the result');
	}
}

/** A download refused for its size: `bytes` is the declared size, or how far it got. */
export class TooLarge extends Error {
	constructor(
		readonly bytes: number,
		readonly atLeast: boolean,
	) {
		super(`larger than allowed (${bytes} bytes${atLeast ? ' and more' : ''})`);
	}
}

/** Refused by its first bytes (not the kind of file expected). */
export class WrongKind extends Error {}

export function extensionOf(mimeType: string): string {
	return EXTENSIONS[mimeType] ?? 'bin';
}

/**
 * Downloads a file a user gave by URL into memory, never more than `maxBytes`: the Content-Length
 * is checked first, then the bytes are counted as they arrive and the download stops as soon as the
 * limit is passed. `accept` sees the first chunk and may refuse the file by its bytes.
 */
export async function fetchLimited(
	context: BinaryCaller,
	url: string,
	options: {
		maxBytes: number;
		deadline: Deadline;
		control: RunControl;
		accept?: (head: Buffer) => boolean;
	},
): Promise<Buffer> {
	const { maxBytes, deadline, control } = options;
	return await withRetries(
		deadline,
		control,
		async () => {
			const response = await getStream(context, url, deadline, control);
			const stream = response.body as unknown as Stream;
			const declared = Number(response.headers['content-length']);
			if (Number.isFinite(declared) && declared > maxBytes) {
				stream.destroy();
				throw new TooLarge(declared, false);
			}
			const chunks: Buffer[] = [];
			let total = 0;
			let stop: TooLarge | WrongKind | undefined;
			try {
				for await (const chunk of stream) {
					chunks.push(Buffer.from(chunk));
					if (total === 0 && options.accept && !options.accept(chunks[0]))
						stop = new WrongKind('not the kind of file expected');
					total += chunk.length;
					if (total > maxBytes) stop = new TooLarge(total, true);
					if (stop) break;
				}
			} finally {
				stream.destroy(); // stops the download as soon as the limit is passed
			}
			// Refused by its first bytes: the caller describes the file from them.
			if (stop instanceof WrongKind) return chunks[0];
			if (stop) throw stop;
			return Buffer.concat(chunks);
		},
		(error) =>
			!(error instanceof TooLarge) &&
			!(error instanceof WrongKind) &&
			isTransient(describeHttpError(error)),
	);
}

/** The expiry a signed result URL carries in its `se=` parameter (BFL's delivery hosts), if it does. */
export function signedUrlExpiry(url: string): Date | undefined {
	try {
		const expiry = Date.parse(new URL(url).searchParams.get('se') ?? '');
		return Number.isNaN(expiry) ? undefined : new Date(expiry);
	} catch {
		return undefined;
	}
}

/** n8n's link signing (n8n-core 1.x and 2.x; absent in some hosts). */
export type SigningHelpers = Partial<Pick<IExecuteFunctions['helpers'], 'createBinarySignedUrl'>>;

/** One byte stored in n8n's binary store, to learn what it keeps (memory mode gives no id). */
export async function storeProbe(context: IExecuteFunctions): Promise<IBinaryData | undefined> {
	try {
		return await context.helpers.prepareBinaryData(
			Buffer.from('1'),
			'flux-link-probe.txt',
			'text/plain',
		);
	} catch {
		return undefined;
	}
}

/**
 * JSON kept in n8n's binary store, with the execution's other files (removed with them), for a
 * later call of the node to read: its id, or undefined where the store keeps nothing (memory mode).
 */
export async function keepJson(
	context: IExecuteFunctions,
	value: unknown,
	fileName: string,
): Promise<string | undefined> {
	const kept = await context.helpers.prepareBinaryData(
		Buffer.from(JSON.stringify(value)),
		fileName,
		'application/json',
	);
	return kept.id;
}

/** JSON kept by `keepJson`, read back (by a webhook call of the node too). */
export async function readKeptJson(context: BinaryCaller, id: string): Promise<unknown> {
	const helpers = context.helpers as IExecuteFunctions['helpers'];
	return JSON.parse(await helpers.binaryToString(await helpers.getBinaryStream(id)));
}
