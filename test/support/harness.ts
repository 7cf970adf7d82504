/**
 * Runs the FLUX node's execute() through n8n-core's real ExecuteContext: real parameter
 * resolution (defaults, expressions), real credential authentication from BflApi's own
 * `authenticate` declaration, real binary data helpers and real HTTP (axios, seen by nock).
 */
import { Container } from '@n8n/di';
import { BinaryDataService, ExecuteContext, WebhookContext } from 'n8n-core';
import {
	ICredentialsHelper,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IExecuteData,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type IRunExecutionData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { BflApi } from '../../credentials/BflApi.credentials';
import { Flux } from '../../nodes/Flux/Flux.node';

export const TEST_KEY = 'bfl_test_placeholder_key_not_real';
export const API = 'https://api.bfl.ai';

export const CREDENTIALS: ICredentialDataDecryptedObject = { apiKey: TEST_KEY, region: API };

/** Applies BflApi.authenticate's headers, evaluating its `{{$credentials.x}}` expressions. */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly data: ICredentialDataDecryptedObject,
		private readonly others: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		_type: string,
		options: IHttpRequestOptions,
	) {
		const headers = new BflApi().authenticate.properties.headers ?? {};
		const resolved: Record<string, string> = {};
		for (const [name, template] of Object.entries(headers)) {
			resolved[name] = String(template)
				.replace(/^=/, '')
				.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, key: string) =>
					String(credentials[key] ?? ''),
				);
		}
		return { ...options, headers: { ...(options.headers ?? {}), ...resolved } };
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('not used');
	}

	async getDecrypted(_additionalData: unknown, _nodeCredentials: unknown, type: string) {
		return { ...(this.others[type] ?? this.data) };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties() {
		return new BflApi().properties;
	}
}

let binaryReady: Promise<void> | undefined;
let binaryMode: 'default' | 'filesystem' = 'default';

/**
 * n8n's binary data mode for the runs of this test file: memory ('default', as n8n 1.x ships)
 * unless a file asks for 'filesystem' (n8n 2.x's default) before its first run.
 */
export function useBinaryMode(mode: 'default' | 'filesystem'): void {
	if (binaryReady) throw new Error('useBinaryMode must be called before the first run of the file');
	binaryMode = mode;
}

function ensureBinaryDataService(): Promise<void> {
	binaryReady ??= (async () => {
		const config = {
			mode: binaryMode,
			availableModes: ['default', 'filesystem'],
			localStoragePath: 'tmp/jest-binary-data', // filesystem mode only (under the repository's ignored tmp/)
			signingSecret: 'test-signing-secret',
			dbMaxFileSize: 512,
		};
		const quiet = {
			error: () => undefined,
			warn: () => undefined,
			info: () => undefined,
			debug: () => undefined,
		};
		const service = new BinaryDataService(config as never, quiet as never, quiet as never);
		await service.init();
		Container.set(BinaryDataService, service);
	})();
	return binaryReady;
}

export interface RunOptions {
	parameters: INodeParameters;
	/** Node version: 1 (Operation → Model, the default here) or 2 (Resource → Operation → Model). */
	version?: number;
	items?: INodeExecutionData[];
	credentials?: ICredentialDataDecryptedObject;
	continueOnFail?: boolean;
	/** n8n's Retry On Fail setting of the node (the node reads it; the retry itself is the test's). */
	retryOnFail?: boolean;
	abortController?: AbortController;
	/**
	 * The execution's data, to run the node again within the same execution as n8n's Retry On Fail
	 * does (same context, same run index). A fresh one per call when absent.
	 */
	execution?: IRunExecutionData;
	/** Run as the AI Agent tool variant (n8n's `…Tool` node type). */
	tool?: boolean;
	/** Which run of the node in the execution (n8n: the node's earlier runs in it); default 0. */
	runIndex?: number;
	/** n8n's REST base URL as the execution knows it (signed binary links start with it). */
	restApiUrl?: string;
	/** n8n's SSRF protection as on (2.x): URLs whose host matches are refused by its egress filter. */
	blockedHosts?: RegExp;
	/** Where n8n's resume URLs start (webhookWaitingBaseUrl): `$execution.resumeUrl` is it + /<execution id>. */
	waitingBaseUrl?: string;
	/** The execution's id (default exec-test). */
	executionId?: string;
}

/** A fresh execution's data, with the context n8n keeps for nodes across their retries. */
export function newExecution(): IRunExecutionData {
	return {
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			nodeExecutionStack: [],
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: {},
		},
	} as unknown as IRunExecutionData;
}

/** The node, its workflow and n8n's additional data, as one execution of the node sees them. */
function setUp(options: RunOptions) {
	const version = options.version ?? 1;
	const flux = new Flux();
	const nodeType: INodeType = flux.getNodeType(version);
	const node: INode = {
		id: 'flux-node-id',
		name: 'FLUX',
		type: options.tool ? 'n8n-nodes-bfl.fluxTool' : 'n8n-nodes-bfl.flux',
		typeVersion: version,
		position: [0, 0],
		parameters: options.parameters,
		credentials: {
			bflApi: { id: 'cred-1', name: 'BFL test' },
		},
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		...(options.retryOnFail ? { retryOnFail: true, maxTries: 2 } : {}),
	};
	const nodeTypes = {
		getByName: () => flux,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({
		id: 'wf-test',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: nodeTypes as never,
	});
	// n8n fills in defaults for parameters the workflow does not set, as the editor saves them.
	node.parameters = workflow.nodes[node.name].parameters;
	const additionalData = {
		credentialsHelper: new TestCredentialsHelper(options.credentials ?? CREDENTIALS, {}),
		executionId: options.executionId ?? 'exec-test',
		restApiUrl: options.restApiUrl ?? '',
		instanceBaseUrl: '',
		webhookBaseUrl: '',
		webhookWaitingBaseUrl: options.waitingBaseUrl ?? '',
		webhookTestBaseUrl: '',
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
	return { nodeType, node, workflow, additionalData };
}

/** Builds the ExecuteContext and runs the node's execute() in it; returns every output branch. */
export async function runFluxOutputs(options: RunOptions): Promise<INodeExecutionData[][]> {
	await ensureBinaryDataService();
	const { nodeType, node, workflow, additionalData } = setUp(options);
	const items = options.items ?? [{ json: {} }];
	const executeData: IExecuteData = { node, data: { main: [items] }, source: null };
	const abortController = options.abortController ?? new AbortController();
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'manual',
		options.execution ?? newExecution(),
		options.runIndex ?? 0,
		items,
		{ main: [items] },
		executeData,
		[],
		abortController.signal,
	);
	if (options.blockedHosts) blockEgress(context, options.blockedHosts);
	return (await nodeType.execute!.call(context)) as INodeExecutionData[][];
}

/** A call of a webhook of the node, as n8n hands it over (lower-cased headers, the raw body kept). */
export interface WebhookCall {
	headers: Record<string, string>;
	query: Record<string, string>;
	body: unknown;
	rawBody: Buffer;
}

/** What the node answered a webhook call: its result, and what it sent on the response itself. */
export interface WebhookAnswer {
	result: IWebhookResponseData;
	response: { status?: number; body?: unknown };
}

/**
 * Calls the node's webhook() through n8n-core's real WebhookContext, for the execution `options`
 * ran (`options.execution`), as n8n does for a call of the execution's resume URL.
 */
export async function callFluxWebhook(
	options: RunOptions,
	call: WebhookCall,
): Promise<WebhookAnswer> {
	await ensureBinaryDataService();
	const { nodeType, node, workflow, additionalData } = setUp(options);
	const response: WebhookAnswer['response'] = {};
	const httpResponse = {
		status(code: number) {
			response.status = code;
			return httpResponse;
		},
		json(body: unknown) {
			response.body = body;
			return httpResponse;
		},
	};
	const webhookData = {
		httpMethod: 'POST',
		node: node.name,
		path: '',
		webhookDescription: nodeType.description.webhooks?.[0],
		workflowId: workflow.id,
	};
	const context = new WebhookContext(
		workflow,
		node,
		{ ...additionalData, httpRequest: call, httpResponse } as never,
		'webhook',
		webhookData as never,
		[],
		options.execution ?? null,
	);
	const result = await nodeType.webhook!.call(context as never);
	return { result, response };
}

/** Runs the node; returns its first (main) output branch. */
export async function runFlux(options: RunOptions): Promise<INodeExecutionData[]> {
	return (await runFluxOutputs(options))[0];
}

/** An input item carrying an image as binary data, the way Read/Write Files or Google Drive do. */
export async function imageItem(
	bytes: Buffer,
	property = 'data',
	mimeType = 'image/png',
): Promise<INodeExecutionData> {
	await ensureBinaryDataService();
	return {
		json: {},
		binary: {
			[property]: {
				data: bytes.toString('base64'),
				mimeType,
				fileName: `input.${mimeType.split('/')[1]}`,
			},
		},
	};
}

/** What n8n's egress filter answers with SSRF protection on and these hosts in its block list. */
function blockEgress(context: ExecuteContext, blocked: RegExp): void {
	const filter = {
		validateUrl: async (url: string | URL) =>
			blocked.test(new URL(String(url)).hostname)
				? {
						ok: false as const,
						error: new Error(`IP address ${new URL(String(url)).hostname} is blocked`),
					}
				: { ok: true as const, result: undefined },
	};
	Object.assign(context.helpers, { getSecureEgressFilter: () => filter });
}
