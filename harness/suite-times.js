// @ts-check
'use strict';
/**
 * How long each end-to-end suite took and whether it passed, printed after the run: where a slow
 * `npm test` spends its time, at a glance. harness/e2e.js feeds it the runner's events beside the
 * TAP reporter, which prints everything else; scripts/test.js joins the times of its two runs.
 */
class SuiteTimes {
	/** @param {Array<{ name: string, seconds: number, passed: boolean }>} [suites] times recorded before */
	constructor(suites = []) {
		this.suites = [...suites];
	}

	/** @param {{ nesting: number, name: string, details: { duration_ms: number } }} data @param {boolean} passed */
	record(data, passed) {
		if (data.nesting === 0) this.suites.push({ name: data.name, seconds: data.details.duration_ms / 1000, passed });
	}

	get failed() {
		return this.suites.some((suite) => !suite.passed);
	}

	summary() {
		const total = this.suites.reduce((sum, suite) => sum + suite.seconds, 0);
		const lines = ['', '# end-to-end suites, by time taken'];
		for (const suite of [...this.suites].sort((a, b) => b.seconds - a.seconds)) {
			lines.push(`# ${suite.seconds.toFixed(1).padStart(7)} s  ${suite.passed ? 'ok  ' : 'FAIL'}  ${suite.name}`);
		}
		lines.push(`# ${total.toFixed(1).padStart(7)} s  in all (${this.suites.length} suites)`);
		return lines.join('\n');
	}
}

module.exports = { SuiteTimes };
