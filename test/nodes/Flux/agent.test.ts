/**
 * What an AI agent reads about each operation of the FLUX tool: n8n shows the model the tool's
 * `toolDescription`, so every operation of version 2 must have one, written for an LLM (what it
 * does, what to give, what comes back), and the fields the agent fills in must default to
 * `$fromAI(...)` in the tool variant only. Checked through n8n's own NodeHelpers, as the editor
 * and n8n's tool conversion see the panel.
 */
import { type INodePropertyOptions, type INodeTypeDescription } from 'n8n-workflow';

import { Flux } from '../../../nodes/Flux/Flux.node';
import { visibleProperties } from '../../support/panel';

const plain = new Flux().getNodeType(2).description;
const tool: INodeTypeDescription = { ...plain, name: `${plain.name}Tool` };

const visible = (description: INodeTypeDescription, values: Record<string, unknown>) =>
	visibleProperties(description, 2, values);

/** Every (resource, operation) pair the panel offers. */
function operations(): Array<[string, string]> {
	const resources = (plain.properties.find((property) => property.name === 'resource')?.options ??
		[]) as INodePropertyOptions[];
	return resources.flatMap((resource) => {
		const selector = visible(plain, { resource: resource.value }).find(
			(property) => property.name === 'operation',
		);
		return ((selector?.options ?? []) as INodePropertyOptions[]).map(
			(operation): [string, string] => [String(resource.value), String(operation.value)],
		);
	});
}

test('the panel offers the operations these tests walk through', () => {
	expect(operations()).toEqual(
		expect.arrayContaining([
			['image', 'generate'],
			['task', 'getResult'],
			['account', 'getCredits'],
			['finetune', 'list'],
			['finetune', 'get'],
			['customApiCall', 'customApiCall'],
		]),
	);
});

test.each(operations())(
	'%s → %s: one description for the agent, saying what to give and what comes back',
	(resource, operation) => {
		const descriptions = visible(tool, { resource, operation }).filter(
			(property) => property.name === 'toolDescription',
		);
		expect(descriptions).toHaveLength(1);
		const text = String(descriptions[0].default);
		expect(text).toMatch(/Black Forest Labs/);
		expect(text).toMatch(/returns/i);
		expect(text.length).toBeLessThan(700);
		// The plain node (a workflow, not an agent) shows no tool description.
		expect(
			visible(plain, { resource, operation }).some(
				(property) => property.name === 'toolDescription',
			),
		).toBe(false);
	},
);

test.each([
	['task', 'getResult', 'task', /\$fromAI\('task',/],
	['finetune', 'get', 'finetuneId', /\$fromAI\('finetune_id',/],
])(
	'%s → %s: the agent fills in %s; a workflow keeps its own default',
	(resource, operation, name, fromAI) => {
		const asTool = visible(tool, { resource, operation }).filter(
			(property) => property.name === name,
		);
		expect(asTool).toHaveLength(1);
		expect(JSON.stringify(asTool[0].default)).toMatch(fromAI);
		const asNode = visible(plain, { resource, operation }).filter(
			(property) => property.name === name,
		);
		expect(asNode).toHaveLength(1);
		expect(JSON.stringify(asNode[0].default)).not.toMatch(/fromAI/);
	},
);

test('Get Result tells the agent to pass the pollingUrl it was given', () => {
	const [description] = visible(tool, { resource: 'task', operation: 'getResult' }).filter(
		(property) => property.name === 'toolDescription',
	);
	expect(String(description.default)).toMatch(/pollingUrl/);
});
