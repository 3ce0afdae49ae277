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
import { parseTraceParent, TraceState } from '@opentelemetry/core';
import { headerText } from '../utils/headers';
import type { AttemptEnd, Metrics } from './metrics';

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
}
