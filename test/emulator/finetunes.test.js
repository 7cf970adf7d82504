// @ts-check
'use strict';
/**
 * The FLUX.1 finetune hosts over real HTTP.
 */
const { useEmulator, call, submit, waitDone } = require('../support/emulator');

const emulator = useEmulator();

describe('finetune hosts', () => {
	test('my_finetunes and finetune_details live on us1 and eu1; the main host answers 404', async () => {
		expect((await call('/v1/my_finetunes', { base: emulator.us1Base })).json).toEqual({
			finetunes: ['ft-us-portrait-0001', 'ft-us-product-0002'],
		});
		expect((await call('/v1/my_finetunes', { base: emulator.eu1Base })).json).toEqual({
			finetunes: ['ft-eu-watercolor-0001'],
		});
		const details = await call('/v1/finetune_details?finetune_id=ft-us-portrait-0001', {
			base: emulator.us1Base,
		});
		expect(details.json.finetune_details).toMatchObject({
			mode: 'character',
			trigger_word: expect.any(String),
			iterations: 300,
			finetune_type: 'lora',
			created_at: expect.any(String),
		});
		const elsewhere = await call('/v1/finetune_details?finetune_id=ft-us-portrait-0001', {
			base: emulator.eu1Base,
		});
		expect(elsewhere).toMatchObject({ status: 404, json: { detail: 'Finetune not found' } });
		expect((await call('/v1/my_finetunes')).status).toBe(404);
		expect((await call('/v1/finetune_details?finetune_id=ft-us-portrait-0001')).status).toBe(404);
	});

	test('finetuned inference runs on the host of its finetune (polled and delivered there) and is refused elsewhere', async () => {
		const body = {
			finetune_id: 'ft-us-portrait-0001',
			prompt: 'ALXPRT smiling',
			aspect_ratio: '1:1',
		};
		const us1 = await submit('flux-pro-1.1-ultra-finetuned', body, emulator.us1Base);
		expect(us1.json.polling_url.startsWith(`${emulator.us1Base}/v1/get_result`)).toBe(true);
		const ready = await waitDone(us1.json.polling_url);
		expect(new URL(ready.result.sample).port).toBe(new URL(emulator.us1Base).port);
		expect((await call(ready.result.sample, { key: null })).status).toBe(200);
		for (const base of [emulator.eu1Base, emulator.apiBase]) {
			expect(await submit('flux-pro-1.1-ultra-finetuned', body, base)).toMatchObject({
				status: 404,
				json: { detail: 'Finetune not found' },
			});
		}
	});

	test('klein LoRA endpoints live on the main host and take any non-empty finetune_id', async () => {
		expect(
			(await submit('flux-2-klein-4b-finetuned', { prompt: 'x', finetune_id: 'my-org/my-lora' }))
				.status,
		).toBe(200);
		expect(
			(await submit('flux-2-klein-4b-finetuned', { prompt: 'x', finetune_id: '' })).json.detail[0],
		).toMatchObject({ loc: ['body', 'finetune_id'], type: 'missing' });
	});
});
