import { NodeOperationError, type ICredentialDataDecryptedObject, type INode } from 'n8n-workflow';

/** Where requests go: the credential's region (or custom base URL), and the finetune hosts. */

export const FINETUNE_HOSTS = {
	us1: 'https://api.us1.bfl.ai',
	eu1: 'https://api.eu1.bfl.ai',
} as const;

export type FinetuneRegion = 'auto' | keyof typeof FINETUNE_HOSTS;

function clean(node: INode, raw: string, field: string): string {
	const baseUrl = raw.trim().replace(/\/+$/, '').replace(/\/v1$/, '');
	if (!/^https?:\/\/[^/]+/i.test(baseUrl)) {
		throw new NodeOperationError(
			node,
			`The BFL credential's ${field} must start with http:// or https://; got "${raw}"`,
		);
	}
	return baseUrl;
}

export function apiBaseUrl(node: INode, credentials: ICredentialDataDecryptedObject): string {
	const region = String(credentials.region ?? 'https://api.bfl.ai');
	return clean(node, region === 'custom' ? String(credentials.baseUrl ?? '') : region, 'Base URL');
}

/**
 * The host a FLUX.1 finetune lives on. Auto: EU1 for the EU region, US1 otherwise; with a custom
 * base URL (a proxy, the emulator), the credential's Finetune Base URL, else the base URL itself.
 */
export function finetuneBaseUrl(
	node: INode,
	credentials: ICredentialDataDecryptedObject,
	choice: FinetuneRegion,
): string {
	if (choice !== 'auto') return FINETUNE_HOSTS[choice];
	const region = String(credentials.region ?? '');
	if (region === 'custom') {
		const custom = String(credentials.finetuneBaseUrl ?? '').trim();
		return custom ? clean(node, custom, 'Finetune Base URL') : apiBaseUrl(node, credentials);
	}
	return region.includes('.eu.') ? FINETUNE_HOSTS.eu1 : FINETUNE_HOSTS.us1;
}

/** Sends the BFL key only to the API's own hosts or to BFL's *.bfl.ai clusters. */
export function mayCarryKey(url: string, apiHosts: string[]): boolean {
	const target = new URL(url);
	if (apiHosts.some((host) => new URL(host).host === target.host)) return true;
	return (
		target.protocol === 'https:' &&
		(target.hostname === 'bfl.ai' || target.hostname.endsWith('.bfl.ai'))
	);
}
