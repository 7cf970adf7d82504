// @ts-check
'use strict';
// Small builders for the workflows the end-to-end tests and the benchmark import into n8n.
const { FLUX_NODE_TYPE } = require('./n8n');

/** The BFL credential every built FLUX node points at; import it under this id. */
const CREDENTIAL = { id: 'bflLocalCred001', name: 'BFL (local)' };

let nodeCounter = 0;
/** @param {string} name @param {string} type @param {Record<string, unknown>} parameters @param {Record<string, unknown>} [extra] */
function node(name, type, parameters, extra = {}) {
	nodeCounter++;
	return {
		id: `00000000-0000-4000-8000-${String(nodeCounter).padStart(12, '0')}`,
		name,
		type,
		typeVersion: type === 'n8n-nodes-base.code' ? 2 : 1,
		position: [nodeCounter * 200, 0],
		parameters,
		...(type === FLUX_NODE_TYPE ? { credentials: { bflApi: CREDENTIAL } } : {}),
		...extra,
	};
}

/** A FLUX node of version 2 (Resource → Operation → Model). @param {string} name @param {Record<string, unknown>} parameters @param {Record<string, unknown>} [extra] */
function fluxNode(name, parameters, extra = {}) {
	return node(name, FLUX_NODE_TYPE, parameters, { typeVersion: 2, ...extra });
}

/** A linear workflow: Manual Trigger → nodes in order. @param {string} id @param {any[]} nodes */
function workflow(id, nodes) {
	const all = [node('Start', 'n8n-nodes-base.manualTrigger', {}), ...nodes];
	const connections = Object.fromEntries(
		all.slice(0, -1).map((current, index) => [current.name, { main: [[{ node: all[index + 1].name, type: 'main', index: 0 }]] }]),
	);
	return { id, name: id, active: false, settings: { executionOrder: 'v1' }, nodes: all, connections };
}

/** A Code node that outputs these JSON items. @param {string} name @param {Record<string, unknown>[]} items */
function codeNode(name, items) {
	return node(name, 'n8n-nodes-base.code', { jsCode: `return ${JSON.stringify(items.map((json) => ({ json })))};` });
}

module.exports = { CREDENTIAL, node, fluxNode, workflow, codeNode };
