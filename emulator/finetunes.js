// @ts-check
'use strict';
/**
 * The FLUX.1 finetune hosts (api.us1.bfl.ai, api.eu1.bfl.ai): which finetunes each holds, and
 * their two read routes, GET /v1/my_finetunes and GET /v1/finetune_details?finetune_id=. The
 * main host holds none (the klein LoRA endpoints there take any finetune_id).
 */
const { json, problem } = require('./http/respond');

/** @typedef {import('./types').Site} Site */

/** Fake training settings of a FLUX.1 finetune, shaped like BFL's `finetune_details`. */
function finetuneDetails(comment, mode, triggerWord, iterations, type, createdAt) {
	return {
		finetune_comment: comment,
		mode,
		trigger_word: triggerWord,
		iterations,
		learning_rate: type === 'lora' ? 0.0001 : 0.00001,
		captioning: true,
		priority: 'quality',
		finetune_type: type,
		lora_rank: type === 'lora' ? 32 : null,
		created_at: createdAt,
		status: 'Ready',
	};
}

/** The finetunes each finetune host starts with. */
function defaultFinetunes() {
	return {
		us1: {
			'ft-us-portrait-0001': finetuneDetails('Portraits of Alex', 'character', 'ALXPRT', 300, 'lora', '2025-04-11T09:32:05Z'),
			'ft-us-product-0002': finetuneDetails('Sneaker product shots', 'product', 'SNKR', 500, 'full', '2025-06-23T15:04:51Z'),
		},
		eu1: {
			'ft-eu-watercolor-0001': finetuneDetails('Watercolour style', 'style', 'WTRCLR', 800, 'lora', '2025-08-02T07:18:40Z'),
		},
	};
}

/**
 * @param {{ finetunes: Record<string, Record<string, Record<string, unknown>>> }} config @param {Site} site
 * @returns {Record<string, Record<string, unknown>>}
 */
function finetunesOf(config, site) {
	return site.name === 'us1' || site.name === 'eu1' ? (config.finetunes[site.name] ?? {}) : {};
}

/** GET /v1/my_finetunes (finetune hosts only). @param {Site} site */
function myFinetunes(config, site, res) {
	return json(res, 200, { finetunes: Object.keys(finetunesOf(config, site)) });
}

/** GET /v1/finetune_details?finetune_id= (finetune hosts only). @param {Site} site @param {URL} url */
function finetuneDetailsOf(config, site, res, url) {
	const id = url.searchParams.get('finetune_id');
	if (!id) return json(res, 422, { detail: [problem(['query', 'finetune_id'], 'Field required', 'missing')] });
	const details = finetunesOf(config, site)[id];
	if (!details) return json(res, 404, { detail: 'Finetune not found' });
	return json(res, 200, { finetune_details: { finetune_id: id, ...details } });
}

module.exports = { defaultFinetunes, finetunesOf, myFinetunes, finetuneDetailsOf };
