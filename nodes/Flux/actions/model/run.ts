import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { AGENT_PRESENTER, isToolCall } from '../../agent';
import { itemOf, WORKFLOW_PRESENTER } from '../../engine/output';
import { dispatches, dispatchJobs } from '../../engine/dispatch';
import { estimateJobs } from '../../engine/estimate';
import { runJobs } from '../../engine/run';
import type { Job, RunSettings } from '../../engine/types';
import { CREDENTIAL_TYPE } from '../../transport/api';
import { asNodeError } from '../../transport/errors';
import { apiBaseUrl } from '../../transport/hosts';
import type { RequestDialect } from './dialect';
import { cachedParameters } from './parameters';
import { readTasks, type ReadContext } from './request';

/**
 * Operations whose items wait on BFL (every model operation, and Get Result): every item is read
 * and validated first, so bad input fails before anything is paid; then the engine runs them all.
 * With n8n's continue-on-fail (always for an AI agent) a failed item becomes an error item.
 */
export async function runBatch(
	context: IExecuteFunctions,
	dialect: RequestDialect,
	nodeContinuesOnFail: boolean,
	readJobs: (read: ReadContext, itemIndex: number) => Job[] = readTasks,
): Promise<INodeExecutionData[][]> {
	const node = context.getNode();
	const toolMode = isToolCall(context);
	const continueOnFail = nodeContinuesOnFail || toolMode;
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	const read: ReadContext = {
		context,
		dialect,
		param: cachedParameters(context),
		credentials,
		baseUrl: apiBaseUrl(node, credentials),
		toolMode,
	};
	const settings = runSettings(read, continueOnFail);
	const items = context.getInputData();
	const early: Array<INodeExecutionData | undefined> = new Array(items.length);
	const jobs: Job[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			jobs.push(...readJobs(read, itemIndex));
		} catch (error) {
			if (!continueOnFail) throw asNodeError(node, error, itemIndex);
			early[itemIndex] = itemOf(settings.presenter.error(error as Error), itemIndex);
		}
	}
	// Get Result collects tasks already paid for: nothing to estimate there.
	if (settings.estimateOnly && jobs.every((job) => job.kind === 'new'))
		return await estimateJobs(context, settings, jobs, early);
	if (dispatches(settings, jobs)) return await dispatchJobs(context, settings, jobs, early);
	return await runJobs(context, settings, jobs, early);
}

/** The run's settings, from the node's Options (as the first item sees them) and who called it. */
function runSettings(read: ReadContext, continueOnFail: boolean): RunSettings {
	const { context, dialect, toolMode } = read;
	const options = (context.getNodeParameter('options', 0, {}) ?? {}) as IDataObject;
	return {
		continueOnFail,
		routeModerated: dialect.moderatedOutput && Boolean(options.routeModerated) && !toolMode,
		routeRunning:
			Boolean(options.stillRunningOutput) && !toolMode && read.param('resource', 0, '') === 'task',
		retryOnFail: Boolean(context.getNode().retryOnFail),
		maxConcurrent: Number(options.maxConcurrentTasks) || 0,
		maxCredits: Number(options.maxCredits) || 0,
		minimumBalance: Number(options.minimumBalance) || 0,
		estimateOnly: Boolean(options.estimateOnly),
		reportExecutionCost: dialect.reportsExecutionCost && !toolMode,
		presenter: toolMode ? AGENT_PRESENTER : WORKFLOW_PRESENTER,
		lastingLinks: toolMode,
		baseUrl: read.baseUrl,
		// An agent's tool call cannot wait for a callback: it always waits itself.
		...(options.freeExecution && !toolMode
			? { dispatch: { deadlineMinutes: Number(options.callbackDeadlineMinutes) || 60 } }
			: {}),
	};
}
