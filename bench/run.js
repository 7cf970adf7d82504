#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * `npm run bench`: throughput, detection latency and memory of the FLUX node inside a real n8n
 * (1.123 by default; N8N_MAJOR=2 for 2.x) against the emulator. One line per figure.
 *
 * 1. 48 items, 3 s generation, emulator limit 24: the node's wall time against the bound
 *    ceil(48/24) × 3 s = 6 s (target ratio ≤ 1.3), and the same run one item at a time
 *    (what a hand-built HTTP/Wait/IF loop does). BENCH_BASELINE_ITEMS shortens the baseline
 *    (it is then scaled to 48 items and marked as an estimate).
 * 2. Detection latency, Ready to noticed and Ready to downloaded (target median ≤ 0.5 s), and polls per task.
 * 3. 100 items returning 4 MB images in n8n's filesystem binary mode: peak memory of the n8n
 *    process, and its growth over a 1-item run of the same workflow.
 */
const { spawnSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const { createInstance, nodeOutput, FLUX_NODE_TYPE } = require('../e2e/n8n');
const { CREDENTIAL, codeNode, node, workflow } = require('../e2e/workflows');

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function percentile(values, p) {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Manual Trigger → `count` items → FLUX (klein 4B) with these parameters. */
function benchWorkflow(id, count, fluxParameters) {
	const items = Array.from({ length: count }, (_, i) => ({ i }));
	return workflow(id, [
		codeNode('Items', items),
		node('FLUX', FLUX_NODE_TYPE, { operation: 'generate', model: 'flux-2-klein-4b', ...fluxParameters }),
	]);
}

/** Peak resident memory (VmHWM) of a process and its children, sampled until it exits. */
function watchPeakMemory() {
	let peakKb = 0;
	const sample = () => {
		const pids = spawnSync('pgrep', ['-f', 'n8n/bin/n8n execute'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
		for (const pid of pids) {
			try {
				const status = readFileSync(`/proc/${pid}/status`, 'utf8');
				const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
				peakKb = Math.max(peakKb, kb);
			} catch {
				// the process ended between pgrep and the read
			}
		}
	};
	const timer = setInterval(sample, 50);
	return () => {
		clearInterval(timer);
		sample();
		return peakKb / 1024;
	};
}

async function main() {
	const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
	if (build.status !== 0) throw new Error('npm run build failed');
	const { startEmulator } = require('../emulator/server');

	const major = /** @type {1 | 2} */ (Number(process.env.N8N_MAJOR ?? 1));
	const emulator = await startEmulator({ generationMs: 3000, activeTaskLimit: 24 });
	const n8n = createInstance({ major });
	const fsN8n = createInstance({ major, env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' } });
	const line = (name, value) => console.log(`${name}: ${value}`);
	try {
		const credential = [{ ...CREDENTIAL, type: 'bflApi', data: { apiKey: 'bfl_bench_placeholder', region: 'custom', baseUrl: emulator.apiBase } }];
		const small = { prompt: '=bench image {{ $json.i }}', width: 256, height: 192, modelOptions: { outputFormat: 'jpeg' } };
		const baselineItems = Number(process.env.BENCH_BASELINE_ITEMS ?? 48);
		const noise = { prompt: '=memory bench {{ $json.i }} [[noise]]', width: 1152, height: 1152, modelOptions: { outputFormat: 'png' } };
		await n8n.importCredentials(credential);
		await n8n.importWorkflow(benchWorkflow('benchConcurrent', 48, small));
		await n8n.importWorkflow(benchWorkflow('benchSequential', baselineItems, { ...small, options: { maxConcurrentTasks: 1 } }));
		await fsN8n.importCredentials(credential);
		await fsN8n.importWorkflow(benchWorkflow('benchMemory1000', 100, noise));
		await fsN8n.importWorkflow(benchWorkflow('benchMemory0001', 1, noise));
		await fsN8n.importWorkflow(benchWorkflow('benchMemoryJson', 100, { ...noise, options: { downloadImage: false } }));
		await fsN8n.importWorkflow(benchWorkflow('benchMemory0050', 50, noise));
		console.log(`n8n ${n8n.version}, emulator generation 3 s, limit 24 active tasks\n`);

		// 1. Throughput
		emulator.reset();
		const concurrent = await n8n.execute('benchConcurrent');
		const concurrentItems = nodeOutput(concurrent.run, 'FLUX');
		const failed = concurrentItems.filter((item) => item.json.error).length;
		const wallSeconds = concurrent.run.data.resultData.runData.FLUX[0].executionTime / 1000;
		const bound = Math.ceil(48 / 24) * 3;
		line('48 items concurrent: wall time', `${wallSeconds.toFixed(2)} s (${concurrentItems.length - failed} images, ${failed} failed)`);
		line('48 items concurrent: ratio to bound ceil(48/24) × 3 s = 6 s', `${(wallSeconds / bound).toFixed(2)} (target ≤ 1.3)`);
		line('429 answers during the concurrent run', emulator.ledger.filter((entry) => entry.status === 429).length);

		// 2. Detection latency and polls, from the emulator's ledger of the same run
		const tasks = new Map([...emulator.tasks.values()].map((task) => [task.id, task]));
		const noticed = [];
		const downloaded = [];
		const polls = new Map();
		for (const entry of emulator.ledger) {
			const task = tasks.get(entry.taskId);
			if (!task) continue;
			if (entry.path === '/v1/get_result') {
				polls.set(task.id, (polls.get(task.id) ?? 0) + 1);
				if (entry.answer === 'Ready' && !task.noticedAt) task.noticedAt = entry.time;
			}
			if (entry.path.startsWith('/results/') && entry.status === 200) task.downloadedAt ??= entry.time;
		}
		for (const task of tasks.values()) {
			if (task.noticedAt) noticed.push((task.noticedAt - task.readyAt) / 1000);
			if (task.downloadedAt) downloaded.push((task.downloadedAt - task.readyAt) / 1000);
		}
		line('detection latency, Ready to noticed: median', `${median(noticed).toFixed(3)} s (p90 ${percentile(noticed, 90).toFixed(3)} s, target median ≤ 0.5 s)`);
		line('detection latency, Ready to download started: median', `${median(downloaded).toFixed(3)} s (p90 ${percentile(downloaded, 90).toFixed(3)} s)`);
		line('polls per task', `median ${median([...polls.values()])}, max ${Math.max(...polls.values())} (3 s generation)`);

		// 1b. Baseline: one item at a time
		emulator.reset();
		const sequential = await n8n.execute('benchSequential');
		const sequentialSeconds = sequential.run.data.resultData.runData.FLUX[0].executionTime / 1000;
		const scaled = (sequentialSeconds * 48) / baselineItems;
		line(
			`48 items one at a time (baseline${baselineItems === 48 ? '' : `, ${baselineItems} items scaled to 48: estimate`})`,
			`${scaled.toFixed(2)} s, ${(scaled / wallSeconds).toFixed(1)}× slower than concurrent`,
		);

		// 3. Memory, filesystem binary mode
		emulator.reset();
		emulator.config.generationMs = 1000;
		let stop = watchPeakMemory();
		const one = await fsN8n.execute('benchMemory0001');
		const onePeak = stop();
		const imageMb = nodeOutput(one.run, 'FLUX')[0].json.fileSize / 1024 / 1024;
		stop = watchPeakMemory();
		await fsN8n.execute('benchMemoryJson');
		const jsonPeak = stop();
		stop = watchPeakMemory();
		await fsN8n.execute('benchMemory0050');
		const fiftyPeak = stop();
		stop = watchPeakMemory();
		const hundred = await fsN8n.execute('benchMemory1000');
		const hundredPeak = stop();
		const hundredItems = nodeOutput(hundred.run, 'FLUX');
		const stored = hundredItems.filter((item) => String(item.binary?.data?.id ?? '').startsWith('filesystem')).length;
		line('image size', `${imageMb.toFixed(2)} MB (PNG ${1152}×${1152}, incompressible)`);
		line('100 items × 4 MB, filesystem mode: peak RSS of n8n', `${hundredPeak.toFixed(0)} MB (${stored} images stored on disk)`);
		line('1 item, same workflow: peak RSS of n8n', `${onePeak.toFixed(0)} MB`);
		line('100 items, Download Image off (no image bytes): peak RSS of n8n', `${jsonPeak.toFixed(0)} MB`);
		const growth = hundredPeak - jsonPeak;
		line(
			'memory growth from downloading the 100 images',
			`${growth.toFixed(0)} MB = ${(growth / imageMb).toFixed(1)} images' worth (holding all 100 would take ${(100 * imageMb).toFixed(0)} MB)`,
		);
		line('50 items, same workflow: peak RSS of n8n', `${fiftyPeak.toFixed(0)} MB`);
		line('growth over the 1-item run', `${(hundredPeak - onePeak).toFixed(0)} MB = ${((hundredPeak - onePeak) / imageMb).toFixed(1)} images' worth`);
	} finally {
		n8n.cleanup();
		fsN8n.cleanup();
		await emulator.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
