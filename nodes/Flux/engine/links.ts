import type { IBinaryData, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { storeProbe, type SigningHelpers } from '../transport/download';

/**
 * Links that outlive BFL's (10 minutes for images) for an AI agent, which cannot receive binary
 * data: the result kept in n8n's binary store and served by the user's own n8n through a signed
 * URL (`helpers.createBinarySignedUrl`, n8n-core 1.x and 2.x). That needs a binary data mode that
 * keeps files (filesystem, database or S3: memory mode has no id to sign) and n8n's public URL
 * (WEBHOOK_URL) for anyone outside the machine. Where it cannot work, the agent gets BFL's link
 * and its expiry, as before.
 */

/** How long a signed link is valid; the file itself lasts as long as n8n keeps the execution's data. */
export const LASTING_LINK_HOURS = 24;

/**
 * Whether results can get lasting links at all: a file kept and a link signed with n8n's URL,
 * tried once on a probe, so that nothing is downloaded for a link n8n could not give.
 */
export async function servesLastingLinks(context: IExecuteFunctions): Promise<boolean> {
	if (typeof (context.helpers as SigningHelpers).createBinarySignedUrl !== 'function') return false;
	const probe = await storeProbe(context);
	return probe !== undefined && lastingLink(context, probe) !== undefined;
}

/** A signed link to a stored result, or nothing when n8n cannot sign one. */
export function lastingLink(
	context: IExecuteFunctions,
	binary: IBinaryData,
): IDataObject | undefined {
	const sign = (context.helpers as SigningHelpers).createBinarySignedUrl;
	if (!binary.id || typeof sign !== 'function') return undefined;
	try {
		const url = sign.call(context.helpers, binary, `${LASTING_LINK_HOURS}h`);
		if (!/^https?:\/\//i.test(url)) return undefined; // no base URL known to n8n
		return {
			lastingUrl: url,
			lastingUrlExpiresAt: new Date(Date.now() + LASTING_LINK_HOURS * 3_600_000).toISOString(),
		};
	} catch {
		return undefined;
	}
}
