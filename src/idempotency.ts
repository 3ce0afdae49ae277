import { randomUUID } from 'node:crypto';
import {
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  type GraphQLResolveInfo,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import { BadUserInputError } from './errors';

const VISIBLE_ASCII = /^[\x21-\x7e]{1,255}$/;

/** Where a mutation field's Idempotency-Key comes from (CONTRACT.md §3). */
export interface IdempotencyKeySources {
  /** The field's `idempotencyKey` argument, if given. */
  readonly argument: string | null | undefined;
  /** The request's `Idempotency-Key` header, if sent. */
  readonly header: string | undefined;
}

/**
 * The key for one `createDocumentVerificationSession` field: its argument; else the header,
 * unchanged when the operation has one such field and `<header>:<response key>` when it has
 * several; else a fresh UUID v4. Throws `BAD_USER_INPUT` for a key that is not 1–255 visible
 * ASCII characters, before anything reaches the upstream.
 */
export function idempotencyKeyForField(
  info: GraphQLResolveInfo,
  { argument, header }: IdempotencyKeySources,
): string {
  if (argument !== null && argument !== undefined) {
    return checked(argument, 'The idempotencyKey argument');
  }
  if (header !== undefined) {
    checked(header, 'The Idempotency-Key header');
    const responseKeys = sessionFieldResponseKeys(info);
    if (responseKeys.size <= 1) return header;
    return checked(
      `${header}:${info.path.key}`,
      `The Idempotency-Key derived for field "${info.path.key}" (header + ":" + field alias)`,
    );
  }
  return randomUUID();
}

function checked(key: string, what: string): string {
  if (!VISIBLE_ASCII.test(key)) {
    throw new BadUserInputError(
      `${what} must be 1 to 255 visible ASCII characters (no spaces or control characters); got ${key.length} characters.`,
    );
  }
  return key;
}

const responseKeysByExecution = new WeakMap<object, Set<string>>();

/**
 * The distinct response keys (alias or name) of the operation's top-level fields that share the
 * current field's name, after fragments and @skip/@include. Memoised per execution: graphql-js
 * coerces a fresh variables object for each one, while the parsed document is shared by every
 * request that sends the same query.
 */
function sessionFieldResponseKeys(info: GraphQLResolveInfo): Set<string> {
  const cached = responseKeysByExecution.get(info.variableValues);
  if (cached) return cached;
  const keys = new Set<string>();
  const visit = (selectionSet: SelectionSetNode, seenFragments: Set<string>): void => {
    for (const selection of selectionSet.selections) {
      if (!isIncluded(selection, info.variableValues)) continue;
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === info.fieldName) {
          keys.add(selection.alias?.value ?? selection.name.value);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, seenFragments);
      } else if (!seenFragments.has(selection.name.value)) {
        seenFragments.add(selection.name.value);
        const fragment = info.fragments[selection.name.value];
        if (fragment) visit(fragment.selectionSet, seenFragments);
      }
    }
  };
  visit(info.operation.selectionSet, new Set());
  responseKeysByExecution.set(info.variableValues, keys);
  return keys;
}

function isIncluded(
  node: Parameters<typeof getDirectiveValues>[1],
  variables: GraphQLResolveInfo['variableValues'],
): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}
