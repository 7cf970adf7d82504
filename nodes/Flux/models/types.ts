/**
 * The shape of the model table. One entry per BFL endpoint (see the family files beside this one);
 * the node's fields, its validation, the emulator, the price estimates and the README all follow
 * from these entries.
 */

export type Resource = 'image' | 'video';

/** Image: generate … tryOn; video: generate … edit. The pair (resource, operation) is unique. */
export type Operation =
	| 'generate'
	| 'edit'
	| 'fill'
	| 'expand'
	| 'erase'
	| 'deblur'
	| 'tryOn'
	| 'animate'
	| 'extend'
	| 'enhance'
	| 'upscale';

interface BaseField {
	/** The API field name, e.g. `safety_tolerance`; the n8n parameter is its camelCase form. */
	api: string;
	/** Shown in "Model Options" and only sent when the user adds it (BFL's default applies otherwise). */
	advanced?: boolean;
	required?: boolean;
	/** Operations in which the field shows; default: all operations of the model. */
	operations?: Operation[];
	description?: string;
	/** Help shown under the field (n8n `hint`), for what a user must know before filling it in. */
	hint?: string;
	/** Parameter name when it must differ from the camelCase API name (two meanings of one API field). */
	parameter?: string;
}

export interface StringField extends BaseField {
	kind: 'string';
	default: string;
	multiline?: boolean;
	password?: boolean;
	maxLength?: number;
}

export interface NumberField extends BaseField {
	kind: 'integer' | 'number';
	min: number;
	max?: number;
	multipleOf?: number;
	default: number;
	/** 0 means "let BFL choose" (FLUX.2 width/height, video duration) and is not sent. */
	zeroMeansAuto?: boolean;
	/** The word BFL takes for "let BFL choose" (video `duration: "auto"`); then 0 itself is not valid at the API. */
	autoKeyword?: string;
	/** Negative values allowed, and null means "not sent" (outpainting offsets). */
	nullable?: boolean;
}

export interface BooleanField extends BaseField {
	kind: 'boolean';
	default: boolean;
}

export interface OptionsField extends BaseField {
	kind: 'options';
	values: Array<string | number>;
	/** Display names by value; default: the value itself (upper-cased for formats). */
	labels?: Record<string, string>;
	/** The values form a scale (sizes, shapes): the panel keeps this order instead of sorting by name. */
	scale?: boolean;
	default: string | number;
}

export interface AspectRatioField extends BaseField {
	kind: 'aspectRatio';
	/** '' means "not sent": Kontext then keeps the input's shape (1:1 for text-to-image). */
	default: string;
}

/** Size and shape limits of one media input, checked before its bytes are held or sent. */
export interface MediaLimits {
	/** Largest file, in bytes (raw, before base64). */
	maxBytes: number;
	maxMegapixels?: number;
	/** Smallest width and height, in pixels. */
	minSide?: number;
	maxWidth?: number;
	maxHeight?: number;
	/** Longest video, in seconds. */
	maxSeconds?: number;
}

/**
 * An input file: an image, a video, or an opaque bundle (a draft's cache). The user gives the name
 * of a binary property of the input item or an http(s) URL.
 */
export interface MediaField extends BaseField {
	kind: 'media';
	media: 'image' | 'video' | 'bundle';
	/** BFL documents http(s) URLs for this field; otherwise the node downloads and sends base64. */
	acceptsUrl: boolean;
	default: string;
	/** Several files in one field (FLUX 3 `images`, video `keyframes`): sent as a JSON array. */
	list?: { min: number; max: number; timed?: boolean; maxSeconds?: number };
	/** Must have the same pixel size as this other field (a mask and its image). */
	sameSizeAs?: string;
	/** Overrides the defaults for this media kind (DEFAULT_LIMITS in limits.ts). */
	limits?: Partial<MediaLimits>;
}

export type FieldSpec =
	| StringField
	| NumberField
	| BooleanField
	| OptionsField
	| AspectRatioField
	| MediaField;

/** One problem with a request body, named by API field (shared by the node and the emulator). */
export interface Problem {
	/** API field name, e.g. `width`. */
	field: string;
	/** FastAPI-style error type, e.g. `multiple_of`. */
	type: string;
	/** Says what is allowed, e.g. `must be a multiple of 32 (256 to 1440); got 1000`. */
	message: string;
}

/** What a price is computed from: the request and the sizes the node or the emulator knows. */
export interface PriceInput {
	body: Record<string, unknown>;
	/** Output megapixels (2^20 pixels), as BFL reports them. */
	outputMp: number;
	/** Sum of the input images' megapixels. */
	inputMp: number;
	/** Video: seconds of output. */
	seconds?: number;
	/** Video upscale: input megapixels per frame. */
	videoMp?: number;
}

/**
 * How BFL sizes an output the request does not spell out in pixels: by area (images sized by
 * aspect ratio) or by short side (videos), each one figure or one per value of the model's
 * `resolution` field. Read by the emulator to render outputs; the node does not use it.
 */
export interface OutputSize {
	/** Output pixels (width × height). */
	pixels?: number | Record<string, number>;
	/** Videos: the shorter side, in pixels. */
	shortSide?: number | Record<string, number>;
	/** Width and height are multiples of this (default 16). */
	multipleOf?: number;
}

/** BFL's concurrency buckets: active tasks per account (429 above). */
export type ConcurrencyBucket = 'standard' | 'kontext-max' | 'video';

export interface ModelSpec {
	/** The value of the node's Model option, and the last part of the path. */
	id: string;
	/** The path after /v1/ (default: the id). */
	path?: string;
	displayName: string;
	description: string;
	resource: Resource;
	operations: Operation[];
	/** Node versions offering the model: new endpoints from 2; endpoints BFL removed stay in 1. */
	versions: number[];
	legacy?: boolean;
	/** BFL marks the endpoint deprecated and points to this model instead; it keeps working. */
	deprecatedFor?: string;
	bucket: ConcurrencyBucket;
	/** Largest width × height, where the model takes width and height. */
	maxPixels?: number;
	/** FLUX.2 [pro]: megapixels for all inputs plus the output together. */
	totalMegapixels?: number;
	/** At least one of these fields must be set. */
	requireOneOf?: string[];
	/** Fields the node sends as they are for an operation (flux-3-video's `mode`). */
	fixed?: Partial<Record<Operation, Record<string, string>>>;
	/** Whether BFL answers 422 to fields the route does not know (the 2026 tools and FLUX 3). */
	rejectsUnknownFields?: boolean;
	/** FLUX.1 finetunes live on one regional host (api.us1 / api.eu1): all their traffic goes there. */
	finetuneHost?: boolean;
	/** Statuses a task shows between Pending and Ready, in order (FLUX 3: Reasoning, then Generating). */
	stages?: string[];
	/** How BFL sizes the output where the request gives no width and height (see OutputSize). */
	outputSize?: OutputSize;
	/** Expected credits of one request (1 credit = US$0.01), from BFL's pricing. */
	price: (input: PriceInput) => number;
	/** Where the price is not BFL's published figure: where it comes from (estimates and the README say so). */
	priceNote?: string;
	/** The operation a request body stands for, where one endpoint serves several (flux-3-video's `mode`). */
	operationOf?: (body: Record<string, unknown>) => Operation | undefined;
	/** Rules that involve several fields. */
	checks?: Array<
		(body: Record<string, unknown>, operation: Operation | undefined) => Problem | undefined
	>;
	fields: FieldSpec[];
}
