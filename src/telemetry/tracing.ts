import {
  context,
  propagation,
  type Span,
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

/** The instrumentation scope of every span of this subgraph. */
const TRACER_NAME = 'document-verification-subgraph';

/** Tracing while it runs: what the server creates spans with, and how it stops. */
export interface Tracing {
  readonly tracer: Tracer;
  /** W3C Trace Context, for the `traceparent`/`tracestate` of upstream calls. */
  readonly propagator: TextMapPropagator;
  /** Fields for a pino `mixin`: the active span's `trace_id` and `span_id`, if any. */
  readonly logFields: () => Record<string, string>;
  /** Exports the spans buffered so far. */
  flush(): Promise<void>;
  /**
   * Where failures of the exporter are told (a warning log line): once when exporting starts
   * failing, and once when it works again, so a collector down for hours is one line, not one
   * per batch. Nothing is told before this is set.
   */
  reportTo(report: TracingReport): void;
  /**
   * Exports the spans still buffered, for at most `timeoutMs`, then stops; the process-wide
   * registration is undone. It never rejects: a collector that is down or does not answer costs
   * the spans, never the shutdown, and is told through {@link reportTo}.
   */
  shutdown(timeoutMs?: number): Promise<void>;
}

/** What tracing tells about the exporter (a logger's `warn` and `info` fit). */
export interface TracingReport {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

/** The longest reason of an export failure shown in a log line. */
const MAX_REASON_LENGTH = 300;

/**
 * Starts tracing: a tracer provider exporting to `config.tracesUrl` in batches (OTLP over HTTP;
 * `OTEL_BSP_*`, `OTEL_TRACES_SAMPLER`, `OTEL_EXPORTER_OTLP_HEADERS` and the exporter's other
 * standard variables apply), registered process-wide with an AsyncLocalStorage context manager so
 * the request span stays active across the awaits of Apollo Server, the resolvers and the upstream
 * call. `exporter` replaces the OTLP one (tests).
 */
export function startTracing(config: TracingConfig, exporter?: SpanExporter): Tracing {
  let report: TracingReport | undefined;
  const reporting = new ReportingExporter(
    exporter ?? new OTLPTraceExporter({ url: config.tracesUrl }),
    config.tracesUrl,
    () => report,
  );
  const provider = new BasicTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    ),
    spanProcessors: [new BatchSpanProcessor(reporting)],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const propagator = new W3CTraceContextPropagator();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(propagator);
  trace.setGlobalTracerProvider(provider);
  return {
    tracer: provider.getTracer(TRACER_NAME),
    propagator,
    logFields: (): Record<string, string> => {
      const span: Span | undefined = trace.getActiveSpan();
      // A fresh object each time: pino merges the line's own fields into it.
      if (span === undefined) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
    flush: () => provider.forceFlush(),
    reportTo(target) {
      report = target;
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
 * The exporter, telling its failures: the batch processor hands them to OpenTelemetry's global
 * error handler, which says nothing unless a diagnostic logger is set up.
 */
class ReportingExporter implements SpanExporter {
  private failing = false;
  /** Set once shutting down: a failure then is told once, by {@link lost}. */
  closing = false;

  constructor(
    private readonly exporter: SpanExporter,
    private readonly tracesUrl: string,
    private readonly report: () => TracingReport | undefined,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.exporter.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        if (this.failing) {
          this.failing = false;
          this.report()?.info({ tracesUrl: redactUrl(this.tracesUrl) }, 'trace export works again');
        }
      } else if (!this.failing && !this.closing) {
        this.failing = true;
        this.report()?.warn(
          { tracesUrl: redactUrl(this.tracesUrl), reason: reasonOf(result.error, this.tracesUrl) },
          'trace export failed: spans are being lost until the collector answers',
        );
      }
      done(result);
    });
  }

  /** The last spans are lost at shutdown; told even if earlier failures were. */
  lost(reason: string): void {
    this.report()?.warn(
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
 * Why an export failed, fit for a log line: the error's message only (never its data, which may
 * be the collector's answer), without the parts of the traces URL that may be credentials.
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
