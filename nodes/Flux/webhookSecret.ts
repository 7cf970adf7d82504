import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

/** The webhook secret shared by the FLUX node (sends it) and the FLUX Trigger (checks it). */

export const MIN_SECRET_LENGTH = 16;

/** The credential's Test button: nothing to call, only the secret's length to check. */
export async function webhookSecretTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const secret = String(credential.data?.secret ?? '');
	return secret.length >= MIN_SECRET_LENGTH
		? { status: 'OK', message: 'The secret is long enough' }
		: { status: 'Error', message: `Use a secret of at least ${MIN_SECRET_LENGTH} characters` };
}

/** Equal strings, compared in time that depends only on the expected secret's length. */
export function sameSecret(given: string, expected: string): boolean {
	const a = Buffer.from(given, 'utf8');
	const b = Buffer.from(expected, 'utf8');
	let difference = a.length ^ b.length;
	for (let index = 0; index < b.length; index++) difference |= (a.length ? a[index % a.length] : 0) ^ b[index];
	return difference === 0 && b.length > 0;
}
