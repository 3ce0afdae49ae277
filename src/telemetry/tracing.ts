import {
  context,
  propagation,
  type Span,
  type TextMapPropagator,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from './tracing-config';

/** The instrumentation scope of every span of this subgraph. */
export const TRACER_NAME = 'document-verification-subgraph';

/** Tracing while it runs: what the server creates spans with, and how it stops. */
export interface Tracing {
  readonly tracer: Tracer;
  /** W3C Trace Context, for the `traceparent`/`tracestate` of upstream calls. */
  readonly propagator: TextMapPropagator;
  /** Fields for a pino `mixin`: the active span's `trace_id` and `span_id`, if any. */
  readonly logFields: () => Record<string, string>;
  /** Exports the spans buffered so far. */
  flush(): Promise<void>;
  /** Exports the spans still buffered, then stops; the process-wide registration is undone. */
  shutdown(): Promise<void>;
}

/**
 * Starts tracing: a tracer provider exporting to `config.tracesUrl` in batches (OTLP over HTTP;
 * `OTEL_BSP_*`, `OTEL_TRACES_SAMPLER`, `OTEL_EXPORTER_OTLP_HEADERS` and the exporter's other
 * standard variables apply), registered process-wide with an AsyncLocalStorage context manager so
 * the request span stays active across the awaits of Apollo Server, the resolvers and the upstream
 * call. `exporter` replaces the OTLP one (tests).
 */
export function startTracing(config: TracingConfig, exporter?: SpanExporter): Tracing {
  const provider = new BasicTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    ),
    spanProcessors: [
      new BatchSpanProcessor(exporter ?? new OTLPTraceExporter({ url: config.tracesUrl })),
    ],
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
    async shutdown() {
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        propagation.disable();
        context.disable();
      }
    },
  };
}
