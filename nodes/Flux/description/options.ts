import type { IDataObject, INodeProperties } from 'n8n-workflow';

/** The default of each entry of an Options collection, for options the node's parameters leave out. */
export function optionDefaults(collection: INodeProperties): IDataObject {
	return Object.fromEntries(
		(collection.options ?? []).map((option) => [
			option.name,
			'default' in option ? option.default : undefined,
		]),
	) as IDataObject;
}
