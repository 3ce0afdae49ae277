import type { ExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';
import { withRequestId } from './plugins/request-id';

/** How errors are formatted: the server's `formatError`, and whether stacks are shown. */
export interface ErrorFormatting {
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Adds each error's stack as `extensions.stacktrace` (outside production, as Apollo does). */
  readonly includeStacktrace: boolean;
}

/**
 * The body Apollo Server sends for an execution result: each error normalized as Apollo does
 * (`extensions.code` defaults to `INTERNAL_SERVER_ERROR`, the stack outside production), then
 * `formatError`, then the request id (as the request-id plugin adds it); fields in Apollo's order,
 * and its final newline.
 */
export function executionResultBody(
  result: ExecutionResult,
  requestId: string,
  formatting: ErrorFormatting,
): string {
  const errors =
    result.errors &&
    withRequestId(
      result.errors.map((error) => formatted(error, formatting)),
      requestId,
    );
  return `${JSON.stringify({ errors, data: result.data, extensions: result.extensions })}\n`;
}

function formatted(error: GraphQLError, formatting: ErrorFormatting): GraphQLFormattedError {
  try {
    return formatting.formatError(normalized(error, formatting.includeStacktrace), error);
  } catch {
    // What Apollo Server answers when formatError itself fails.
    return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
}

function normalized(error: GraphQLError, includeStacktrace: boolean): GraphQLFormattedError {
  const extensions: Record<string, unknown> = {
    ...error.extensions,
    code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR',
  };
  if (includeStacktrace) extensions.stacktrace = error.stack?.split('\n');
  return { ...error.toJSON(), extensions };
}
