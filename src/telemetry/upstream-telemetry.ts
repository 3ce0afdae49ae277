import type { IncomingHttpHeaders } from 'node:http';
import {
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { headerText } from '../utils/headers';
import type { AttemptEnd, Metrics } from './metrics';

/** W3C Trace Context headers, as forwarded or injected upstream. */
export type TraceHeaders = Readonly<Record<string, string>>;

/** version-traceid-parentid-flags, lower-case hex (W3C Trace Context); later versions may append. */
const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}(-[^\s]*)?$/;
/** The longest `tracestate` a hop must propagate (W3C Trace Context). */
const MAX_TRACESTATE_LENGTH = 512;

/**
 * The caller's `traceparent` and `tracestate`, to forward unchanged upstream while this process
 * does not trace (W3C Trace Context asks this of a hop that does not take part). Undefined when
 * there is no well-formed `traceparent`: a `tracestate` means nothing without one.
 */
export function callerTraceHeaders(headers: IncomingHttpHeaders): TraceHeaders | undefined {
  const { traceparent } = headers;
  if (typeof traceparent !== 'string' || !TRACEPARENT.test(traceparent)) return undefined;
  const tracestate = headerText(headers.tracestate);
  return tracestate === undefined || tracestate.length > MAX_TRACESTATE_LENGTH
    ? { traceparent }
    : { traceparent, tracestate };
}

/** Why an attempt got no answer, as a label value; duck-typed like the client's own description. */
export function failureOf(error: unknown): Extract<AttemptEnd, { failure: string }>['failure'] {
  const { name } = (error ?? {}) as { name?: unknown };
  if (name === 'TimeoutError') return 'timeout';
  if (name === 'AbortError') return 'abandoned';
  return 'network_error';
}

/** What the client reports when an attempt ends. */
export interface AttemptReport {
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly end: AttemptEnd;
  readonly seconds: number;
  /** Set when another attempt follows. */
  readonly retryReason: string | undefined;
}

/**
 * Metrics and spans of the upstream attempts, shared by every request of one server. With tracing
 * on, each attempt is a client span, child of the active (request) span, and the upstream gets a
 * `traceparent` naming that span as parent; never a credential, header or body in an attribute.
 */
export class UpstreamTelemetry {
  constructor(
    private readonly metrics: Metrics | undefined,
    private readonly tracer: Tracer | undefined,
  ) {}

  startAttempt(attempt: number): Span | undefined {
    return this.tracer?.startSpan('POST', {
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

  endAttempt(span: Span | undefined, report: AttemptReport): void {
    this.metrics?.attempt(report.end, report.seconds);
    if (report.retryReason !== undefined) this.metrics?.retry(report.retryReason);
    if (span === undefined) return;
    const { end } = report;
    if ('status' in end) {
      span.setAttribute('http.response.status_code', end.status);
      if (end.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
    } else {
      span.setAttribute('error.type', end.failure);
      span.setStatus({ code: SpanStatusCode.ERROR, message: end.failure });
    }
    if (report.retryReason !== undefined) {
      span.setAttribute('upstream.retry_reason', report.retryReason);
    }
    span.end();
  }

  sessionCreated(): void {
    this.metrics?.sessionCreated();
  }
}
