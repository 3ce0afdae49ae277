import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from './logger';

const ONE_OF_VIOLATION = [
  /^OneOf Input Object "\w+" must specify exactly one key\.$/,
  /^Field "\w+\.\w+" must be non-null\.$/,
];

/** Options of {@link createFormatError}. */
export interface FormatErrorOptions {
  /** Hide the message of unexpected errors (they may hold internals). */
  readonly production: boolean;
  readonly logger: Logger;
}

/**
 * The last step of every error: an `@oneOf` violation written as a literal is bad input like any
 * other (`BAD_USER_INPUT`, as for variables), and unexpected errors are logged and, in
 * production, masked.
 */
export function createFormatError({ production, logger }: FormatErrorOptions) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (
      code === 'GRAPHQL_VALIDATION_FAILED' &&
      ONE_OF_VIOLATION.some((pattern) => pattern.test(formatted.message))
    ) {
      return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
    }
    if (code === 'INTERNAL_SERVER_ERROR') {
      logger.error({ err: error }, 'unexpected error');
      if (production) {
        const { path, locations } = formatted;
        return { message: 'Internal server error', path, locations, extensions: { code } };
      }
    }
    return formatted;
  };
}
