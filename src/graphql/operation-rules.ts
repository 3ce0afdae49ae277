import type { ParseOptions, ValidationRule } from 'graphql';
import type { OperationLimits } from '../config';
import { limitParseOptions, limitValidationRules } from './limits';

/**
 * What a document must pass before it runs, built once per server for Apollo Server.
 */
export interface OperationRules {
  /** Longest query text, in UTF-8 bytes, checked before the text is parsed. */
  readonly maxQueryBytes: number;
  readonly parseOptions: ParseOptions;
  /** Validation rules besides graphql-js's specified rules. */
  readonly validationRules: readonly ValidationRule[];
  /**
   * Whether introspection is served. When it is not, Apollo Server adds a rule of its own that
   * refuses `__schema` and `__type` anywhere in the document, in any of its operations.
   */
  readonly introspection: boolean;
}

/** The rules of a server with these limits; introspection is off in production. */
export function operationRules(
  limits: OperationLimits,
  { production }: { readonly production: boolean },
): OperationRules {
  return Object.freeze({
    maxQueryBytes: limits.maxQueryBytes,
    parseOptions: limitParseOptions(limits),
    validationRules: Object.freeze(limitValidationRules(limits)),
    introspection: !production,
  });
}
