import type { IncomingMessage } from 'node:http';
import {
  type Context,
  context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { GraphQLObserver } from '../graphql/plugins/request';
import { isJsonObject } from '../utils/json';
import type { Metrics } from './metrics';
import type { Tracing } from './tracing';
import { callerTraceHeaders, UpstreamTelemetry } from './upstream-telemetry';

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
   * Starts observing one `/graphql` request: counted in flight and by operation name, and, with
   * tracing on, a server span continuing the caller's `traceparent`. Undefined with neither.
   */
  startGraphQL(req: IncomingMessage): RequestObservation | undefined {
    const { metrics, tracing } = this;
    if (metrics === undefined && tracing === undefined) return undefined;
    metrics?.requestStarted();
    const observation = new RequestObservation(metrics);
    if (tracing !== undefined) {
      // Continued only as far as it would be forwarded: a tracestate is valid whole or dropped.
      const caller = callerTraceHeaders(req.headers) ?? {};
      const parent = tracing.propagator.extract(ROOT_CONTEXT, caller, defaultTextMapGetter);
      const span = tracing.tracer.startSpan(
        UNKNOWN_OPERATION_SPAN,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'GET' } },
        parent,
      );
      observation.span = span;
      observation.spanContext = trace.setSpan(parent, span);
    }
    return observation;
  }

  /** Apollo Server's side of a request: each error by code, and the operation that ran. */
  readonly graphql: GraphQLObserver = {
    error: (code) => {
      this.metrics?.error(code);
      if (this.tracing === undefined) return;
      const span = trace.getActiveSpan();
      span?.addEvent('graphql.error', { 'graphql.error.code': String(code) });
      span?.setStatus({ code: SpanStatusCode.ERROR, message: String(code) });
    },
    // OpenTelemetry's GraphQL span name and attributes: `mutation CreateSession`.
    operation: (type, name) => {
      const span = this.tracing === undefined ? undefined : trace.getActiveSpan();
      if (span === undefined) return;
      span.updateName(name ? `${type} ${name}` : type);
      span.setAttribute('graphql.operation.type', type);
      if (name) span.setAttribute('graphql.operation.name', name);
    },
  };
}

/** One `/graphql` request, observed from its arrival until its connection is done with it. */
export class RequestObservation {
  span: Span | undefined;
  spanContext: Context | undefined;
  operationName: unknown;
  private ended = false;

  constructor(private readonly metrics: Metrics | undefined) {}

  /** The HTTP layer refused the request (a body over the limit, not JSON) with this code. */
  refused(code: string): void {
    this.metrics?.error(code);
    this.span?.setStatus({ code: SpanStatusCode.ERROR, message: code });
  }

  /** The parsed request body (undefined for a GET or a non-JSON body). */
  body(body: unknown): void {
    if (!isJsonObject(body)) return;
    this.operationName = body.operationName;
  }

  /** Runs `serve` with the request's span active (Apollo Server, resolvers, upstream attempts). */
  async run<T>(serve: () => Promise<T>): Promise<T> {
    try {
      const { spanContext } = this;
      return await (spanContext === undefined ? serve() : context.with(spanContext, serve));
    } catch (error) {
      this.span?.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    }
  }

  /** The answer is sent, or the caller left: ends the span and the in-flight count. */
  end(statusCode: number): void {
    if (this.ended) return;
    this.ended = true;
    this.metrics?.requestEnded(this.operationName);
    if (this.span !== undefined) {
      this.span.setAttribute('http.response.status_code', statusCode);
      this.span.end();
    }
  }
}
