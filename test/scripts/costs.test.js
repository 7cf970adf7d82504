// @ts-check
'use strict';
/**
 * scripts/costs.js: the README's "What it costs" comes from the model table's own prices (dist/,
 * built by `npm test` before the unit tests), and each example's cost from the node's expectedCost.
 */
const {
	exampleCosts,
	exampleCostText,
	modelCostTable,
	money,
	staleNotes,
	typicalPrice,
} = require('../../scripts/costs');
const { MODELS_BY_ID } = require('../../dist/nodes/Flux/models/index.js');

const example = (/** @type {string} */ file) => {
	const found = exampleCosts().find((entry) => entry.file === file);
	if (!found) throw new Error(`no example ${file}`);
	return found;
};

test('credits read as BFL shows them, with dollars at 1 credit = US$0.01', () => {
	expect(money(1.4)).toBe('1.4 (US$0.014)');
	expect(money(85)).toBe('85 (US$0.85)');
	expect(money(260.8)).toBe('260.8 (US$2.608)');
});

test("a typical request is the model's own price for 1024×1024 or 5 s", () => {
	const klein = /** @type {import('../../nodes/Flux/models').ModelSpec} */ (
		MODELS_BY_ID.get('flux-2-klein-4b')
	);
	expect(typicalPrice('flux-2-klein-4b', 'generate')).toBe(
		`${klein.price({ body: {}, outputMp: 1, inputMp: 0 })} credits (US$0.014)`,
	);
	expect(typicalPrice('flux-3-video', 'generate')).toBe('85 credits (US$0.85)');
	expect(() => typicalPrice('flux-2-klein-4b', 'upscale')).toThrow(/no model/);
});

test('the model table lists every model of node version 2, with its webhook', () => {
	const table = modelCostTable();
	const v2 = [...MODELS_BY_ID.values()].filter((model) => model.versions.includes(2));
	expect(table.split('\n').length).toBe(v2.length + 2);
	expect(table).toMatch(/\| FLUX 3 Image \|.*per image: .*4K 60\.7.*\| no \|/);
	expect(table).toMatch(/\| FLUX Erase \|.*Image \+ Mask 1024×1024 → 1024×1024: 3\.8/);
});

test('each example costs what its FLUX nodes cost, the spend cap and sizes made upstream included', () => {
	expect(example('flux-demo.json').total).toBe(8.3); // 3 × klein 4B at 1024×768, then a FLUX.2 [pro] edit of one
	expect(example('video.json').total).toBe(260.8); // 5 s HD, then a 2× upscale of a 1280×720 clip
	const capped = example('spend-cap-and-moderation.json').nodes[0];
	expect({ items: capped.items, asked: capped.asked, each: capped.each }).toEqual({
		items: 7,
		asked: 24,
		each: 1.4,
	});
	expect(exampleCostText(example('flux-trigger.json'))).toMatch(/^nothing/);
	expect(exampleCostText(example('scheduled-google-drive.json'))).toBe(
		'about 3.8 credits (US$0.038) a day',
	);
});

test("every example's sticky note states the cost the table gives", () => {
	expect(staleNotes()).toEqual([]);
});
