import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import { type ExecutionResult, GraphQLError, type GraphQLFormattedError } from 'graphql';
import { JSON_CONTENT_TYPE } from '../utils/json-response';
import { GRAPHQL_CACHE_CONTROL } from './plugins/no-store';
import { REQUEST_ID_HEADER, withRequestId } from './plugins/request-id';

/**
 * How errors are formatted: the server's `formatError`, and whether stacks are shown. One value
 * is given both to Apollo Server and to the fast path.
 */
export interface ErrorFormatting {
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Adds each error's stack as `extensions.stacktrace` (outside production, as Apollo does). */
  readonly includeStacktrace: boolean;
}

/** What an error's `extensions.http` may set on the response (Apollo's HTTPGraphQLHead). */
interface HttpHead {
  status?: number;
  readonly headers: HeaderMap;
}

/**
 * Apollo Server's answer to a JSON request whose operation ran (requestPipeline.js, then
 * runHttpQuery.js): each error normalized and passed to `formatError` as errorNormalize.js does,
 * an `extensions.http` taken out of the error and applied to the response; then this server's
 * plugins (the request id, `Cache-Control`) and the content type; Apollo's field order and
 * final newline.
 */
export function executionResponse(
  result: ExecutionResult,
  requestId: string,
  formatting: ErrorFormatting,
): HTTPGraphQLResponse {
  const head: HttpHead = { status: undefined, headers: new HeaderMap() };
  const errors =
    result.errors &&
    withRequestId(
      result.errors.map((error) => formatted(error, formatting, head)),
      requestId,
    );
  head.headers.set(REQUEST_ID_HEADER, requestId);
  head.headers.set('cache-control', GRAPHQL_CACHE_CONTROL);
  // Apollo keeps a content type an error's `extensions.http` set, however odd.
  if (!head.headers.get('content-type')) head.headers.set('content-type', JSON_CONTENT_TYPE);
  return {
    status: head.status,
    headers: head.headers,
    body: {
      kind: 'complete',
      string: `${JSON.stringify({ errors, data: result.data, extensions: result.extensions })}\n`,
    },
  };
}

function formatted(
  error: GraphQLError,
  formatting: ErrorFormatting,
  head: HttpHead,
): GraphQLFormattedError {
  try {
    return formatting.formatError(enriched(error, formatting.includeStacktrace, head), error);
  } catch (formattingError) {
    // Apollo shows the formatting error itself where it shows stacks, else a fixed one.
    if (formatting.includeStacktrace) return enriched(formattingError, true, head);
    return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
}

/** Apollo's `enrichError`: the default code, `extensions.http` applied to the head, the stack. */
function enriched(
  maybeError: unknown,
  includeStacktrace: boolean,
  head: HttpHead,
): GraphQLFormattedError {
  const error = asGraphQLError(maybeError);
  const extensions: Record<string, unknown> = {
    ...error.extensions,
    code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR',
  };
  if (isPartialHttpHead(extensions.http)) {
    if (extensions.http.status) head.status = extensions.http.status;
    for (const [name, value] of extensions.http.headers ?? []) head.headers.set(name, value);
    delete extensions.http;
  }
  if (includeStacktrace) extensions.stacktrace = error.stack?.split('\n');
  return { ...error.toJSON(), extensions };
}

/** Apollo's `ensureGraphQLError`: anything thrown, as a GraphQLError. */
function asGraphQLError(maybeError: unknown): GraphQLError {
  if (!(maybeError instanceof Error)) {
    return new GraphQLError(`Unexpected error value: ${String(maybeError)}`);
  }
  if (maybeError instanceof GraphQLError) return maybeError;
  return new GraphQLError(maybeError.message, { originalError: maybeError });
}

function isPartialHttpHead(
  value: unknown,
): value is { readonly status?: number; readonly headers?: Map<string, string> } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (!('status' in value) || typeof value.status === 'number') &&
    (!('headers' in value) || value.headers instanceof Map)
  );
}
