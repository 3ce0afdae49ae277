import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ContextFunction } from '@apollo/server';
import { upstreamAuthorization } from '../synctera/authorization';
import { headerText } from '../utils/headers';
import { SyncteraClient } from '../synctera/client';
import type { Upstream } from '../synctera/upstream';
import { callerTraceHeaders, type Telemetry } from '../telemetry/telemetry';

/** What every resolver of one GraphQL request sees; nothing in it is shared between requests. */
export interface Context {
  /** The request's `X-Request-Id` (generated when absent); logged, sent upstream, in errors. */
  readonly requestId: string;
  /** The request's `Idempotency-Key` header, unvalidated (see `idempotencyKeyForField`). */
  readonly idempotencyKeyHeader: string | undefined;
  /** This request's upstream data source. */
  readonly synctera: SyncteraClient;
}

/** The per-request input of the context function: the incoming Node request. */
export interface ContextArgs {
  readonly req: IncomingMessage;
  /** Aborts when the caller disconnects before its answer; pending upstream work then stops. */
  readonly callerGone?: AbortSignal;
}

/**
 * The request headers this subgraph reads (lower case). A router or gateway in front of it must
 * propagate them to this subgraph, and only to it (see schema/router.yaml).
 */
export const SUBGRAPH_REQUEST_HEADERS = {
  authorization: 'authorization',
  idempotencyKey: 'idempotency-key',
  requestId: 'x-request-id',
} as const;

const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

/** Builds a fresh {@link Context} for each request over the server's shared upstream. */
export function createContextFunction(
  upstream: Upstream,
  telemetry?: Telemetry,
): ContextFunction<[ContextArgs], Context> {
  return async ({ req, callerGone }) => {
    const requestId = requestIdOf(req);
    return {
      requestId,
      idempotencyKeyHeader: headerText(req.headers[SUBGRAPH_REQUEST_HEADERS.idempotencyKey]),
      synctera: new SyncteraClient({
        upstream,
        requestId,
        callerGone,
        telemetry,
        traceHeaders: callerTraceHeaders(req.headers),
        authorization: upstreamAuthorization(
          headerText(req.headers[SUBGRAPH_REQUEST_HEADERS.authorization]),
          upstream.apiKey,
        ),
      }),
    };
  };
}

const requestIds = new WeakMap<IncomingMessage, string>();

/**
 * The request's id: its own `X-Request-Id` when it is a sane one, else a new UUID. Decided once
 * per request, so the HTTP layer's answer, the context and the log lines agree.
 */
export function requestIdOf(req: IncomingMessage): string {
  let requestId = requestIds.get(req);
  if (requestId === undefined) {
    const given = headerText(req.headers[SUBGRAPH_REQUEST_HEADERS.requestId]);
    requestId = given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
    requestIds.set(req, requestId);
  }
  return requestId;
}
