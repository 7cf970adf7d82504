/** The webhook secret of the BFL credential: the FLUX node sends it, the FLUX Trigger checks it. */

export const MIN_SECRET_LENGTH = 16;

/** Equal strings, compared in time that depends only on the expected secret's length. */
export function sameSecret(given: string, expected: string): boolean {
	const a = Buffer.from(given, 'utf8');
	const b = Buffer.from(expected, 'utf8');
	let difference = a.length ^ b.length;
	for (let index = 0; index < b.length; index++) difference |= (a.length ? a[index % a.length] : 0) ^ b[index];
	return difference === 0 && b.length > 0;
}
