import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { OperationLimitError } from './limits';
import { type Logger, redactBearer } from '../logger';

/**
 * Input refusals by graphql-js that Apollo does not code as BAD_USER_INPUT: `@oneOf` violations
 * written as literals (validation), and a variable inside a literal that coerces to an invalid
 * value, e.g. a null id (execution, which Apollo would code as INTERNAL_SERVER_ERROR).
 * graphql-js 16 gives these errors no code of their own, so their messages are matched: remove
 * with graphql 17, whose errors can be told apart without their text.
 */
const INPUT_REFUSALS: Readonly<Record<string, readonly RegExp[]>> = {
  GRAPHQL_VALIDATION_FAILED: [
    /^OneOf Input Object "\w+" must specify exactly one key\.$/,
    /^Field "\w+\.\w+" must be non-null\.$/,
  ],
  INTERNAL_SERVER_ERROR: [/^Argument "\w+" has invalid value /],
  // graphql-js's own token limit (GRAPHQL_MAX_TOKENS).
  GRAPHQL_PARSE_FAILED: [/^Syntax Error: Document contains more th[ae][nt] \d+ tokens\./],
};

/**
 * graphql-js's own input refusals and operations over a limit are `BAD_USER_INPUT`, as for
 * variables; unexpected errors are logged and, in production, masked, since they may hold
 * internals (outside production, any bearer credential is blanked).
 */
export function createFormatError({ production, logger }: { production: boolean; logger: Logger }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    const refusals = typeof code === 'string' ? (INPUT_REFUSALS[code] ?? []) : [];
    if (
      refusals.some((pattern) => pattern.test(formatted.message)) ||
      (error instanceof GraphQLError && error.originalError instanceof OperationLimitError)
    ) {
      return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
    }
    if (code === 'INTERNAL_SERVER_ERROR') {
      logger.error({ err: error }, 'unexpected error');
      if (production) {
        const { path, locations } = formatted;
        return { message: 'Internal server error', path, locations, extensions: { code } };
      }
      const { stacktrace } = formatted.extensions ?? {};
      return {
        ...formatted,
        message: redactBearer(formatted.message),
        extensions: {
          ...formatted.extensions,
          ...(Array.isArray(stacktrace) && {
            stacktrace: stacktrace.map((line) => redactBearer(String(line))),
          }),
        },
      };
    }
    return formatted;
  };
}
