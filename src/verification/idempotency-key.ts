import { randomUUID } from 'node:crypto';
import {
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  type GraphQLResolveInfo,
} from 'graphql';
import { BadUserInputError } from './errors';
import { sessionFieldResponseKeys } from './session-fields';

const VISIBLE_ASCII = /^[\x21-\x7e]{1,255}$/;

/** Where a mutation field's Idempotency-Key comes from (the contract, docs/contract.md). */
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
    const responseKeys = sessionFieldKeys(info);
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

/**
 * The operation's session fields, after @skip/@include. Computed for each field rather than kept:
 * an operation has at most a handful, and nothing per request may live outside its context.
 */
function sessionFieldKeys(info: GraphQLResolveInfo): Set<string> {
  return sessionFieldResponseKeys(info.operation.selectionSet, {
    fragment: (name) => info.fragments[name],
    isIncluded: (selection) => isIncluded(selection, info.variableValues),
  });
}

function isIncluded(
  node: Parameters<typeof getDirectiveValues>[1],
  variables: GraphQLResolveInfo['variableValues'],
): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}
