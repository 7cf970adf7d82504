import type { IBinaryData, IDataObject } from 'n8n-workflow';

import { binaryHead, describeDownload } from '../media/binary';
import type { Deadline, RunControl } from '../transport/clock';
import { downloadResult, extensionOf, type DownloadContext } from '../transport/download';
import { taskError } from '../transport/errors';

/**
 * A result URL → binary data whose name and type come from its bytes, and what they tell (size,
 * length), for the FLUX node and the FLUX Trigger alike.
 */
export async function storeResult(
	ctx: DownloadContext,
	url: string,
	fileBaseName: string,
	deadline: Deadline,
	control: RunControl,
): Promise<{ binary: IBinaryData; described: IDataObject }> {
	const binary = await downloadResult(ctx, url, fileBaseName, deadline, control);
	const described = describeDownload(binary, await binaryHead(ctx.context, binary), fileBaseName);
	if (!described) {
		throw taskError(
			ctx,
			`The result URL did not return an image or video (${binary.mimeType}, ${binary.fileSize})`,
		);
	}
	if (!binary.fileExtension) binary.fileExtension = extensionOf(binary.mimeType);
	return { binary, described };
}

/** The base of a Ready item whose task this node did not submit (a FLUX Trigger callback): what is unknown is null. */
export function unsubmittedJson(taskId: string | undefined): IDataObject {
	return {
		taskId: taskId ?? null,
		model: null,
		operation: null,
		cost: null,
		inputMp: null,
		outputMp: null,
	};
}
