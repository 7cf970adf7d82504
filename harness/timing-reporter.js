// @ts-check
'use strict';
/**
 * A node:test reporter that prints, after the run, how long each end-to-end suite took and whether
 * it passed: where a slow `npm test` spends its time, at a glance. The TAP reporter beside it prints
 * everything else (package.json's test:e2e).
 * @param {AsyncIterable<{ type: string, data: any }>} source
 */
module.exports = async function* timingReporter(source) {
	/** @type {Array<{ name: string, seconds: number, passed: boolean }>} */
	const suites = [];
	for await (const event of source) {
		if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0) {
			suites.push({ name: event.data.name, seconds: event.data.details.duration_ms / 1000, passed: event.type === 'test:pass' });
		}
	}
	const total = suites.reduce((sum, suite) => sum + suite.seconds, 0);
	yield '\n# end-to-end suites, by time taken\n';
	for (const suite of [...suites].sort((a, b) => b.seconds - a.seconds)) {
		yield `# ${suite.seconds.toFixed(1).padStart(7)} s  ${suite.passed ? 'ok  ' : 'FAIL'}  ${suite.name}\n`;
	}
	yield `# ${total.toFixed(1).padStart(7)} s  in all (${suites.length} suites)\n`;
};
