import type { IncomingMessage, ServerResponse } from 'node:http';
import { execute, type GraphQLSchema } from 'graphql';
import Negotiator from 'negotiator';
import type { Context, ContextArgs } from './context';
import { type ErrorFormatting, executionResultBody } from './graphql-response';
import { endWithLength, JSON_CONTENT_TYPE } from './http';
import { isJsonObject } from './json-object';
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

/** A POST body the fast path serves: no batch, no `extensions` beyond an empty object. */
interface PlainRequest {
  readonly query: string;
  readonly variables: Record<string, unknown> | undefined;
  readonly operationName: string | undefined;
}

/** Asks the subgraph for a federated trace, which only Apollo Server's pipeline records. */
const TRACE_HEADER = 'apollo-federation-include-trace';

/** The types Apollo Server chooses from for a single result, in its order (ApolloServer.ts). */
const SINGLE_RESULT_TYPES = [
  JSON_CONTENT_TYPE,
  'application/graphql-response+json; charset=utf-8',
  'application/json; callbackSpec=1.0; charset=utf-8',
];

/** Distinct Accept values whose decision is remembered; clients send very few. */
const MAX_ACCEPT_VALUES = 100;

/**
 * The hot path of the mutation: a JSON POST of an already validated mutation document (see
 * {@link PreparedMutations}) is executed by graphql-js against Apollo Server's own schema and
 * context, and answered exactly as Apollo Server answers it — body, errors, `formatError`,
 * request id, `Cache-Control` — without the per-request work of Apollo's plugin pipeline, which
 * cost about a quarter of the gateway's CPU (README, Performance). Everything else is left to
 * Apollo Server: queries, GET, batches, non-empty `extensions` (persisted queries), an Accept
 * that Apollo would answer with
 * another type, trace requests, and variables graphql-js refuses (it refuses them before any
 * resolver runs).
 */
export function createFastPath({ schema, mutations, context, errors }: FastPathOptions): FastPath {
  const acceptsJson = plainJsonDecisions();
  return async (req, res, body, callerGone) => {
    const request = acceptsJson(req.headers.accept) ? plainRequest(req, body) : undefined;
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

/**
 * Whether Apollo Server would answer an Accept value with `application/json`: negotiated as Apollo
 * negotiates it (Apollo Router's `application/json, application/graphql-response+json` is), once
 * per distinct value.
 */
function plainJsonDecisions(): (accept: string | undefined) => boolean {
  const decisions = new Map<string, boolean>();
  return (accept) => {
    if (accept === undefined || accept === '') return true;
    let decision = decisions.get(accept);
    if (decision === undefined) {
      const preferred = new Negotiator({ headers: { accept } }).mediaType(SINGLE_RESULT_TYPES);
      decision = preferred === JSON_CONTENT_TYPE;
      if (decisions.size < MAX_ACCEPT_VALUES) decisions.set(accept, decision);
    }
    return decision;
  };
}

function plainRequest(req: IncomingMessage, body: unknown): PlainRequest | undefined {
  if (req.headers[TRACE_HEADER] !== undefined || !isJsonObject(body)) return undefined;
  const { query, variables, operationName, extensions, ...others } = body;
  if (typeof query !== 'string' || Object.keys(others).length > 0) return undefined;
  if (
    !absentOr(variables, isJsonObject) ||
    !absentOr(operationName, isString) ||
    !absentOr(extensions, isEmptyRecord)
  ) {
    return undefined;
  }
  return {
    query,
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: (operationName ?? undefined) as string | undefined,
  };
}

/** Apollo Server reads a null field of the body as an absent one. */
function absentOr(value: unknown, accepted: (value: unknown) => boolean): boolean {
  return value === undefined || value === null || accepted(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isEmptyRecord(value: unknown): boolean {
  return isJsonObject(value) && Object.keys(value).length === 0;
}
