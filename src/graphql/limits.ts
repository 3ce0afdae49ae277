/**
 * Operation limits, checked before and while the operation is parsed and validated, so a refused
 * operation never reaches a resolver or the upstream. Depth and aliases use GraphQL Armor's rules,
 * tokens graphql-js's own parser limit; the count of session fields is this module's own rule.
 */
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  GraphQLError,
  type ParseOptions,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { HTTPGraphQLRequest } from '@apollo/server';
import type { OperationLimits } from '../config';
import { isJsonObject } from '../utils/json';
import { SESSION_FIELD, sessionFieldResponseKeys } from '../verification/session-fields';

/** An operation over one of the limits; `formatError` reports it as `BAD_USER_INPUT`. */
export class OperationLimitError extends GraphQLError {}

/**
 * The refusal of an HTTP GraphQL request with a query text (of any operation of a batch) longer
 * than `maxBytes` UTF-8 bytes. Checked before Apollo Server hashes, parses or caches the text: a
 * parsed document holds many times its text in memory, and the token limit does not count comments.
 */
export function queryTextRefusal(
  request: HTTPGraphQLRequest,
  maxBytes: number,
): OperationLimitError | undefined {
  const { body } = request;
  const queries =
    request.method === 'GET'
      ? [new URLSearchParams(request.search).get('query')]
      : (Array.isArray(body) ? body : [body]).map((operation: unknown) =>
          isJsonObject(operation) ? operation.query : undefined,
        );
  const tooLong = (query: unknown) => typeof query === 'string' && longerThan(query, maxBytes);
  if (!queries.some(tooLong)) return undefined;
  return new OperationLimitError(
    `The query text is longer than ${maxBytes} bytes: shorten it, or remove its comments (limit set by GRAPHQL_MAX_QUERY_BYTES).`,
    { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } },
  );
}

/** Whether `text` takes more than `maxBytes` bytes in UTF-8 (each UTF-16 unit takes 1 to 3). */
function longerThan(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  return text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes;
}

/** What a document must pass before it runs, built once per server for Apollo Server. */
export interface OperationRules {
  readonly maxQueryBytes: number;
  readonly parseOptions: ParseOptions;
  /** Besides graphql-js's specified rules. */
  readonly validationRules: readonly ValidationRule[];
  /** When off, Apollo Server refuses `__schema` and `__type` anywhere in the document. */
  readonly introspection: boolean;
}

export function operationRules(
  limits: OperationLimits,
  { production }: { readonly production: boolean },
): OperationRules {
  // Armor throws by default, which graphql-js would not catch: report instead, like any rule.
  const armorOptions = (variable: string) => ({
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(
          new OperationLimitError(
            `${error.message.replace(/^Syntax Error: /, '')} Simplify the operation (limit set by ${variable}).`,
          ),
        ),
    ],
  });
  return Object.freeze({
    maxQueryBytes: limits.maxQueryBytes,
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: Object.freeze([
      maxDepthRule({
        n: limits.maxDepth,
        // Sandbox's introspection query is deep; `__schema` is only served outside production.
        ignoreIntrospection: true,
        flattenFragments: true,
        ...armorOptions('GRAPHQL_MAX_DEPTH'),
      }),
      maxAliasesRule({ n: limits.maxAliases, ...armorOptions('GRAPHQL_MAX_ALIASES') }),
      sessionFieldsRule(limits.maxSessionFields),
    ]),
    introspection: !production,
  });
}

/** Counted by response key, through fragments, as they would execute. */
function sessionFieldsRule(max: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const responseKeys = sessionFieldResponseKeys(operation.selectionSet, (name) =>
        context.getFragment(name),
      );
      if (responseKeys.size > max) {
        context.reportError(
          new OperationLimitError(
            `An operation may create at most ${max} document verification sessions, found ${responseKeys.size} ${SESSION_FIELD} fields: split it into several operations (limit set by GRAPHQL_MAX_SESSION_FIELDS).`,
            { nodes: operation },
          ),
        );
      }
    },
  });
}
