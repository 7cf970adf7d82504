import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import * as getCredits from './account/getCredits';
import { CUSTOM_API_CALL_VALUE, execute as customApiCall } from './customApiCall';
import * as getFinetune from './finetune/get';
import * as listFinetunes from './finetune/list';
import type { RequestDialect } from './model/dialect';
import { runBatch } from './model/run';
import { readCollect } from './task/getResult';

const readCollects = (read: Parameters<typeof readCollect>[0], itemIndex: number) => [
	readCollect(read, itemIndex),
];

/**
 * (resource, operation) → what runs it. Operations whose items wait on BFL run as one batch (the
 * engine runs them concurrently); the others run item by item in the node's own loop.
 */
export type Action =
	| {
			kind: 'batch';
			run: (
				context: IExecuteFunctions,
				dialect: RequestDialect,
				continueOnFail: boolean,
			) => Promise<INodeExecutionData[][]>;
	  }
	| {
			kind: 'item';
			execute: (context: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData>;
	  };

const ITEM_ACTIONS: Record<string, Action> = {
	'account:getCredits': { kind: 'item', execute: getCredits.execute },
	'finetune:list': { kind: 'item', execute: listFinetunes.execute },
	'finetune:get': { kind: 'item', execute: getFinetune.execute },
	'task:getResult': {
		kind: 'batch',
		run: async (context, dialect, continueOnFail) =>
			await runBatch(context, dialect, continueOnFail, readCollects),
	},
};

const MODEL_OPERATION: Action = {
	kind: 'batch',
	run: async (context, dialect, continueOnFail) => await runBatch(context, dialect, continueOnFail),
};

export function route(resource: string, operation: string): Action {
	if (operation === CUSTOM_API_CALL_VALUE) return { kind: 'item', execute: customApiCall };
	return ITEM_ACTIONS[`${resource}:${operation}`] ?? MODEL_OPERATION;
}
