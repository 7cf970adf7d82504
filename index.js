'use strict';
// n8n loads the files listed in package.json's "n8n" section; this entry point exposes the same
// classes for anyone requiring the package directly.
module.exports = {
	Flux: require('./dist/nodes/Flux/Flux.node.js').Flux,
	BflApi: require('./dist/credentials/BflApi.credentials.js').BflApi,
};
