/*
 * Proven against @apollo/server 5.5.1 (package.json pins it). On an upgrade, re-prove it:
 * run test/integration/fast-path.test.ts and fast-path.property.test.ts, and read what changed
 * in Apollo's dist/cjs runHttpQuery.js, requestPipeline.js, errorNormalize.js and
 * ApolloServer.js (executeHTTPGraphQLRequest, chooseContentTypeForSingleResultResponse,
 * internalExecuteOperation) against this file, execution-response.ts and prepared-mutations.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { execute, type GraphQLSchema } from 'graphql';
import Negotiator from 'negotiator';
import type { Context } from './context';
import {
  type ErrorFormatting,
  executionResponse,
  writeExecutionResponse,
} from './execution-response';
import { JSON_CONTENT_TYPE } from '../utils/json-response';
import { isJsonObject } from '../utils/json';
import type { PreparedMutations } from './prepared-mutations';

/** Options of {@link createFastPath}. */
export interface FastPathOptions {
  /** The schema Apollo Server serves (the same instance). */
  readonly schema: GraphQLSchema;
  readonly mutations: PreparedMutations;
  /** The `formatError` and stack setting Apollo Server is given (the same value). */
  readonly errors: ErrorFormatting;
}

/**
 * Serves one request, or resolves false (having sent nothing, and run no resolver) when Apollo
 * Server must. `context` is the request's context, created at most once: when the fast path
 * hands a request back, Apollo Server is given the same one.
 */
export type FastPath = (
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  context: () => Promise<Context>,
) => Promise<boolean>;

/** A POST body the fast path serves: no batch, no `extensions` beyond an empty object. */
interface PlainRequest {
  readonly query: string;
  readonly variables: Record<string, unknown> | undefined;
  readonly operationName: string | undefined;
}

/** Asks the subgraph for a federated trace, which only Apollo Server's pipeline records. */
const TRACE_HEADER = 'apollo-federation-include-trace';

/** The types Apollo Server chooses from for a single result, in its order (ApolloServer.js). */
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
 * context, and answered exactly as Apollo Server answers it (see {@link executionResponse})
 * without the per-request work of Apollo's plugin pipeline, which cost about a quarter of the
 * subgraph's CPU (docs/performance.md). Everything else is left to Apollo Server: queries, GET,
 * batches, non-empty `extensions` (persisted queries), an Accept that Apollo would answer with
 * another type, trace requests, and variables graphql-js refuses (it refuses them before any
 * resolver runs).
 */
export function createFastPath({ schema, mutations, errors }: FastPathOptions): FastPath {
  const acceptsJson = plainJsonDecisions();
  return async (req, res, body, context) => {
    const request = acceptsJson(req.headers.accept) ? plainRequest(req, body) : undefined;
    if (request === undefined) return false;
    const document = mutations.get(request.query, request.operationName);
    if (document === undefined) return false;
    let contextValue: Context;
    try {
      contextValue = await context();
    } catch {
      // Nothing sent yet: Apollo Server answers a context that failed, as it always does.
      return false;
    }
    const result = await execute({
      schema,
      document,
      contextValue,
      variableValues: request.variables,
      operationName: request.operationName,
    });
    // No data: graphql-js refused the variables before any resolver ran.
    if (!('data' in result)) return false;
    const { requestId } = contextValue;
    writeExecutionResponse(res, executionResponse(result, requestId, errors), requestId);
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
