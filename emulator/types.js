// @ts-check
'use strict';
/**
 * Shapes shared by the emulator's modules (JSDoc only; nothing runs here).
 *
 * @typedef {import('../dist/nodes/Flux/models/index.js').ModelSpec} ModelSpec
 * @typedef {import('../dist/nodes/Flux/models/index.js').FieldSpec} FieldSpec
 * @typedef {import('../dist/nodes/Flux/models/index.js').MediaField} MediaField
 * @typedef {{ width: number, height: number }} Size
 * @typedef {'main' | 'us1' | 'eu1' | 'other'} SiteName
 * @typedef {{ name: SiteName, token: string, port: number, apiBase: string }} Site
 * @typedef {{ seconds: number, width: number, height: number }} DraftInfo
 */
/**
 * What the media inputs of one request held.
 * @typedef {{ images: Size[], byField: Record<string, Size>, video?: { width?: number, height?: number, durationSeconds?: number }, draft?: DraftInfo }} Media
 */
/**
 * One problem of a 422 answer, in FastAPI's shape.
 * @typedef {{ loc: unknown[], msg: string, type: string }} ProblemDetail
 */
/**
 * What the ledger keeps of one request (the key's value never).
 * @typedef {Record<string, any>} LedgerEntry
 */
/** @typedef {Record<string, string | number | boolean>} Faults */
/**
 * One task, from its submit to its expiry.
 * @typedef {{
 *   id: string, key: string, site: SiteName, endpoint: string, path: string,
 *   resource: 'image' | 'video', bucket: string, stages: string[],
 *   createdAt: number, readyAt: number, seed: number, prompt: string,
 *   format: string, width: number, height: number, seconds: number | undefined, draft: boolean, listCount: number,
 *   faults: Faults, cost: number, settledCost: number, charged: number, settled: boolean,
 *   polls: number, unknownAnswers: number, downloads: number, webhookUrl?: string, webhookSecret?: string,
 *   files: Map<string, Promise<Buffer> | Buffer>,
 * }} Task
 */

module.exports = {};
