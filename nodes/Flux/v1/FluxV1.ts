import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeBaseDescription,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { runBatch } from '../actions/model/run';
import { subtitle } from '../description/subtitle';
import { V1 } from './dialect';
import { v1Properties } from './description';

/** Version 1: Operation (Generate, Edit, Fill, Expand) → Model, as workflows saved before 2026 know it. */
export class FluxV1 implements INodeType {
	description: INodeTypeDescription;

	constructor(base: INodeTypeBaseDescription) {
		this.description = {
			...base,
			version: 1,
			subtitle: subtitle(V1),
			description: 'Generate and edit images with the Black Forest Labs FLUX API',
			defaults: { name: 'FLUX' },
			usableAsTool: true,
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: 'bflApi', required: true }],
			properties: v1Properties(),
		};
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// The items run concurrently in one batch; with continue-on-fail a failed item becomes an error item.
		return await runBatch(this, V1, this.continueOnFail());
	}
}
