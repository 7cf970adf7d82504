import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { fluxProperties } from './fields';
import { readModel } from './request';
import { apiBaseUrl, runItem, type ItemProgress } from './run';
import { createRunControl } from './control';
import { CREDENTIAL_TYPE } from './transport';

/** The smallest active-task limit among the items' models, or the user's own setting. */
function concurrencyLimit(context: IExecuteFunctions, itemCount: number): number {
	let modelLimit = Infinity;
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		try {
			modelLimit = Math.min(modelLimit, readModel(context, itemIndex).model.activeTaskLimit);
		} catch {
			// An item with an unknown model fails on its own turn, with its own error.
		}
	}
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const chosen = Number(options.maxConcurrentTasks ?? 0);
	const limit = chosen > 0 ? chosen : Number.isFinite(modelLimit) ? modelLimit : 1;
	return Math.max(1, Math.min(Math.floor(limit), itemCount));
}

function errorItem(error: Error, itemIndex: number, progress: ItemProgress): INodeExecutionData {
	const description = (error as NodeApiError).description;
	const taskId = progress.taskId ?? (error as NodeApiError).context?.taskId;
	return {
		json: {
			error: error.message,
			...(description ? { description } : {}),
			...(taskId ? { taskId } : {}),
			...(progress.model ? { model: progress.model } : {}),
		},
		pairedItem: { item: itemIndex },
	};
}

export class Flux implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FLUX (Black Forest Labs)',
		name: 'flux',
		icon: { light: 'file:../../icons/flux.svg', dark: 'file:../../icons/flux.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["model"]}}',
		description: 'Generate and edit images with the Black Forest Labs FLUX API',
		defaults: { name: 'FLUX' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: fluxProperties(),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const baseUrl = apiBaseUrl(this, await this.getCredentials(CREDENTIAL_TYPE));
		const control = createRunControl(this.getNode(), this.getExecutionCancelSignal?.());
		const results: INodeExecutionData[] = new Array(items.length);
		let failure: { itemIndex: number; error: Error } | undefined;
		let nextItem = 0;

		// Items run concurrently up to BFL's active-task limit; results keep the input order.
		const worker = async () => {
			while (!failure && !control.signal.aborted && nextItem < items.length) {
				const itemIndex = nextItem++;
				const progress: ItemProgress = {};
				try {
					results[itemIndex] = await runItem(this, itemIndex, baseUrl, control, progress);
				} catch (caught) {
					// After an abort, every other item fails as a consequence; only the cause counts.
					if (control.signal.aborted) return;
					const error = caught as Error;
					if (this.continueOnFail()) {
						results[itemIndex] = errorItem(error, itemIndex, progress);
						continue;
					}
					failure = { itemIndex, error };
					control.abort(); // stop waiting on the other items and submit no more
					return;
				}
			}
		};
		await Promise.all(Array.from({ length: concurrencyLimit(this, items.length) }, worker));
		control.dispose();

		if (failure) {
			const { error, itemIndex } = failure;
			if (error instanceof NodeApiError || error instanceof NodeOperationError) throw error;
			throw new NodeOperationError(this.getNode(), error, { itemIndex });
		}
		// `some` would skip the holes of unfinished items, so count them.
		if (results.filter(Boolean).length < items.length) {
			throw new NodeOperationError(this.getNode(), 'The execution was cancelled before every image was done');
		}
		return [results];
	}
}
