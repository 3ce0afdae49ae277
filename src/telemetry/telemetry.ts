import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { ApolloServerPlugin } from '@apollo/server';
import { getOperationAST, type GraphQLFormattedError, parse } from 'graphql';
import { isJsonObject } from '../utils/json';
import type { Metrics } from './metrics';
import type { Tracing } from './tracing';
import { callerTraceHeaders, UpstreamTelemetry } from './upstream-telemetry';

/** What the HTTP layer tells about one `/graphql` request as it learns it. */
export interface GraphQLRequestObservation {
  /** The parsed request body (undefined for a GET or a non-JSON body). */
  body(body: unknown): void;
  /** The fast path answered: a single mutation, already validated. */
  servedByFastPath(): void;
  /** The HTTP layer refused the request (a body over the limit, not JSON) with this code. */
  refused(code: string): void;
}

/** A GraphQL server's `formatError`. */
type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

const NOTHING_OBSERVED: GraphQLRequestObservation = {
  body() {},
  servedByFastPath() {},
  refused() {},
};

/** Span name until the operation is known (OpenTelemetry's GraphQL conventions). */
const UNKNOWN_OPERATION_SPAN = 'GraphQL Operation';

/**
 * The server's metrics and tracing in one place, each optional. With neither, every hook is a
 * pass-through; with tracing off, no span, context or propagator work is done per request.
 */
export class Telemetry {
  /** Metrics and spans of the upstream attempts. */
  readonly upstream: UpstreamTelemetry;

  constructor(
    readonly metrics: Metrics | undefined,
    readonly tracing: Tracing | undefined,
  ) {
    this.upstream = new UpstreamTelemetry(metrics, tracing?.tracer);
  }

  /**
   * Serves one `/graphql` request observed: counted in flight and by operation name, and, with
   * tracing on, inside a server span continuing the caller's `traceparent`, active for everything
   * `serve` awaits (Apollo Server or the fast path, the resolvers, the upstream attempts).
   */
  async observeGraphQL<T>(
    req: IncomingMessage,
    res: ServerResponse,
    serve: (observation: GraphQLRequestObservation) => Promise<T>,
  ): Promise<T> {
    const { metrics, tracing } = this;
    if (metrics === undefined && tracing === undefined) return serve(NOTHING_OBSERVED);
    metrics?.requestStarted();
    const observation = new RequestObservation(metrics);
    let span: Span | undefined;
    try {
      if (tracing === undefined) return await serve(observation);
      // Continued only as far as it would be forwarded: a tracestate is valid whole or dropped.
      const caller = callerTraceHeaders(req.headers) ?? {};
      const parent = tracing.propagator.extract(ROOT_CONTEXT, caller, defaultTextMapGetter);
      span = tracing.tracer.startSpan(
        UNKNOWN_OPERATION_SPAN,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'GET' } },
        parent,
      );
      observation.span = span;
      return await context.with(trace.setSpan(parent, span), () => serve(observation));
    } catch (error) {
      span?.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      metrics?.requestEnded(observation.operationName);
      if (span !== undefined) {
        span.setAttribute('http.response.status_code', res.statusCode);
        span.end();
      }
    }
  }

  /** `formatError`, also counting each error by code and marking the request span. */
  observeErrors(formatError: FormatError): FormatError {
    const { metrics, tracing } = this;
    if (metrics === undefined && tracing === undefined) return formatError;
    return (formatted, error) => {
      const result = formatError(formatted, error);
      const code = result.extensions?.code;
      metrics?.error(code);
      if (tracing !== undefined) {
        const span = trace.getActiveSpan();
        span?.addEvent('graphql.error', { 'graphql.error.code': String(code) });
        span?.setStatus({ code: SpanStatusCode.ERROR, message: String(code) });
      }
      return result;
    };
  }

  /** Apollo Server's side of the request span: the operation it resolved. */
  apolloPlugins(): ApolloServerPlugin[] {
    if (this.tracing === undefined) return [];
    return [
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ operationName, operation }) {
              const span = trace.getActiveSpan();
              if (span !== undefined && operation !== undefined) {
                nameSpan(span, operation.operation, operationName);
              }
            },
          };
        },
      },
    ];
  }
}

/** One request's facts, gathered as the HTTP layer learns them. */
class RequestObservation implements GraphQLRequestObservation {
  span: Span | undefined;
  operationName: unknown;
  private query: unknown;

  constructor(private readonly metrics: Metrics | undefined) {}

  refused(code: string): void {
    this.metrics?.error(code);
    this.span?.setStatus({ code: SpanStatusCode.ERROR, message: code });
  }

  body(body: unknown): void {
    if (!isJsonObject(body)) return;
    this.operationName = body.operationName;
    this.query = body.query;
  }

  servedByFastPath(): void {
    if (this.span === undefined) return;
    const name =
      typeof this.operationName === 'string' ? this.operationName : onlyOperationName(this.query);
    nameSpan(this.span, 'mutation', name);
  }
}

/** OpenTelemetry's GraphQL span name and attributes: `mutation CreateSession`. */
function nameSpan(span: Span, type: string, name: string | null | undefined): void {
  span.updateName(name ? `${type} ${name}` : type);
  span.setAttribute('graphql.operation.type', type);
  if (name) span.setAttribute('graphql.operation.name', name);
}

/**
 * The name of a document's only operation. The fast path does not hand its parsed document out;
 * parsing again (only with tracing on, and only when the body gave no operation name) keeps it so.
 */
function onlyOperationName(query: unknown): string | undefined {
  if (typeof query !== 'string') return undefined;
  try {
    return getOperationAST(parse(query, { noLocation: true }))?.name?.value;
  } catch {
    return undefined;
  }
}
