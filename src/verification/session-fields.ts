import {
  type FragmentDefinitionNode,
  Kind,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

/** The mutation field that creates a session: each one is an upstream call. */
export const SESSION_FIELD = 'createDocumentVerificationSession';

/** How {@link sessionFieldResponseKeys} reads an operation. */
export interface SelectionReader {
  /** The fragment a spread names; null or undefined when the document has none of that name. */
  readonly fragment: (name: string) => FragmentDefinitionNode | null | undefined;
  /** Whether a selection takes part (e.g. after `@skip`/`@include`); all do when absent. */
  readonly isIncluded?: (selection: SelectionNode) => boolean;
}

/**
 * The distinct response keys (alias or name) of the {@link SESSION_FIELD} fields at the top of an
 * operation, through inline fragments and fragment spreads (each fragment read once), as they
 * would execute. The operation limits count them before any resolver runs; the idempotency keys
 * of several such fields are told apart by them.
 */
export function sessionFieldResponseKeys(
  selectionSet: SelectionSetNode,
  { fragment, isIncluded = () => true }: SelectionReader,
): Set<string> {
  const keys = new Set<string>();
  const readFragments = new Set<string>();
  const visit = (selections: SelectionSetNode): void => {
    for (const selection of selections.selections) {
      if (!isIncluded(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === SESSION_FIELD) {
          keys.add(selection.alias?.value ?? selection.name.value);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else if (!readFragments.has(selection.name.value)) {
        readFragments.add(selection.name.value);
        const definition = fragment(selection.name.value);
        if (definition !== null && definition !== undefined) visit(definition.selectionSet);
      }
    }
  };
  visit(selectionSet);
  return keys;
}
