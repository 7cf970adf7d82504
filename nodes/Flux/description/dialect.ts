import type { ModelSpec, Operation, OperationSpec, Resource } from '../models';

/**
 * What the node's versions show differently, as named choices. v1/ and v2/ each define one;
 * nothing below them compares version numbers.
 */
export interface DescriptionDialect {
	/** The operations that run a model. */
	operations: OperationSpec[];
	/** The models offered for one operation. */
	modelsFor: (resource: Resource, operation: Operation) => ModelSpec[];
	/** Whether the panel shows a Model selector for these models. */
	modelSelector: (models: ModelSpec[]) => boolean;
	/** Whether fields are shown per resource (version 2's Resource → Operation). */
	scopeByResource: boolean;
	/** API fields the node fills in itself and never shows. */
	managedFields: ReadonlySet<string>;
	/** Whether main-panel fields carry their hints. */
	fieldHints: boolean;
	/** Whether Finetune ID is a list to pick from (a resource locator) rather than text. */
	finetuneLocator: boolean;
	/** Whether the tool variant's fields default to what an AI agent fills in ($fromAI). */
	toolVariants: boolean;
	/** Whether models that take a width and a height offer Size presets beside them. */
	sizePresets: boolean;
}
