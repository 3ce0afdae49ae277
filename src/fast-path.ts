import type { IncomingMessage, ServerResponse } from 'node:http';
import { execute, type GraphQLSchema } from 'graphql';
import type { Context, ContextArgs } from './context';
import { type ErrorFormatting, executionResultBody } from './graphql-response';
import { endWithLength, JSON_CONTENT_TYPE } from './http';
import { GRAPHQL_CACHE_CONTROL } from './plugins/no-store';
import { REQUEST_ID_HEADER } from './plugins/request-id';
import type { PreparedMutations } from './prepared-mutations';

/** Options of {@link createFastPath}. */
export interface FastPathOptions {
  /** The schema Apollo Server serves (the same instance). */
  readonly schema: GraphQLSchema;
  readonly mutations: PreparedMutations;
  readonly context: (args: ContextArgs) => Promise<Context>;
  readonly errors: ErrorFormatting;
}

/** Serves one request, or resolves false (having sent nothing) when Apollo Server must. */
export type FastPath = (
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  callerGone: AbortSignal,
) => Promise<boolean>;

/** A POST body the fast path serves: no `extensions` (persisted queries), no batch. */
interface PlainRequest {
  readonly query: string;
  readonly variables: Record<string, unknown> | undefined;
  readonly operationName: string | undefined;
}

/** Asks the subgraph for a federated trace, which only Apollo Server's pipeline records. */
const TRACE_HEADER = 'apollo-federation-include-trace';

/** Accept values answered with `application/json`, as Apollo Server would. */
const PLAIN_ACCEPT = new Set(['*/*', 'application/json']);

/**
 * The hot path of the mutation: a JSON POST of an already validated mutation document (see
 * {@link PreparedMutations}) is executed by graphql-js against Apollo Server's own schema and
 * context, and answered exactly as Apollo Server answers it — body, errors, `formatError`,
 * request id, `Cache-Control` — without the per-request work of Apollo's plugin pipeline, which
 * cost about a quarter of the gateway's CPU (README, Performance). Everything else is left to
 * Apollo Server: queries, GET, batches, `extensions`, other Accept values, trace requests, and
 * variables graphql-js refuses (it refuses them before any resolver runs).
 */
export function createFastPath({ schema, mutations, context, errors }: FastPathOptions): FastPath {
  return async (req, res, body, callerGone) => {
    const request = plainRequest(req, body);
    if (request === undefined) return false;
    const document = mutations.get(request.query, request.operationName);
    if (document === undefined) return false;
    const contextValue = await context({ req, callerGone });
    const result = await execute({
      schema,
      document,
      contextValue,
      variableValues: request.variables,
      operationName: request.operationName,
    });
    if (!('data' in result)) return false;
    res.statusCode = 200;
    res.setHeader(REQUEST_ID_HEADER, contextValue.requestId);
    res.setHeader('cache-control', GRAPHQL_CACHE_CONTROL);
    res.setHeader('content-type', JSON_CONTENT_TYPE);
    endWithLength(res, executionResultBody(result, contextValue.requestId, errors));
    return true;
  };
}

function plainRequest(req: IncomingMessage, body: unknown): PlainRequest | undefined {
  const { accept } = req.headers;
  if (req.headers[TRACE_HEADER] !== undefined) return undefined;
  if (accept !== undefined && !PLAIN_ACCEPT.has(accept.trim().toLowerCase())) return undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { query, variables, operationName, ...others } = body as Record<string, unknown>;
  if (typeof query !== 'string' || Object.keys(others).length > 0) return undefined;
  if (!(variables === undefined || variables === null || isRecord(variables))) return undefined;
  if (!(
    operationName === undefined ||
    operationName === null ||
    typeof operationName === 'string'
  )) {
    return undefined;
  }
  return {
    query,
    variables: variables ?? undefined,
    operationName: operationName ?? undefined,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
