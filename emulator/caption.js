// @ts-check
'use strict';
/**
 * Receipts: what was asked, drawn on the emulator's images and video frames, so a picture says
 * which request made it. A dark band across the top holds the prompt (wrapped, cut with … when
 * it does not fit) and a details line (model, size, seed…). The text scales with the picture
 * (5×7 font pixels of 1 px up to 256 px pictures, 4 px at 1024); the band takes at most about
 * half the height; tiny pictures get what fits, and none below 13 px.
 */
const { printable, drawLine, CELL_WIDTH, CELL_HEIGHT } = require('./font');

/**
 * What a picture shows: the prompt, then details such as the model, the size and the seed.
 * @typedef {{ prompt: string, details: string[] }} Receipt
 */
/**
 * Where the text goes: the band's height, the font scale and each line's place.
 * @typedef {{ scale: number, bandHeight: number, lines: Array<{ text: string, x: number, y: number, kind: 'prompt' | 'details' }> }} Layout
 */

/** How much of a pixel under the band is kept (the rest is darkened away). */
const SHADE = 0.3;

/**
 * Word-wraps `text` to lines of at most `columns` characters (longer words are cut).
 * @param {string} text @param {number} columns @returns {string[]}
 */
function wrap(text, columns) {
	/** @type {string[]} */
	const lines = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		for (let rest = word; rest; ) {
			const room = line ? columns - line.length - 1 : columns;
			if (rest.length <= room) {
				line = line ? `${line} ${rest}` : rest;
				rest = '';
			} else if (line) {
				lines.push(line);
				line = '';
			} else {
				lines.push(rest.slice(0, columns));
				rest = rest.slice(columns);
			}
		}
	}
	if (line) lines.push(line);
	return lines;
}

/**
 * Packs items into lines of at most `columns` characters, joined by ' · ' (an item too long for a
 * line is wrapped on its own).
 * @param {string[]} items @param {number} columns @returns {string[]}
 */
function pack(items, columns) {
	/** @type {string[]} */
	const lines = [];
	for (const item of items) {
		const last = lines.length ? lines[lines.length - 1] : undefined;
		if (last !== undefined && last.length + 3 + item.length <= columns) lines[lines.length - 1] = `${last} · ${item}`;
		else lines.push(...wrap(item, columns));
	}
	return lines;
}

/** The first `count` lines; the last one ends in … when text was left out. @param {string[]} lines @param {number} count @param {number} columns */
function cut(lines, count, columns) {
	if (lines.length <= count) return lines;
	const kept = lines.slice(0, count);
	kept[count - 1] = `${kept[count - 1].slice(0, columns - 1)}…`;
	return kept;
}

/**
 * Lays a receipt out on a picture of `width` × `height`; undefined when nothing legible fits.
 * @param {number} width @param {number} height @param {Receipt} receipt @returns {Layout | undefined}
 */
function layoutCaption(width, height, receipt) {
	const scale = Math.max(1, Math.floor(Math.min(width, height) / 256));
	const pad = 2 * scale;
	const lineHeight = CELL_HEIGHT * scale;
	const columns = Math.floor((width - 2 * pad + scale) / (CELL_WIDTH * scale));
	const fits = Math.floor((height - 2 * pad + scale) / lineHeight);
	if (columns < 3 || fits < 1) return undefined;
	const budget = Math.min(fits, Math.max(2, Math.floor(fits / 2)));
	const details = pack(receipt.details.filter(Boolean).map(printable), columns);
	const prompt = wrap(printable(receipt.prompt.trim() || '(no prompt)'), columns);
	const detailCount = Math.min(details.length, Math.max(0, budget - 1));
	const promptCount = Math.min(prompt.length, budget - detailCount);
	const shown = [
		...cut(prompt, promptCount, columns).map((text) => ({ text, kind: /** @type {const} */ ('prompt') })),
		...cut(details, detailCount, columns).map((text) => ({ text, kind: /** @type {const} */ ('details') })),
	];
	const lines = shown.map((line, index) => ({ ...line, x: pad, y: pad + index * lineHeight }));
	return { scale, bandHeight: Math.min(height, 2 * pad + shown.length * lineHeight - scale), lines };
}

/**
 * Draws a layout: `shade(factor)` is called once for the band, then `ink(x, y, kind)` for every
 * pixel of text.
 * @param {Layout} layout @param {{ shade: (factor: number) => void, ink: (x: number, y: number, kind: 'prompt' | 'details') => void }} paint
 */
function drawCaption(layout, paint) {
	paint.shade(SHADE);
	for (const line of layout.lines) drawLine(line.text, line.x, line.y, layout.scale, (x, y) => paint.ink(x, y, line.kind));
}

module.exports = { layoutCaption, drawCaption, wrap };
