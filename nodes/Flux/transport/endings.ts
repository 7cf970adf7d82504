import { moderationReasons, moderationStage, type TaskFailure } from './answers';
import type { ApiErrorContext } from './caller';
import { taskError } from './errors';

/**
 * How a task that ended without a result is told: moderation (which stage, BFL's reasons, what to
 * change; not charged), BFL's own failure, or a task BFL does not know.
 */

/** What the messages name: what the task makes, and the Safety Tolerance it was sent with. */
export interface TaskNouns {
	noun?: string;
	safetyTolerance?: number;
	maxSafetyTolerance?: number;
}

export function terminalError(
	ctx: ApiErrorContext,
	status: string,
	details: unknown,
	input: TaskNouns,
): TaskFailure {
	const stage = moderationStage(status);
	if (stage) return moderationError(ctx, status, stage, moderationReasons(details), input);
	const detail =
		details && typeof details === 'object' ? ` ${JSON.stringify(details).slice(0, 300)}` : '';
	const error: TaskFailure =
		status === 'Task not found'
			? taskError(
					ctx,
					'BFL does not know this task (Task not found)',
					'It may have expired, or live on another BFL cluster: use its polling URL.',
				)
			: taskError(ctx, `BFL could not generate the ${input.noun ?? 'result'} (${status})${detail}`);
	error.taskStatus = status;
	return error;
}

function moderationError(
	ctx: ApiErrorContext,
	status: string,
	stage: 'request' | 'content',
	reasons: string[],
	input: TaskNouns,
): TaskFailure {
	const what =
		stage === 'request' ? 'the prompt or input image' : `the generated ${input.noun ?? 'result'}`;
	const tolerance =
		input.safetyTolerance !== undefined && input.maxSafetyTolerance !== undefined
			? `Safety Tolerance was ${input.safetyTolerance}; this model allows up to ${input.maxSafetyTolerance}, and a higher value is less strict.`
			: 'A higher Safety Tolerance (Model Options) is less strict.';
	const error: TaskFailure = taskError(
		ctx,
		`BFL moderation blocked ${what} (${status})${reasons.length ? `: ${reasons.join(', ')}` : ''}`,
		`Moderated tasks are not charged. ${tolerance} Or rephrase the prompt.`,
	);
	error.moderation = { status, stage, reasons, hint: `${tolerance} Or rephrase the prompt.` };
	error.taskStatus = status;
	return error;
}
