// @ts-check
'use strict';
/**
 * Listening: each host the emulator stands for gets a server on 127.0.0.1 and, where the machine
 * has IPv6 loopback, one on ::1 with the same port, so results can be served as `localhost` (a
 * different host name on the same port, as BFL's delivery hosts differ from its API hosts).
 */
const http = require('node:http');

/** @typedef {import('../types').Site} Site */

/**
 * Opens a host's servers on `port` (0 = any free port) and fills in its port and API base.
 * @param {Site} site @param {number} port @param {http.RequestListener} handler @returns {Promise<http.Server[]>}
 */
async function openSite(site, port, handler) {
	const v4 = http.createServer(handler);
	await new Promise((resolve, reject) => v4.once('error', reject).listen(port, '127.0.0.1', () => resolve(undefined)));
	site.port = /** @type {import('node:net').AddressInfo} */ (v4.address()).port;
	site.apiBase = `http://127.0.0.1:${site.port}`;
	const v6 = http.createServer(handler);
	const v6Open = await new Promise((resolve) => {
		v6.once('error', () => resolve(false)).listen(site.port, '::1', () => resolve(true));
	});
	return v6Open ? [v4, v6] : [v4];
}

/** Closes servers, cutting their open connections. @param {http.Server[]} servers */
async function closeAll(servers) {
	await Promise.all(
		servers.map(
			(server) =>
				new Promise((resolve) => {
					server.closeAllConnections?.();
					server.close(() => resolve(undefined));
				}),
		),
	);
}

module.exports = { openSite, closeAll };
