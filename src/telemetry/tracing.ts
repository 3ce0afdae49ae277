import {
  context,
  propagation,
  type TextMapPropagator,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  type ExportResult,
  ExportResultCode,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { redactUrl } from '../utils/redact-url';
import { TRACES_SHUTDOWN_FLUSH_MS, type TracingConfig } from './tracing-config';

const TRACER_NAME = 'document-verification-subgraph';

export interface Tracing {
  readonly tracer: Tracer;
  /** W3C Trace Context, for the `traceparent`/`tracestate` of upstream calls. */
  readonly propagator: TextMapPropagator;
  /** Fields for a pino `mixin`: the active span's `trace_id` and `span_id`, if any. */
  readonly logFields: () => Record<string, string>;
  flush(): Promise<void>;
  /**
   * Where exporter failures are told: once when exporting starts failing and once when it works
   * again, so a collector down for hours is one line, not one per batch.
   */
  reportTo(report: TracingReport): void;
  /**
   * Exports what is still buffered for at most `timeoutMs`, then undoes the process-wide
   * registration. Never rejects: a dead collector costs the spans, never the shutdown.
   */
  shutdown(timeoutMs?: number): Promise<void>;
}

/** A logger's `warn` and `info` fit. */
export interface TracingReport {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

const MAX_REASON_LENGTH = 300;

/**
 * Exports to `config.tracesUrl` in batches (OTLP over HTTP; the SDK's standard `OTEL_*` variables
 * apply). The AsyncLocalStorage context manager keeps the request span active across the awaits
 * of Apollo Server, the resolvers and the upstream call. `exporter` replaces the OTLP one (tests).
 */
export function startTracing(config: TracingConfig, exporter?: SpanExporter): Tracing {
  const reporting = new ReportingExporter(
    exporter ?? new OTLPTraceExporter({ url: config.tracesUrl }),
    config.tracesUrl,
  );
  const provider = new BasicTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    ),
    spanProcessors: [new BatchSpanProcessor(reporting)],
  });
  const propagator = new W3CTraceContextPropagator();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(propagator);
  trace.setGlobalTracerProvider(provider);
  return {
    tracer: provider.getTracer(TRACER_NAME),
    propagator,
    logFields: (): Record<string, string> => {
      const span = trace.getActiveSpan();
      // A fresh object each time: pino merges the line's own fields into it.
      if (span === undefined) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
    flush: () => provider.forceFlush(),
    reportTo(target) {
      reporting.report = target;
    },
    async shutdown(timeoutMs = TRACES_SHUTDOWN_FLUSH_MS) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timed out'>((resolve) => {
        timer = setTimeout(() => resolve('timed out'), Math.max(0, timeoutMs));
      });
      reporting.closing = true;
      try {
        const outcome = await Promise.race([provider.shutdown(), timedOut]);
        if (outcome === 'timed out') {
          reporting.lost(`the spans still buffered were not exported within ${timeoutMs} ms`);
        }
      } catch (error) {
        reporting.lost(reasonOf(error, config.tracesUrl));
      } finally {
        clearTimeout(timer);
        trace.disable();
        propagation.disable();
        context.disable();
      }
    },
  };
}

/**
 * The batch processor hands export failures to OpenTelemetry's global error handler, which says
 * nothing unless a diagnostic logger is set up: this exporter tells them.
 */
class ReportingExporter implements SpanExporter {
  private failing = false;
  /** Set once shutting down: a failure then is told once, by {@link lost}. */
  closing = false;
  report: TracingReport | undefined;

  constructor(
    private readonly exporter: SpanExporter,
    private readonly tracesUrl: string,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.exporter.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        if (this.failing) {
          this.failing = false;
          this.report?.info({ tracesUrl: redactUrl(this.tracesUrl) }, 'trace export works again');
        }
      } else if (!this.failing && !this.closing) {
        this.failing = true;
        this.report?.warn(
          { tracesUrl: redactUrl(this.tracesUrl), reason: reasonOf(result.error, this.tracesUrl) },
          'trace export failed: spans are being lost until the collector answers',
        );
      }
      done(result);
    });
  }

  /** Told even if earlier failures were. */
  lost(reason: string): void {
    this.report?.warn(
      { tracesUrl: redactUrl(this.tracesUrl), reason },
      'trace export at shutdown failed: the last spans are lost',
    );
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush?.() ?? Promise.resolve();
  }
}

/**
 * The error's message only (its data may be the collector's answer), without the parts of the
 * traces URL that may be credentials.
 */
function reasonOf(error: unknown, tracesUrl: string): string {
  let reason = error instanceof Error ? error.message : String(error ?? 'unknown');
  const url = new URL(tracesUrl);
  const secrets = [url.href, url.username, url.password, url.search.slice(1), url.hash.slice(1)];
  for (const secret of secrets) {
    for (const form of new Set([secret, safeDecode(secret)])) {
      if (form.length > 0) reason = reason.split(form).join('***');
    }
  }
  // eslint-disable-next-line no-control-regex
  reason = reason.replace(/[\x00-\x1f\x7f]/g, ' ');
  return reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` : reason;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
