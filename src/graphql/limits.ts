/**
 * Operation limits, checked while the operation is parsed and validated, so a refused operation
 * never reaches a resolver or the upstream. Depth and aliases use GraphQL Armor's rules, tokens
 * graphql-js's own parser limit; the count of session fields is this module's own rule.
 */
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  GraphQLError,
  type ParseOptions,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { OperationLimits } from '../config';
import { SESSION_FIELD, sessionFieldResponseKeys } from '../verification/session-fields';

/** An operation over one of the limits; `formatError` reports it as `BAD_USER_INPUT`. */
export class OperationLimitError extends GraphQLError {}

/** Parser options of Apollo Server: the token limit. */
export function limitParseOptions(limits: OperationLimits): ParseOptions {
  return { maxTokens: limits.maxTokens };
}

/** Validation rules of Apollo Server: depth, aliases and session fields. */
export function limitValidationRules(limits: OperationLimits): ValidationRule[] {
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
  return [
    maxDepthRule({
      n: limits.maxDepth,
      // Sandbox's introspection query is deep; `__schema` is only served outside production.
      ignoreIntrospection: true,
      flattenFragments: true,
      ...armorOptions('GRAPHQL_MAX_DEPTH'),
    }),
    maxAliasesRule({ n: limits.maxAliases, ...armorOptions('GRAPHQL_MAX_ALIASES') }),
    sessionFieldsRule(limits.maxSessionFields),
  ];
}

/**
 * At most `max` `createDocumentVerificationSession` fields per operation, counted by response
 * key (alias or name) through inline fragments and fragment spreads, as they would execute.
 */
export function sessionFieldsRule(max: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const responseKeys = sessionFieldResponseKeys(operation.selectionSet, {
        fragment: (name) => context.getFragment(name),
      });
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
