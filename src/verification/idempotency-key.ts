import { randomUUID } from 'node:crypto';
import { shouldIncludeNode } from '@graphql-tools/utils';
import type { GraphQLResolveInfo } from 'graphql';
import { BadUserInputError } from './errors';
import { sessionFieldResponseKeys } from './session-fields';

const VISIBLE_ASCII = /^[\x21-\x7e]{1,255}$/;

/**
 * The key for one `createDocumentVerificationSession` field (docs/contract.md): its argument; else
 * the `Idempotency-Key` header, unchanged when the operation has one such field and
 * `<header>:<response key>` when it has several; else a fresh UUID v4. Throws `BAD_USER_INPUT` for
 * a key that is not 1–255 visible ASCII characters, before anything reaches the upstream.
 */
export function idempotencyKeyForField(
  info: GraphQLResolveInfo,
  { argument, header }: { argument: string | null | undefined; header: string | undefined },
): string {
  if (argument !== null && argument !== undefined) {
    return checked(argument, 'The idempotencyKey argument');
  }
  if (header !== undefined) {
    checked(header, 'The Idempotency-Key header');
    // Computed for each field rather than kept: an operation has at most a handful, and nothing
    // per request may live outside its context.
    const responseKeys = sessionFieldResponseKeys(
      info.operation.selectionSet,
      (name) => info.fragments[name],
      (selection) => shouldIncludeNode(info.variableValues, selection),
    );
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
