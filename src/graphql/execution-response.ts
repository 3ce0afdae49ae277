import type { ServerResponse } from 'node:http';
import { type ExecutionResult, GraphQLError, type GraphQLFormattedError } from 'graphql';
import { endWithLength, JSON_CONTENT_TYPE } from '../utils/json-response';
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

/** What errors' `extensions.http` set on the response (Apollo's HTTPGraphQLHead), if anything. */
interface HttpHead {
  status?: number;
  headers?: Map<string, string>;
}

/** Apollo Server's answer to an operation that ran, as {@link executionResponse} makes it. */
export interface ExecutionResponse {
  /** Set by an error's `extensions.http`; else 200. */
  readonly status: number | undefined;
  /** Headers set by an error's `extensions.http`, in the order Apollo applies them. */
  readonly headers: ReadonlyMap<string, string> | undefined;
  /** The JSON body, with Apollo's field order and final newline. */
  readonly body: string;
}

/**
 * Apollo Server's answer to a JSON request whose operation ran (requestPipeline.js, then
 * runHttpQuery.js): each error normalized and passed to `formatError` as errorNormalize.js does,
 * an `extensions.http` taken out of the error and applied to the response; the request id in
 * each error, as this server's plugin adds it. {@link writeExecutionResponse} adds the headers
 * every answer carries.
 */
export function executionResponse(
  result: ExecutionResult,
  requestId: string,
  formatting: ErrorFormatting,
): ExecutionResponse {
  const head: HttpHead = {};
  const errors =
    result.errors &&
    withRequestId(
      result.errors.map((error) => formatted(error, formatting, head)),
      requestId,
    );
  return {
    status: head.status,
    headers: head.headers,
    body: `${JSON.stringify({ errors, data: result.data, extensions: result.extensions })}\n`,
  };
}

/**
 * Writes an {@link ExecutionResponse} as Apollo Server does: the headers errors set, then this
 * server's (the request id, `Cache-Control`), and the JSON content type unless an error set
 * another, however odd.
 */
export function writeExecutionResponse(
  res: ServerResponse,
  response: ExecutionResponse,
  requestId: string,
): void {
  res.statusCode = response.status ?? 200;
  if (response.headers !== undefined) {
    for (const [name, value] of response.headers) res.setHeader(name, value);
  }
  res.setHeader(REQUEST_ID_HEADER, requestId);
  res.setHeader('cache-control', GRAPHQL_CACHE_CONTROL);
  if (!response.headers?.get('content-type')) res.setHeader('content-type', JSON_CONTENT_TYPE);
  endWithLength(res, response.body);
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
    for (const [name, value] of extensions.http.headers ?? []) {
      head.headers ??= new Map();
      head.headers.set(name.toLowerCase(), value);
    }
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
