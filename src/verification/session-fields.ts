import {
  type FragmentDefinitionNode,
  Kind,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

/** The mutation field that creates a session: each one is an upstream call. */
export const SESSION_FIELD = 'createDocumentVerificationSession';

/**
 * The distinct response keys (alias or name) of the {@link SESSION_FIELD} fields at the top of an
 * operation, through fragments (each read once), as they would execute. `isIncluded` applies
 * `@skip`/`@include` where variables are known.
 */
export function sessionFieldResponseKeys(
  selectionSet: SelectionSetNode,
  fragment: (name: string) => FragmentDefinitionNode | null | undefined,
  isIncluded: (selection: SelectionNode) => boolean = () => true,
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
