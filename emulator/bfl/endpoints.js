// @ts-check
'use strict';
/** Which submit endpoints exist: one POST /v1/<path> per model of the table, minus those BFL removed. */
const { MODELS, pathOf } = require('../../dist/nodes/Flux/models/index.js');

/** @typedef {import('../types').ModelSpec} ModelSpec */

/** The path after /v1/ → its model. */
const ROUTES = new Map(MODELS.map((model) => [pathOf(model), model]));

/** Models only node version 1 offers: endpoints BFL has removed. @param {ModelSpec} model */
function isRemoved(model) {
	return model.versions.length === 1 && model.versions[0] === 1;
}

/**
 * The model a submit path names, if the emulator serves it (removed endpoints only with
 * removedEndpoints: 'serve').
 * @param {import('../config').Config} config @param {string} pathname @returns {ModelSpec | undefined}
 */
function modelAt(config, pathname) {
	const model = pathname.startsWith('/v1/') ? ROUTES.get(pathname.slice(4)) : undefined;
	if (!model || (isRemoved(model) && config.removedEndpoints !== 'serve')) return undefined;
	return model;
}

module.exports = { ROUTES, modelAt };
