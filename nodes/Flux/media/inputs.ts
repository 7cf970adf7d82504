import { NodeOperationError, type IBinaryData, type IExecuteFunctions } from 'n8n-workflow';

import {
	fieldLabel,
	limitsOf,
	MEGAPIXEL,
	type MediaField,
	type MediaLimits,
	type ModelSpec,
} from '../models';
import { cancelled, type Deadline, type RunControl } from '../transport/clock';
import { fetchLimited, TooLarge } from '../transport/download';
import { asNodeError } from '../transport/errors';
import { binaryHead, sniffMedia } from './binary';
import { checkShape, MediaError, sizeProblem } from './checks';
import { checkSizes } from './totals';

/**
 * Media in: each media field of a request holds what the user typed (a binary property name, an
 * http(s) URL or a data: URL, or a list of them), and leaves as what BFL takes (raw base64, or the
 * URL where BFL fetches it itself).
 *
 * Limits are checked before the bytes are held: a binary property's stored size before it is read,
 * a URL's Content-Length and then a running byte count that stops the download, the pixel size and
 * length from the header. Every refusal names the field, the limit and the actual size; nothing is
 * sent to BFL.
 */

/** A timed keyframe: [seconds, image]. */
type TimedEntry = [number, string];
export type MediaValue = string | Array<string | TimedEntry>;

export interface MediaFacts {
	/** Megapixels of every input image whose size is known. */
	inputMp: number;
	/** Size of each image field's first image, by API field name. */
	sizes: Record<string, { width: number; height: number }>;
	/** Inputs whose size is unknown (URLs BFL fetches itself). */
	unknownSizes: number;
	videoSeconds?: number;
	videoMp?: number;
}

const DATA_URL = /^data:([^;,]*)(;base64)?,/i;
const HTTP_URL = /^https?:\/\//i;

/** The stored size of a binary property, without reading its data. */
async function storedSize(context: IExecuteFunctions, binary: IBinaryData): Promise<number> {
	if (typeof binary.bytes === 'number') return binary.bytes;
	if (binary.id) {
		const metadata = await context.helpers.getBinaryMetadata(binary.id);
		return Number(metadata.fileSize);
	}
	const base64 = binary.data ?? '';
	const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
	return Math.floor((base64.length * 3) / 4) - padding;
}

/** The user's text for a list field: entries separated by commas or new lines, `3.5: name` timed. */
export function parseMediaList(value: unknown, timed: boolean): Array<string | TimedEntry> {
	const entries: unknown[] = Array.isArray(value) ? value : String(value ?? '').split(/[\n,]+/);
	const parsed: Array<string | TimedEntry> = [];
	for (const entry of entries) {
		if (Array.isArray(entry) && entry.length === 2) {
			parsed.push([Number(entry[0]), String(entry[1]).trim()]);
			continue;
		}
		const text = String(entry ?? '').trim();
		if (!text) continue;
		const time = timed ? /^(\d+(?:\.\d+)?)\s*s?\s*:\s*(\S.*)$/.exec(text) : null;
		parsed.push(time ? [Number(time[1]), time[2].trim()] : text);
	}
	return parsed;
}

export interface ResolveInput {
	context: IExecuteFunctions;
	itemIndex: number;
	model: ModelSpec;
	body: Readonly<Record<string, unknown>>;
	fields: MediaField[];
	deadline: Deadline;
	control: RunControl;
}

/** One entry of one field: where it is checked, and what it tells of the inputs. */
interface Entry {
	input: ResolveInput;
	field: MediaField;
	limits: MediaLimits;
	facts: MediaFacts;
}

/** One entry: a binary property name, a URL or a data URL → base64 or the URL as is. */
async function resolveOne(
	input: ResolveInput,
	field: MediaField,
	reference: string,
	facts: MediaFacts,
): Promise<string> {
	const entry: Entry = { input, field, limits: limitsOf(field), facts };
	if (HTTP_URL.test(reference)) return await fromUrl(entry, reference);
	const dataUrl = DATA_URL.exec(reference);
	if (dataUrl) {
		const base64 = reference.slice(dataUrl[0].length);
		const size = Math.floor((base64.length * 3) / 4);
		if (size > entry.limits.maxBytes) throw sizeProblem(field, input.model, entry.limits, size);
		return checked(entry, Buffer.from(base64, 'base64'), 'the data URL');
	}
	return await fromBinary(entry, reference);
}

/** The bytes as base64 once every limit holds; their size and length go into the facts. */
function checked({ input, field, limits, facts }: Entry, bytes: Buffer, source: string): string {
	if (bytes.length > limits.maxBytes) throw sizeProblem(field, input.model, limits, bytes.length);
	const info = field.media === 'bundle' ? undefined : sniffMedia(bytes);
	const problem = checkShape(field, input.model, limits, info, source);
	if (problem) throw problem;
	if (info?.width && info.height) {
		if (field.media === 'image') {
			facts.inputMp += (info.width * info.height) / MEGAPIXEL;
			facts.sizes[field.api] ??= { width: info.width, height: info.height };
		} else if (field.media === 'video') {
			facts.videoMp = (info.width * info.height) / MEGAPIXEL;
			facts.videoSeconds = info.durationSeconds;
		}
	}
	return bytes.toString('base64');
}

/**
 * n8n's SSRF protection (2.12 and later, N8N_SSRF_PROTECTION_ENABLED with its allow and block
 * lists) judges every URL an input names, before it is fetched or handed to BFL: an AI agent, or a
 * prompt-injected one, chooses these. Protection off, or an n8n without the helper (1.x): no check.
 */
async function refusedByEgressRules(
	context: IExecuteFunctions,
	url: string,
): Promise<Error | undefined> {
	const helpers = context.helpers as Partial<
		Pick<IExecuteFunctions['helpers'], 'getSecureEgressFilter'>
	>;
	if (typeof helpers.getSecureEgressFilter !== 'function') return undefined;
	const verdict = await helpers.getSecureEgressFilter().validateUrl(url);
	return verdict.ok ? undefined : verdict.error;
}

/** A URL: passed on where BFL fetches it itself, otherwise downloaded within the field's limits. */
async function fromUrl(entry: Entry, url: string): Promise<string> {
	const { input, field, limits } = entry;
	const refused = await refusedByEgressRules(input.context, url);
	if (refused) {
		throw new MediaError(
			`${url} is refused by n8n's SSRF protection (${refused.message})`,
			'Nothing was fetched or sent to BFL. Use a public http(s) URL, or ask the n8n admin to allow the host (N8N_SSRF_ALLOWED_HOSTNAMES).',
		);
	}
	if (field.acceptsUrl) {
		entry.facts.unknownSizes++;
		return url; // BFL fetches it; its own limits apply
	}
	let bytes: Buffer | undefined;
	let failure: unknown;
	try {
		bytes = await fetchLimited(input.context, url, {
			maxBytes: limits.maxBytes,
			deadline: input.deadline,
			control: input.control,
			// Refuse by the bytes as soon as the first ones arrive, whatever the extension says.
			accept:
				field.media === 'bundle'
					? undefined
					: (head) =>
							!checkShape(field, input.model, { maxBytes: limits.maxBytes }, sniffMedia(head), url),
		});
	} catch (error) {
		failure = error;
	}
	if (input.control.signal.aborted) throw cancelled(input.control);
	if (failure instanceof TooLarge)
		throw sizeProblem(field, input.model, limits, failure.bytes, failure.atLeast);
	if (failure || !bytes)
		throw new MediaError(`could not download ${url}: ${(failure as Error)?.message ?? 'no data'}`);
	return checked(entry, bytes, url);
}

/** A binary property of the input item: its stored size and header are checked before its bytes are read. */
async function fromBinary(entry: Entry, name: string): Promise<string> {
	const { input, field, limits } = entry;
	const { context, itemIndex, model } = input;
	const item = context.getInputData()[itemIndex];
	const binary = item.binary?.[name];
	if (!binary) {
		const available = Object.keys(item.binary ?? {});
		throw new MediaError(
			`the input item has no binary property "${name}"`,
			available.length
				? `Binary properties on this item: ${available.join(', ')}. Or enter an http(s) URL.`
				: 'The input item carries no binary data. Connect a node that outputs a file (e.g. Read/Write Files, Google Drive, HTTP Request) or enter an http(s) URL.',
		);
	}
	const source = `binary property "${name}" (${binary.mimeType || 'unknown type'})`;
	const size = await storedSize(context, binary);
	if (size > limits.maxBytes) throw sizeProblem(field, model, limits, size);
	if (field.media === 'image') {
		// An image's header tells its kind and size; a video's length may sit at its end.
		const problem = checkShape(
			field,
			model,
			limits,
			sniffMedia(await binaryHead(context, binary)),
			source,
		);
		if (problem) throw problem;
	}
	return checked(entry, await context.helpers.getBinaryDataBuffer(itemIndex, name), source);
}

/** What BFL takes for each media field of a request, and what was learnt of the inputs. */
export interface ResolvedMedia {
	/** By API field: raw base64, or the URL where BFL fetches the file itself (lists as lists). */
	values: Record<string, MediaValue>;
	facts: MediaFacts;
}

/**
 * What BFL takes for each media field of the body, checking every limit first; the body itself is
 * left as it was. The facts (sizes, megapixels, a video's length) feed the price and the megapixel
 * budget.
 */
export async function resolveMedia(input: ResolveInput): Promise<ResolvedMedia> {
	const facts: MediaFacts = { inputMp: 0, sizes: {}, unknownSizes: 0 };
	const values: Record<string, MediaValue> = {};
	for (const field of input.fields) {
		const value = input.body[field.api] as MediaValue | undefined;
		if (value === undefined) continue;
		try {
			values[field.api] = await resolveValue(input, field, value, facts);
		} catch (error) {
			if (!(error instanceof MediaError))
				throw asNodeError(input.context.getNode(), error, input.itemIndex);
			throw new NodeOperationError(
				input.context.getNode(),
				`${fieldLabel(field)}: ${error.message}`,
				{
					itemIndex: input.itemIndex,
					description: error.description ?? 'Nothing was sent to BFL.',
				},
			);
		}
	}
	checkSizes(input, facts);
	return { values, facts };
}

async function resolveValue(
	input: ResolveInput,
	field: MediaField,
	value: MediaValue,
	facts: MediaFacts,
): Promise<MediaValue> {
	if (!Array.isArray(value)) return await resolveOne(input, field, value, facts);
	const resolved: Array<string | TimedEntry> = [];
	for (const entry of value) {
		resolved.push(
			Array.isArray(entry)
				? [entry[0], await resolveOne(input, field, entry[1], facts)]
				: await resolveOne(input, field, entry, facts),
		);
	}
	return resolved;
}
