import { ConfigError, type Env, present, readHttpUrl } from '../config';

export const DEFAULT_SERVICE_NAME = 'document-verification-subgraph';

/** The specification's defaults. */
const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';
const TRACES_PATH = 'v1/traces';

/**
 * How long the spans still buffered at shutdown may take to export, after the shutdown grace: a
 * request that ends near the grace keeps its spans, and a dead collector delays the exit this much.
 */
export const TRACES_SHUTDOWN_FLUSH_MS = 5_000;

export interface TracingConfig {
  readonly serviceName: string;
  /** Where the spans are POSTed (OTLP over HTTP). */
  readonly tracesUrl: string;
}

/**
 * The standard OpenTelemetry variables (docs/configuration.md); undefined means tracing off.
 * Values this process cannot honour (another exporter, gRPC) stop start-up with a message, rather
 * than leaving an operator to wonder why no trace arrives.
 */
export function readTracingConfig(env: Env): TracingConfig | undefined {
  if (present(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return undefined;
  const exporters = present(env, 'OTEL_TRACES_EXPORTER')
    ?.split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const unsupported = exporters?.find((name) => name !== 'otlp' && name !== 'none');
  if (unsupported !== undefined) {
    throw new ConfigError(
      'OTEL_TRACES_EXPORTER',
      `only "otlp" (OTLP over HTTP) and "none" are supported, got "${unsupported}"`,
    );
  }
  const tracesEndpoint = present(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const endpoint = present(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const on =
    exporters === undefined
      ? tracesEndpoint !== undefined || endpoint !== undefined
      : exporters.includes('otlp') && !exporters.includes('none');
  if (!on) return undefined;
  readProtocol(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL');
  readProtocol(env, 'OTEL_EXPORTER_OTLP_PROTOCOL');
  return Object.freeze({
    serviceName: present(env, 'OTEL_SERVICE_NAME') ?? DEFAULT_SERVICE_NAME,
    tracesUrl:
      tracesEndpoint !== undefined
        ? readHttpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', tracesEndpoint).href
        : tracesUrlOf(
            readHttpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', endpoint ?? DEFAULT_OTLP_ENDPOINT),
          ),
  });
}

/** The general endpoint is a base: the signal's path is appended to its path (specification). */
function tracesUrlOf(base: URL): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/*$/, '/')}${TRACES_PATH}`;
  return url.href;
}

function readProtocol(env: Env, name: string): void {
  const raw = present(env, name);
  if (raw !== undefined && !raw.startsWith('http/')) {
    throw new ConfigError(name, `only OTLP over HTTP is supported (http/json), got "${raw}"`);
  }
}
