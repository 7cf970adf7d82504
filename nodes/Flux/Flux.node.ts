import {
	VersionedNodeType,
	type INodeTypeBaseDescription,
	type IVersionedNodeType,
} from 'n8n-workflow';

import { FluxV1 } from './v1/FluxV1';
import { FluxV2 } from './v2/FluxV2';

/**
 * FLUX (Black Forest Labs). Version 2 (Resource → Operation → Model, BFL's 2026 catalogue) for new
 * nodes; version 1 keeps every workflow saved before it loading and running unchanged.
 */
export class Flux extends VersionedNodeType {
	constructor() {
		const baseDescription: INodeTypeBaseDescription = {
			displayName: 'FLUX (Black Forest Labs)',
			name: 'flux',
			icon: { light: 'file:../../icons/flux.svg', dark: 'file:../../icons/flux.dark.svg' },
			group: ['transform'],
			description:
				'Generate and edit images and videos with Black Forest Labs FLUX: FLUX 3, FLUX.2, Kontext and the FLUX Tools',
			defaultVersion: 2,
		};
		const nodeVersions: IVersionedNodeType['nodeVersions'] = {
			1: new FluxV1(baseDescription),
			2: new FluxV2(baseDescription),
		};
		super(nodeVersions, baseDescription);
	}
}
