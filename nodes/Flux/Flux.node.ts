import {
	NodeConnectionTypes,
	VersionedNodeType,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeBaseDescription,
	type INodeTypeDescription,
	type IVersionedNodeType,
} from 'n8n-workflow';

import { accountItem, searchFinetunes } from './actions/account';
import { customApiCallItem } from './actions/customApiCall';
import { subtitle, V2_OUTPUTS } from './description/subtitle';
import { asNodeError } from './transport/errors';
import { CUSTOM_API_CALL_VALUE, v1Properties, v2Properties } from './description/fields';
import { errorJson, runTasks } from './engine/run';
import { isToolCall } from './agent';

/** Version 1: Operation (Generate, Edit, Fill, Expand) → Model, as workflows saved before 2026 know it. */
export class FluxV1 implements INodeType {

	description: INodeTypeDescription = {
		displayName: 'FLUX (Black Forest Labs)',
		name: 'flux',
		icon: { light: 'file:../../icons/flux.svg', dark: 'file:../../icons/flux.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: subtitle(1),
		description: 'Generate and edit images with the Black Forest Labs FLUX API',
		defaults: { name: 'FLUX' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'bflApi', required: true }],
		properties: v1Properties(),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Items run concurrently inside runTasks; with continue-on-fail a failed item becomes an error item.
		const continueOnFail = this.continueOnFail();
		return await runTasks(this, { version: 1, continueOnFail, toolMode: isToolCall(this) });
	}
}

/** Version 2: Resource (Image, Video, Task, Account, Finetune) → Operation → Model. */
export class FluxV2 implements INodeType {
	methods = { listSearch: { searchFinetunes } };

	description: INodeTypeDescription = {
		displayName: 'FLUX (Black Forest Labs)',
		name: 'flux',
		icon: { light: 'file:../../icons/flux.svg', dark: 'file:../../icons/flux.dark.svg' },
		group: ['transform'],
		version: 2,
		description: 'Generate and edit images and videos with Black Forest Labs FLUX: FLUX 3, FLUX.2, Kontext and the FLUX Tools',
		subtitle: subtitle(2),
		defaults: { name: 'FLUX' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: V2_OUTPUTS,
		credentials: [{ name: 'bflApi', required: true }],
		properties: v2Properties(),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const continueOnFail = this.continueOnFail();
		const toolMode = isToolCall(this);
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const simple = resource === 'account' || resource === 'finetune' || operation === CUSTOM_API_CALL_VALUE;
		if (!simple) {
			// Images and videos (and Get Result) run concurrently inside runTasks.
			return await runTasks(this, { version: 2, continueOnFail, toolMode });
		}
		const items = this.getInputData();
		const output: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				output.push(
					operation === CUSTOM_API_CALL_VALUE
						? await customApiCallItem(this, itemIndex)
						: await accountItem(this, itemIndex, resource, operation),
				);
			} catch (error) {
				if (!continueOnFail && !toolMode) throw asNodeError(this.getNode(), error, itemIndex);
				output.push({ json: errorJson(error as Error), pairedItem: { item: itemIndex } });
			}
		}
		return [output];
	}
}

/**
 * FLUX (Black Forest Labs). Version 2 (Resource → Operation → Model, BFL's 2026 catalogue) for new
 * nodes; version 1 keeps every workflow saved before it loading and running unchanged.
 */
export class Flux extends VersionedNodeType {
	constructor() {
		const baseDescription: INodeTypeBaseDescription = {
			displayName: 'FLUX (Black Forest Labs)',
			name: 'flux',
			icon: { light: 'file:../../icons/flux.svg', dark: 'file:../../icons/flux.dark.svg' },
			group: ['transform'],
			description:
				'Generate and edit images and videos with Black Forest Labs FLUX: FLUX 3, FLUX.2, Kontext and the FLUX Tools',
			defaultVersion: 2,
		};
		const nodeVersions: IVersionedNodeType['nodeVersions'] = {
			1: new FluxV1(),
			2: new FluxV2(),
		};
		super(nodeVersions, baseDescription);
	}
}
