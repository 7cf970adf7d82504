import { prompt, roundCredits, safetyTolerance, user, webhook } from './builders';
import type { ModelSpec } from './types';
import { MAX_VIDEO_SECONDS, VIDEO_SAFETY_MAX, videoInput } from './video';

/**
 * The video FLUX Tools: Video Upscale and Video Edit (bfl-api-2026.md §5.3–5.4). Each answers an
 * MP4; Video Edit takes no seed and no webhook.
 */
export const VIDEO_TOOL_MODELS: ModelSpec[] = [
	{
		id: 'video-upscale-v1',
		path: 'flux-tools/video-upscale-v1',
		displayName: 'FLUX Video Upscale',
		description: 'Upscale a clip 1.5× to 3×, keeping its audio (first 20 s)',
		resource: 'video',
		operations: ['upscale'],
		versions: [2],
		bucket: 'video',
		rejectsUnknownFields: true,
		// Credits per megapixel-second of output: 7 precise, 10 creative.
		price: ({ body, seconds, videoMp }) => {
			const factor = Number(body.upscale_factor ?? 2);
			const outputMp = (videoMp ?? (2560 * 1440) / (1024 * 1024)) * factor * factor;
			return roundCredits(
				(body.creativity === 0 ? 7 : 10) * outputMp * (seconds ?? MAX_VIDEO_SECONDS),
			);
		},
		fields: [
			// BFL upscales only the first 20 s (and rejects much longer clips): the node refuses anything
			// over 20 s rather than pay for a cut clip. Source ≤ 2560×1440, either orientation.
			videoInput('input_video', 'The video to upscale', {
				maxSeconds: 20,
				maxWidth: 2560,
				maxHeight: 1440,
			}),
			{
				api: 'upscale_factor',
				kind: 'number',
				min: 1.5,
				max: 3,
				default: 2,
				description: 'How much larger, 1.5 to 3',
			},
			{
				api: 'creativity',
				kind: 'options',
				values: [0, 1],
				labels: { '0': 'Precise (Faithful; Faces, Products)', '1': 'Creative (Invents Detail)' },
				default: 1,
				advanced: true,
				description: 'Precise stays faithful to the source; creative invents detail',
			},
			{ ...prompt(false, 'Optional: what the video shows, to steer the detail'), advanced: true },
			safetyTolerance(VIDEO_SAFETY_MAX),
			...webhook(),
		],
	},
	{
		id: 'video-edit-v1',
		path: 'flux-tools/video-edit-v1',
		displayName: 'FLUX Video Edit [fast]',
		description:
			'Change a clip with a prompt: add, remove or replace things, restyle (output 720p)',
		resource: 'video',
		operations: ['edit'],
		versions: [2],
		bucket: 'video',
		rejectsUnknownFields: true,
		outputSize: { shortSide: 720 },
		price: ({ seconds }) => roundCredits(3 * (seconds ?? 15)),
		fields: [
			videoInput('video', 'The video to edit', { maxSeconds: 15 }), // ≤ 15 s and ≤ 50 MiB [one source]
			prompt(true, 'The edit, e.g. "replace the red car with a blue bicycle"'),
			safetyTolerance(VIDEO_SAFETY_MAX),
			user(),
		],
	},
];
