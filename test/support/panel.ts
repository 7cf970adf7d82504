/** What the editor's panel shows for a node description, through n8n's own NodeHelpers. */
import { NodeHelpers, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';

/**
 * The properties shown for these values, as the editor has them: the values set and the defaults
 * of the rest. A description whose name ends in `Tool` is seen as n8n's tool variant (`@tool`).
 */
export function visibleProperties(
	description: INodeTypeDescription,
	typeVersion: number,
	values: Record<string, unknown>,
): INodeProperties[] {
	const node = { typeVersion, parameters: values } as never;
	const withDefaults =
		NodeHelpers.getNodeParameters(
			description.properties,
			values as never,
			true,
			false,
			node,
			description,
		) ?? values;
	return description.properties.filter((property) =>
		NodeHelpers.displayParameter(withDefaults as never, property, { typeVersion }, description),
	);
}
