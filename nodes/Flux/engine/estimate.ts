import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { resolveMedia, type MediaFacts } from '../media/inputs';
import { createRunControl, deadlineIn } from '../transport/clock';
import { asNodeError } from '../transport/errors';
import { itemOf } from './output';
import { expectedCost } from './price';
import type { Job, NewTask, RunSettings } from './types';

/**
 * Estimate Only: every item is read and validated as for a real run, its media checked (binary
 * inputs read, URLs judged as for a submit), and priced from the model table as the spend cap
 * prices it. Nothing is sent to BFL, so nothing is paid and no key leaves n8n.
 */
export async function estimateJobs(
	context: IExecuteFunctions,
	settings: RunSettings,
	jobs: Job[],
	early: Array<INodeExecutionData | undefined>,
): Promise<INodeExecutionData[][]> {
	const node = context.getNode();
	const control = createRunControl(node, context.getExecutionCancelSignal?.());
	const estimated = new Map<NewTask, IDataObject>();
	const failed = new Map<number, INodeExecutionData>();
	try {
		for (const job of jobs) {
			if (job.kind !== 'new' || failed.has(job.itemIndex)) continue;
			try {
				estimated.set(job, await estimateOne(context, job, control));
			} catch (error) {
				if (!settings.continueOnFail) throw asNodeError(node, error, job.itemIndex);
				failed.set(
					job.itemIndex,
					itemOf(settings.presenter.error(error as Error, job.request.model.id), job.itemIndex),
				);
			}
		}
	} finally {
		control.dispose();
	}
	const total = round(
		[...estimated.values()].reduce((sum, json) => sum + Number(json.expectedCredits), 0),
	);
	const byItem = new Map<number, IDataObject[]>();
	for (const [job, json] of estimated)
		byItem.set(job.itemIndex, [...(byItem.get(job.itemIndex) ?? []), json]);
	const items: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < early.length; itemIndex++) {
		const done = early[itemIndex] ?? failed.get(itemIndex);
		if (done) {
			items.push(done);
			continue;
		}
		for (const json of byItem.get(itemIndex) ?? []) {
			const withTotal: IDataObject = {
				...json,
				totalExpectedCredits: total,
				totalExpectedUsd: usd(total),
			};
			if (settings.maxCredits > 0) withTotal.withinMaxCredits = total <= settings.maxCredits;
			items.push(itemOf(settings.presenter.item(withTotal), itemIndex));
		}
	}
	return [items];
}

async function estimateOne(
	context: IExecuteFunctions,
	job: NewTask,
	control: ReturnType<typeof createRunControl>,
): Promise<IDataObject> {
	const { request, itemIndex } = job;
	const { model, body } = request;
	const media = await resolveMedia({
		context,
		itemIndex,
		model,
		body,
		fields: request.mediaFields,
		deadline: deadlineIn(request.timeoutSeconds),
		control,
	});
	const credits = round(expectedCost(request, media.facts));
	const assumptions = assumptionsOf(request.body, media.facts, model.resource === 'video');
	return {
		estimateOnly: true,
		model: model.id,
		operation: request.operation,
		expectedCredits: credits,
		expectedUsd: usd(credits),
		...(job.images > 1 ? { imageIndex: job.variant } : {}),
		...(typeof body.width === 'number' && typeof body.height === 'number'
			? { width: body.width, height: body.height }
			: {}),
		...(request.requestedSize
			? {
					requestedWidth: request.requestedSize.width,
					requestedHeight: request.requestedSize.height,
				}
			: {}),
		...(model.priceNote ? { priceNote: model.priceNote } : {}),
		...(assumptions.length ? { assumptions } : {}),
	};
}

/** What the estimate had to assume, where the node cannot know a size before BFL does. */
function assumptionsOf(
	body: Readonly<Record<string, unknown>>,
	facts: MediaFacts,
	video: boolean,
): string[] {
	const said: string[] = [];
	if (facts.unknownSizes > 0)
		said.push(
			`${facts.unknownSizes} input(s) BFL fetches itself, of unknown size: each counted as 4 MP, the most an input can cost`,
		);
	if (video && !(Number(body.duration) > 0) && facts.videoSeconds === undefined)
		said.push('no duration given: counted at the longest the model makes');
	return said;
}

function round(credits: number): number {
	return Math.round(credits * 1000) / 1000;
}

/** 1 credit = US$0.01. */
function usd(credits: number): number {
	return Math.round(credits * 100) / 10000;
}
