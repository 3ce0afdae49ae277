import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import {
  type Context,
  context,
  defaultTextMapGetter,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { parseTraceParent, TraceState } from '@opentelemetry/core';
import type { GraphQLObserver } from '../graphql/plugins/request';
import { headerText } from '../utils/headers';
import { isJsonObject } from '../utils/json';
import type { AttemptEnd, Metrics } from './metrics';
import type { Tracing } from './tracing';

/** W3C Trace Context headers, as forwarded or injected upstream. */
export type TraceHeaders = Readonly<Record<string, string>>;

/** W3C Trace Context's limits: a `tracestate` past them is dropped, not cut. */
const MAX_TRACESTATE_MEMBERS = 32;
const MAX_TRACESTATE_LENGTH = 512;

/**
 * The caller's `traceparent` and `tracestate` as W3C Trace Context accepts them: forwarded
 * upstream while this process does not trace, continued when it does. Undefined without a valid
 * `traceparent` (a `tracestate` means nothing without it); a later version is sent as version 00,
 * and a `tracestate` is valid as a whole or dropped, never partly forwarded.
 */
export function callerTraceHeaders(headers: IncomingHttpHeaders): TraceHeaders | undefined {
  const { traceparent } = headers;
  if (typeof traceparent !== 'string') return undefined;
  // OpenTelemetry's parser checks the version, the ids and the fields after them.
  const parsed = parseTraceParent(traceparent);
  if (parsed === null) return undefined;
  const flags = parsed.traceFlags.toString(16).padStart(2, '0');
  const forwarded = `00-${parsed.traceId}-${parsed.spanId}-${flags}`;
  const tracestate = validTraceState(headerText(headers.tracestate));
  return tracestate === undefined
    ? { traceparent: forwarded }
    : { traceparent: forwarded, tracestate };
}

/**
 * `raw` without blanks and empty members, when every member is valid: OpenTelemetry's TraceState
 * skips the members it cannot take, so the header is valid exactly when it skips none.
 */
function validTraceState(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const members = raw
    .split(',')
    .map((member) => member.trim())
    .filter((member) => member !== '');
  if (members.length === 0 || members.length > MAX_TRACESTATE_MEMBERS) return undefined;
  const normalized = members.join(',');
  if (normalized.length > MAX_TRACESTATE_LENGTH) return undefined;
  return new TraceState(normalized).serialize() === normalized ? normalized : undefined;
}

/** Span name until the operation is known (OpenTelemetry's GraphQL conventions). */
const UNKNOWN_OPERATION_SPAN = 'GraphQL Operation';

/**
 * The server's metrics and tracing in one place, each optional. With neither, every hook is a
 * pass-through; with tracing off, no span, context or propagator work is done per request. With
 * tracing on, each upstream attempt is a client span, child of the active (request) span, and the
 * upstream gets a `traceparent` naming that span as parent; never a credential, header or body in
 * an attribute.
 */
export class Telemetry {
  constructor(
    readonly metrics: Metrics | undefined,
    readonly tracing: Tracing | undefined,
  ) {}

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

  startAttempt(attempt: number): Span | undefined {
    return this.tracing?.tracer.startSpan('POST', {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': 'POST',
        'http.request.resend_count': attempt - 1,
        'upstream.attempt': attempt,
      },
    });
  }

  /** The trace headers of one attempt: the span's own when tracing, else the caller's. */
  headers(span: Span | undefined, forwarded: TraceHeaders | undefined): TraceHeaders | undefined {
    if (span === undefined) return forwarded;
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), carrier);
    return carrier;
  }

  /** `retryReason` is set when another attempt follows. */
  endAttempt(
    span: Span | undefined,
    end: AttemptEnd,
    seconds: number,
    retryReason: string | undefined,
  ): void {
    this.metrics?.attempt(end, seconds);
    if (retryReason !== undefined) this.metrics?.retry(retryReason);
    if (span === undefined) return;
    if ('status' in end) {
      span.setAttribute('http.response.status_code', end.status);
      if (end.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
    } else {
      span.setAttribute('error.type', end.failure);
      span.setStatus({ code: SpanStatusCode.ERROR, message: end.failure });
    }
    if (retryReason !== undefined) span.setAttribute('upstream.retry_reason', retryReason);
    span.end();
  }

  sessionCreated(): void {
    this.metrics?.sessionCreated();
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
