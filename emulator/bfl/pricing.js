// @ts-check
'use strict';
/**
 * What a request costs: the table's price() of its output and inputs (or the configured
 * override). A video's submit cost is an estimate (its length may be unknown); its settled cost,
 * charged when the task ends, prices the real length.
 */
const { outputSize, videoSize, videoSeconds, megapixels } = require('./sizes');

/** @typedef {import('../types').ModelSpec} ModelSpec */
/** @typedef {import('../types').Media} Media */
/**
 * What BFL would make of a request, and its price.
 * @typedef {{ width: number, height: number, seconds: number | undefined, outputMp: number, inputMp: number, cost: number, settledCost: number }} Quote
 */

/** The table's price, or the configured override. @param {import('../config').Config} config @param {ModelSpec} model */
function priceOf(config, model, input) {
	const override = config.prices?.[model.id];
	return typeof override === 'number' ? override : model.price(input);
}

/**
 * @param {import('../config').Config} config @param {ModelSpec} model @param {Record<string, any>} body @param {Media} media
 * @returns {Quote}
 */
function quote(config, model, body, media) {
	const video = model.resource === 'video';
	const { width, height } = video ? videoSize(model, body, media) : outputSize(model, body, media);
	const outputMp = megapixels(width, height);
	const videoMp = media.video?.width && media.video.height ? megapixels(media.video.width, media.video.height) : undefined;
	const inputMp = Math.round((media.images.reduce((sum, input) => sum + megapixels(input.width, input.height), 0) + (videoMp ?? 0)) * 100) / 100;
	const seconds = video ? videoSeconds(model, body, media) : undefined;
	const priceInput = { body, outputMp, inputMp, videoMp };
	const cost = priceOf(config, model, { ...priceInput, seconds: typeof body.duration === 'number' && body.duration > 0 ? body.duration : undefined });
	const settledCost = video ? priceOf(config, model, { ...priceInput, seconds }) : cost;
	return { width, height, seconds, outputMp, inputMp, cost, settledCost };
}

module.exports = { quote };
