// @ts-check
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
'use strict';
/**
 * The n8n editor in a real browser: Debian's Chromium (installed by ./system-packages.js when
 * missing) driven by puppeteer-core, against a real `n8n start` with the packed pack and the BFL
 * emulator. Shared by the editor test (editor.e2e.test.js) and the README screenshots
 * (scripts/screenshots.js).
 *
 * Selectors are the editor's own data-test-id attributes, checked in the DOM of n8n 1.123 and 2.41.
 * Where the two lines differ, both selectors are listed (SELECTORS below). Waits poll the page;
 * the only fixed pauses are short settle times after animations that leave no trace in the DOM.
 */
const { mkdirSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const { startEmulator } = require('../emulator/server');
const { OWNER } = require('./n8n');
const { sharedN8n } = require('./server');
const { ensureSystemPackages } = require('./system-packages');

const CHROMIUM = '/usr/bin/chromium';
/** Root needs --no-sandbox; the rest keeps Chromium quiet and off the (closed) network. */
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-dev-shm-usage',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];
const VIEWPORT = { width: 1400, height: 850 };

/** What the node picker lists the pack's nodes as. */
const FLUX_DISPLAY_NAME = 'FLUX (Black Forest Labs)';
const FLUX_NODE_TYPE = 'n8n-nodes-bfl.flux';
const FLUX_TRIGGER_TYPE = 'n8n-nodes-bfl.fluxTrigger';

/** data-test-id selectors; identical in n8n 1.123 and 2.41 unless a list is given. */
const SELECTORS = {
	canvas: '[data-test-id="canvas"]',
	canvasNode: '[data-test-id="canvas-node"]',
	/**
	 * Every node of the workflow on the canvas: sticky notes included (they have no canvas-node
	 * test id), the "Add first step" placeholder (n8n-nodes-internal.addNodes in 2.x) not.
	 */
	anyCanvasNode: '[data-test-id="canvas"] [data-node-name][data-node-type]:not([data-node-type^="n8n-nodes-internal."])',
	/** The "+" at the end of a node's output (the plus endpoint). */
	handlePlus: '[data-test-id="canvas-handle-plus"]',
	/** The "Add first step…" placeholder of an empty workflow. */
	addFirstStep: '[data-test-id="canvas-add-button"], [data-test-id="canvas-add-first-step-button"]',
	nodeCreator: '[data-test-id="node-creator"]',
	searchBar: '[data-test-id="node-creator-search-bar"]',
	itemName: '[data-test-id="node-creator-item-name"]',
	ndv: '[data-test-id="ndv"]',
	/** 2.41: a close button; 1.123: "Back to canvas". */
	ndvClose: '[data-test-id="ndv-close-button"], [data-test-id="back-to-canvas"]',
	parameters: '[data-test-id="node-parameters"]',
	inputLabel: '[data-test-id="input-label"]',
	parameterItem: '[data-test-id="parameter-item"]',
	selectOption: 'li.el-select-dropdown__item[data-test-id="parameter-input-item"]',
	credentialSelect: '[data-test-id="node-credentials-select"]',
	executeWorkflow: '[data-test-id="execute-workflow-button"]',
	outputPanel: '[data-test-id="output-panel"]',
	binaryMode: '[data-test-id="radio-button-binary"]',
	binaryCard: '[data-test-id="ndv-binary-data_0"]',
	viewBinary: '[data-test-id="ndv-view-binary-data"]',
	notInstalled: '[data-test-id="node-not-installed"]',
};

/** How n8n says a node type is not installed (both lines; 2.x adds the second for community nodes). */
const NOT_INSTALLED_TEXT = /not currently installed|Install this node/i;

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Chromium from Debian (installed with apt when missing), launched headless with a fresh profile.
 * @param {{ viewport?: { width: number, height: number } }} [options]
 */
async function launchBrowser(options = {}) {
	ensureSystemPackages(['chromium']);
	/** @type {typeof import('puppeteer-core')} */
	let puppeteer;
	try {
		puppeteer = require('puppeteer-core');
	} catch {
		throw new Error('puppeteer-core is missing: run npm install (it is a devDependency)');
	}
	const profile = mkdtempSync(join(tmpdir(), 'n8n-bfl-chromium-'));
	const browser = await puppeteer.launch({
		executablePath: CHROMIUM,
		headless: true,
		userDataDir: profile,
		args: CHROMIUM_ARGS,
		defaultViewport: options.viewport ?? VIEWPORT,
	});
	return {
		browser,
		async close() {
			await browser.close().catch(() => undefined);
			rmSync(profile, { recursive: true, force: true });
		},
	};
}

/**
 * One page of the n8n editor, logged in as the owner.
 */
class Editor {
	/**
	 * @param {import('puppeteer-core').Page} page
	 * @param {string} baseUrl
	 * @param {1 | 2} major
	 */
	constructor(page, baseUrl, major) {
		this.page = page;
		this.baseUrl = baseUrl;
		this.major = major;
		page.setDefaultTimeout(20_000);
		// Leaving a workflow with unsaved changes asks "leave the page?": always leave.
		page.on('dialog', (dialog) => void dialog.accept().catch(() => undefined));
	}

	/** Logs in from inside the page, so the n8n-auth cookie lands in the browser. */
	async login(email = OWNER.email, password = OWNER.password) {
		await this.page.goto(`${this.baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
		const status = await this.page.evaluate(
			async (emailOrLdapLoginId, pw) =>
				(
					await fetch('/rest/login', {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ emailOrLdapLoginId, password: pw }),
					})
				).status,
			email,
			password,
		);
		if (status !== 200) throw new Error(`logging in from the page answered ${status}`);
	}

	/**
	 * Goes to `to` with the editor's router, leaving an unsaved workflow without saving when n8n
	 * asks; true once the URL is there.
	 * @param {string} to
	 */
	async route(to) {
		const pushed = await this.page
			.evaluate((target) => {
				// Vue keeps the app on its mount element in production builds too.
				const app = /** @type {any} */ (document.querySelector('#app'))?.__vue_app__;
				const router = app?.config?.globalProperties?.$router;
				if (!router) return false;
				void router.push(target);
				return true;
			}, to)
			.catch(() => false);
		if (!pushed) return false;
		return await this.page
			.waitForFunction(
				(target) => {
					const leave = [...document.querySelectorAll('button')].find(
						(button) => button.checkVisibility() && button.innerText.trim() === 'Leave without saving',
					);
					if (leave) leave.click();
					return location.pathname === target;
				},
				{ polling: 100, timeout: 5_000 },
				to,
			)
			.then(
				() => true,
				() => false,
			);
	}

	/**
	 * Opens a saved workflow and waits for exactly its nodes on the canvas. Inside the running
	 * editor (2.x) this is an in-app navigation (about 1 s instead of 5 to 10 s for a page load),
	 * which leaves an unsaved workflow without saving; the first time, on 1.123, or when the canvas
	 * already shows the same node names, the page is loaded.
	 * @param {string} id
	 * @param {string[]} names the workflow's node names (none: the "Add first step" placeholder)
	 */
	async openWorkflow(id, names) {
		const path = `/workflow/${id}`;
		const expected = [...names].sort();
		const current = await this.page
			.$$eval(SELECTORS.anyCanvasNode, (nodes) => nodes.map((node) => node.getAttribute('data-node-name') ?? '').sort())
			.catch(() => undefined);
		const switching = current !== undefined && JSON.stringify(current) !== JSON.stringify(expected);
		// Within the editor, as its own links do, instead of loading the whole page again. n8n 1.123
		// does not redraw the canvas for another workflow's route: it goes by the workflow list.
		const navigated =
			switching &&
			(this.major !== 1 || (await this.route('/home/workflows'))) &&
			(await this.route(path));
		if (!navigated) await this.page.goto(`${this.baseUrl}${path}`, { waitUntil: 'domcontentloaded' });
		await this.page.waitForFunction(
			(to, wanted, nodeSelector, emptySelector) => {
				if (location.pathname !== to) return false;
				const onCanvas = [...document.querySelectorAll(nodeSelector)].map((node) => node.getAttribute('data-node-name') ?? '').sort();
				if (JSON.stringify(onCanvas) !== JSON.stringify(wanted)) return false;
				return wanted.length > 0 || document.querySelector(emptySelector)?.checkVisibility() === true;
			},
			{ polling: 100, timeout: 30_000 },
			path,
			expected,
			SELECTORS.anyCanvasNode,
			SELECTORS.addFirstStep,
		);
		await this.settle();
	}

	/** Lets an animation (a panel sliding in, the canvas fitting its view) finish. */
	async settle(ms = 400) {
		await sleep(ms);
	}

	/**
	 * Clicks an element once it has stopped moving (the node picker and the panel slide in).
	 * @param {import('puppeteer-core').ElementHandle<Element>} handle
	 * @param {{ count?: number }} [options]
	 */
	async clickStable(handle, options = {}) {
		let previous = '';
		for (let attempt = 0; attempt < 50; attempt++) {
			const box = await handle.boundingBox();
			const current = JSON.stringify(box);
			if (box && current === previous) break;
			previous = current;
			await sleep(80);
		}
		await handle.click(options);
	}

	/**
	 * The first visible element matching a selector.
	 * @param {string} selector
	 * @param {number} [timeout]
	 */
	async visible(selector, timeout) {
		const handle = await this.page.waitForSelector(selector, { visible: true, timeout });
		if (!handle) throw new Error(`${selector} not found`);
		return handle;
	}

	/**
	 * A canvas node by name.
	 * @param {string} name
	 */
	canvasNode(name) {
		return `${SELECTORS.canvasNode}[data-node-name=${JSON.stringify(name)}]`;
	}

	/** The canvas nodes (sticky notes included): name, type, and whether n8n shows it as not installed. */
	async canvasNodes() {
		return this.page.$$eval(
			SELECTORS.anyCanvasNode,
			(nodes, notInstalled) =>
				nodes.map((node) => ({
					name: node.getAttribute('data-node-name') ?? '',
					type: node.getAttribute('data-node-type') ?? '',
					notInstalled: node.querySelector(notInstalled) !== null,
					// An unknown type gets a "?" placeholder instead of its icon.
					questionMarkIcon: [...node.querySelectorAll('[class*="nodeIconPlaceholder"]')].some((icon) => icon.textContent?.trim() === '?'),
				})),
			SELECTORS.notInstalled,
		);
	}

	// --- Node picker -------------------------------------------------------------------------

	/**
	 * Opens the node picker from the "+" after a node ("What happens next?").
	 * @param {string} nodeName
	 */
	async openPickerAfter(nodeName) {
		const plus = await this.visible(`${this.canvasNode(nodeName)} ${SELECTORS.handlePlus}`);
		await this.clickStable(plus);
		await this.visible(SELECTORS.searchBar);
		await this.settle();
	}

	/** Opens the trigger picker of an empty workflow ("Add first step…" → "What triggers this workflow?"). */
	async openFirstStepPicker() {
		await this.clickStable(await this.visible(SELECTORS.addFirstStep));
		await this.visible(SELECTORS.searchBar);
		await this.settle();
	}

	/** The node picker's heading and visible entries, each as name and kind (node, action, …). */
	async pickerItems() {
		return this.page.$$eval(`${SELECTORS.nodeCreator} ${SELECTORS.itemName}`, (names) =>
			names
				.filter((name) => name.checkVisibility())
				.map((name) => ({
					name: (name.textContent ?? '').trim(),
					kind: name.closest('[data-keyboard-nav-type]')?.getAttribute('data-keyboard-nav-type') ?? '',
				})),
		);
	}

	/** The node picker's text (headings, descriptions, section titles). */
	async pickerText() {
		return this.page.$eval(SELECTORS.nodeCreator, (creator) => /** @type {HTMLElement} */ (creator).innerText);
	}

	/**
	 * Types a search into the node picker and returns the entries once the list stops changing.
	 * @param {string} text
	 */
	async search(text) {
		const input = await this.visible(SELECTORS.searchBar);
		await input.evaluate((element) => /** @type {HTMLInputElement} */ (element).focus());
		await this.page.keyboard.down('Control');
		await this.page.keyboard.press('KeyA');
		await this.page.keyboard.up('Control');
		await this.page.keyboard.press('Backspace');
		await this.page.keyboard.type(text);
		await this.page.waitForFunction((selector, value) => /** @type {HTMLInputElement | null} */ (document.querySelector(selector))?.value === value, {}, SELECTORS.searchBar, text);
		return this.stableItems();
	}

	/** The picker's entries once they have been the same for half a second. */
	async stableItems() {
		let previous = '';
		let sameFor = 0;
		const started = Date.now();
		while (Date.now() - started < 10_000) {
			const items = await this.pickerItems();
			const current = JSON.stringify(items);
			sameFor = current === previous ? sameFor + 1 : 0;
			if (sameFor >= 4) return items;
			previous = current;
			await sleep(120);
		}
		return this.pickerItems();
	}

	/**
	 * Clicks a picker entry by its exact name (and kind).
	 * @param {string} name
	 * @param {string} [kind] node, action, …
	 */
	async clickPickerItem(name, kind) {
		const handles = await this.page.$$(`${SELECTORS.nodeCreator} ${SELECTORS.itemName}`);
		for (const handle of handles) {
			const found = await handle.evaluate(
				(element, wanted, wantedKind) =>
					element.checkVisibility() &&
					(element.textContent ?? '').trim() === wanted &&
					(!wantedKind || element.closest('[data-keyboard-nav-type]')?.getAttribute('data-keyboard-nav-type') === wantedKind),
				name,
				kind,
			);
			if (found) {
				await this.clickStable(handle);
				await this.settle();
				return;
			}
		}
		throw new Error(`no picker entry "${name}"${kind ? ` (${kind})` : ''}; entries: ${JSON.stringify(await this.pickerItems())}`);
	}

	/**
	 * Adds the FLUX node with one of its actions from the "+" after a node; the panel opens.
	 * @param {string} afterNode
	 * @param {string} action e.g. "Generate an image"
	 */
	async addFluxAction(afterNode, action) {
		await this.openPickerAfter(afterNode);
		await this.search('flux');
		await this.clickPickerItem(FLUX_DISPLAY_NAME, 'node');
		await this.clickPickerItem(action, 'action');
		await this.waitForPanel();
	}

	// --- Node panel (NDV) --------------------------------------------------------------------

	/**
	 * Waits for the node panel and, unless told otherwise, its first parameter.
	 * @param {{ fields?: boolean }} [options] fields: false for a node without parameters (an unknown one)
	 */
	async waitForPanel(options = {}) {
		await this.visible(SELECTORS.ndv);
		if (options.fields !== false) await this.visible(`${SELECTORS.parameters} ${SELECTORS.inputLabel}`);
		await this.settle();
	}

	/**
	 * Opens a node's panel by double-clicking it on the canvas.
	 * @param {string} name
	 * @param {{ fields?: boolean }} [options]
	 */
	async openNode(name, options = {}) {
		await this.clickStable(await this.visible(this.canvasNode(name)), { count: 2 });
		await this.waitForPanel(options);
	}

	async closePanel() {
		await this.clickStable(await this.visible(SELECTORS.ndvClose));
		await this.page.waitForSelector(SELECTORS.ndv, { hidden: true });
		await this.settle();
	}

	/** The labels of the parameters the panel shows, top to bottom. */
	async visibleLabels() {
		return this.page.$$eval(`${SELECTORS.parameters} ${SELECTORS.inputLabel}`, (labels) =>
			labels
				.filter((label) => label.checkVisibility())
				.map((label) => (/** @type {HTMLElement} */ (label).innerText.trim().split('\n')[0] ?? '').trim()),
		);
	}

	/**
	 * The whole text of one parameter (label, value, hint).
	 * @param {string} name the parameter's name, e.g. width
	 */
	async parameterText(name) {
		return this.page.$eval(
			`${SELECTORS.parameters} [data-test-id="parameter-input-${name}"]`,
			(input, itemSelector) => /** @type {HTMLElement} */ (input.closest(itemSelector) ?? input).innerText,
			SELECTORS.parameterItem,
		);
	}

	/**
	 * Chooses an option of an options parameter (Resource, Operation, Model, …) by its name.
	 * @param {string} name the parameter's name
	 * @param {string} option the option's display name
	 */
	async selectOption(name, option) {
		const field = `${SELECTORS.parameters} [data-test-id="parameter-input-${name}"]`;
		await this.clickStable(await this.visible(field));
		const item = await this.page.waitForFunction(
			(selector, wanted) =>
				[...document.querySelectorAll(selector)].find(
					(element) => element.checkVisibility() && (/** @type {HTMLElement} */ (element).innerText.split('\n')[0] ?? '').trim() === wanted,
				),
			{},
			SELECTORS.selectOption,
			option,
		);
		// A DOM click: the dropdown may still be zooming in, and the option reacts to click alone.
		await /** @type {import('puppeteer-core').ElementHandle<HTMLElement>} */ (item).evaluate((element) => element.click());
		await this.page.waitForFunction(
			(selector, wanted) => /** @type {HTMLInputElement | null} */ (document.querySelector(`${selector} input`))?.value === wanted,
			{},
			field,
			option,
		);
		await this.page.waitForFunction(
			(selector) => ![...document.querySelectorAll(selector)].some((element) => element.checkVisibility()),
			{},
			SELECTORS.selectOption,
		);
		await this.settle(200);
	}

	/**
	 * Types into a string or number parameter, replacing its value.
	 * @param {string} name
	 * @param {string} text
	 */
	async fill(name, text) {
		const field = `${SELECTORS.parameters} [data-test-id="parameter-input-${name}"]`;
		const input = (await this.page.$(`${field} textarea`)) ?? (await this.page.$(`${field} input`));
		if (!input) throw new Error(`parameter ${name} has no text field`);
		await this.clickStable(input);
		await this.page.keyboard.down('Control');
		await this.page.keyboard.press('KeyA');
		await this.page.keyboard.up('Control');
		await this.page.keyboard.press('Backspace');
		await this.page.keyboard.type(text);
		await this.page.waitForFunction(
			(element, value) => /** @type {HTMLInputElement} */ (element).value === value,
			{},
			input,
			text,
		);
	}

	/** The name of the credential the panel shows as selected. */
	async selectedCredential() {
		const select = await this.visible(SELECTORS.credentialSelect);
		return select.evaluate((element) => /** @type {HTMLInputElement | null} */ (element.querySelector('input'))?.value ?? /** @type {HTMLElement} */ (element).innerText.trim());
	}

	/** The panel's text: to look for n8n's "not installed" wording. */
	async panelText() {
		return this.page.$eval(SELECTORS.ndv, (ndv) => /** @type {HTMLElement} */ (ndv).innerText);
	}

	// --- Running ------------------------------------------------------------------------------

	/** Saves the workflow the way a user does: Ctrl+S outside any field. */
	async save() {
		await this.page.evaluate(() => /** @type {HTMLElement | null} */ (document.activeElement)?.blur());
		await this.page.keyboard.down('Control');
		await this.page.keyboard.press('KeyS');
		await this.page.keyboard.up('Control');
	}

	/**
	 * Presses "Execute workflow" and waits for a node to show success; on a timeout the error
	 * names what the page said (notifications, the node's issues).
	 * @param {string} nodeName the last node
	 * @param {number} [timeout]
	 */
	async executeWorkflow(nodeName, timeout = 45_000) {
		await this.clickStable(await this.visible(SELECTORS.executeWorkflow));
		const success = `${this.canvasNode(nodeName)} [data-test-id="canvas-node-status-success"]`;
		try {
			await this.page.waitForSelector(success, { timeout });
		} catch (error) {
			const said = await this.page.evaluate(() =>
				[...document.querySelectorAll('.el-notification, [data-test-id="node-issues"]')]
					.map((element) => /** @type {HTMLElement} */ (element).innerText || element.getAttribute('title') || '')
					.join(' | '),
			);
			throw new Error(`"${nodeName}" did not show success within ${timeout} ms; the page said: ${said || 'nothing'}`, { cause: error });
		}
	}

	/**
	 * In an open panel's output: the binary view, then the first file's preview.
	 * @returns {Promise<{ card: string, src: string, width: number, height: number }>}
	 */
	async showBinaryImage() {
		const mode = await this.visible(`${SELECTORS.outputPanel} ${SELECTORS.binaryMode}`);
		await this.clickStable(mode);
		const card = await (await this.visible(`${SELECTORS.outputPanel} ${SELECTORS.binaryCard}`)).evaluate((element) => /** @type {HTMLElement} */ (element).innerText);
		await this.clickStable(await this.visible(`${SELECTORS.outputPanel} ${SELECTORS.viewBinary}`));
		const image = await this.page.waitForFunction(
			(selector) =>
				[...document.querySelectorAll(`${selector} img`)].find(
					// Inline (memory mode) or served from n8n's binary store (filesystem and database modes).
					(img) =>
						/** @type {HTMLImageElement} */ (img).complete &&
						/** @type {HTMLImageElement} */ (img).naturalWidth > 0 &&
						/^(blob:|data:|https?:\/\/[^/]+\/rest\/binary-data\?)/.test(/** @type {HTMLImageElement} */ (img).src),
				),
			{ polling: 200 },
			SELECTORS.outputPanel,
		);
		const { src, width, height } = await /** @type {import('puppeteer-core').ElementHandle<HTMLImageElement>} */ (image).evaluate((img) => ({
			src: img.src.slice(0, 80),
			width: img.naturalWidth,
			height: img.naturalHeight,
		}));
		await this.settle();
		return { card, src, width, height };
	}

	// --- Evidence -------------------------------------------------------------------------------

	/**
	 * Readies the page for a picture: no focused field (its hint popup), no hover, no toasts.
	 */
	async tidy() {
		await this.page.evaluate(() => /** @type {HTMLElement | null} */ (document.activeElement)?.blur());
		await this.page.mouse.move(200, (this.page.viewport()?.height ?? VIEWPORT.height) - 60);
		await this.page.$$eval('.el-notification__closeBtn', (buttons) => buttons.forEach((button) => /** @type {HTMLElement} */ (button).click()));
		await this.page.waitForFunction(() => ![...document.querySelectorAll('.el-notification')].some((toast) => toast.checkVisibility()), { timeout: 5_000 }).catch(() => undefined);
		await this.settle();
	}

	/**
	 * A screenshot of the page.
	 * @param {string} path
	 */
	async screenshot(path) {
		await this.page.screenshot({ path: /** @type {`${string}.png`} */ (path) });
	}

	/**
	 * Saves a screenshot and the page's HTML for a failed step; returns the folder.
	 * @param {string} label
	 */
	async dump(label) {
		const folder = mkdtempSync(join(tmpdir(), 'n8n-bfl-editor-failure-'));
		const safe = label.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
		await this.page.screenshot({ path: /** @type {`${string}.png`} */ (join(folder, `${safe}.png`)) }).catch(() => undefined);
		writeFileSync(join(folder, `${safe}.html`), await this.page.content().catch((error) => String(error)));
		return folder;
	}
}

/**
 * Everything an editor run needs: the emulator, `n8n start` with the pack, the owner's REST client,
 * a BFL credential pointing at the emulator, and a logged-in browser page.
 * @param {{ major: 1 | 2, viewport?: { width: number, height: number }, generationMs?: number }} options
 */
async function startEditorSession(options) {
	/** @type {Array<() => Promise<unknown> | unknown>} */
	const closers = [];
	const close = async () => {
		for (const closer of closers.reverse()) await Promise.resolve(closer()).catch(() => undefined);
	};
	try {
		const emulator = await startEmulator({ generationMs: options.generationMs ?? 800 });
		closers.push(() => emulator.close());
		const n8n = await sharedN8n(options.major);
		closers.push(() => n8n.close());
		const { rest } = n8n;
		const server = { baseUrl: n8n.baseUrl };

		const credential = await n8n.addCredential({
			name: 'BFL (emulator)',
			type: 'bflApi',
			data: { apiKey: 'bfl_placeholder_browser_test', region: 'custom', baseUrl: emulator.apiBase },
		});

		const chromium = await launchBrowser({ viewport: options.viewport });
		closers.push(() => chromium.close());
		const page = await chromium.browser.newPage();
		const editor = new Editor(page, server.baseUrl, options.major);
		await editor.login();

		/**
		 * Saves a workflow over REST; returns its id.
		 * @param {{ name: string, nodes: unknown[], connections?: Record<string, unknown>, settings?: Record<string, unknown> }} workflow
		 */
		async function createWorkflow(workflow) {
			return await n8n.addWorkflow(workflow);
		}

		/**
		 * Polls a saved workflow until its node of a type passes a check (the editor saves
		 * asynchronously); returns the workflow and the node.
		 * @param {string} id
		 * @param {(node: any) => boolean} check
		 * @param {string} [type]
		 */
		async function savedNode(id, check, type = FLUX_NODE_TYPE) {
			const started = Date.now();
			let last;
			while (Date.now() - started < 15_000) {
				const workflow = (await rest.get(`/rest/workflows/${id}`)).json?.data;
				const node = workflow?.nodes?.find((/** @type {{ type: string }} */ candidate) => candidate.type === type);
				if (node && check(node)) return { workflow, node };
				last = node;
				await sleep(250);
			}
			throw new Error(`the saved ${type} node never passed the check: ${JSON.stringify(last)}`);
		}

		/**
		 * Puts the BFL credential on the saved workflow's FLUX node over REST, and reloads it. For
		 * n8n 1.123, whose panel offers no BFL API credential for node version 2.
		 * @param {string} id
		 */
		async function setCredentialOverRest(id) {
			const { workflow, node } = await savedNode(id, () => true);
			node.credentials = { bflApi: credential };
			const answer = await rest.patch(`/rest/workflows/${id}`, workflow);
			if (answer.status !== 200) throw new Error(`saving the credential failed: ${answer.status} ${JSON.stringify(answer.json).slice(0, 300)}`);
			await editor.openWorkflow(id, workflow.nodes.map((/** @type {{ name: string }} */ saved) => saved.name));
		}

		return { emulator, n8n, server, rest, credential, editor, page, createWorkflow, savedNode, setCredentialOverRest, close };
	} catch (error) {
		await close();
		throw error;
	}
}

/** A Manual Trigger node for workflows made over REST. */
function manualTrigger(name = 'When clicking ‘Execute workflow’') {
	return { id: '7b1f3c2e-0000-4000-8000-000000000001', name, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
}

/**
 * Runs a step; on failure saves a screenshot and the HTML, and names the folder in the error.
 * @template T
 * @param {Editor} editor
 * @param {string} label
 * @param {() => Promise<T>} step
 * @returns {Promise<T>}
 */
async function withEvidence(editor, label, step) {
	try {
		return await step();
	} catch (error) {
		const folder = await editor.dump(label).catch(() => undefined);
		if (folder) {
			console.error(`editor evidence for "${label}": ${folder}`);
			if (error instanceof Error) error.message += `\n(screenshot and HTML: ${folder})`;
		}
		throw error;
	}
}

/**
 * Makes sure a folder exists (for screenshots).
 * @param {string} folder
 */
function ensureFolder(folder) {
	mkdirSync(folder, { recursive: true });
	return folder;
}

module.exports = {
	CHROMIUM,
	CHROMIUM_ARGS,
	Editor,
	FLUX_DISPLAY_NAME,
	FLUX_NODE_TYPE,
	FLUX_TRIGGER_TYPE,
	NOT_INSTALLED_TEXT,
	SELECTORS,
	VIEWPORT,
	ensureFolder,
	launchBrowser,
	manualTrigger,
	startEditorSession,
	withEvidence,
};
