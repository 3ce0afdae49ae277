import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BoundedLabel, operationNameLabel, upstreamStatusLabel } from './bounded-label';
import { readOperationNames } from './operation-names';

/** The content type of `GET /metrics` (Prometheus text format 0.0.4). */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Fine where a healthy upstream answers, coarser up to the attempt budget, where timeouts land. */
const UPSTREAM_DURATION_BUCKETS = [
  0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.4, 0.6, 1, 1.5, 2.5, 4, 6, 10, 15,
];

/** Error codes are this server's own, but a bound costs nothing and keeps it so. */
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const MAX_ERROR_CODES = 40;

/** How an upstream attempt ended, for the metrics: an HTTP status, or why there was none. */
export type AttemptEnd = { readonly status: number } | { readonly failure: AttemptFailure };
export type AttemptFailure = 'timeout' | 'network_error';

let processRegistry: Registry | undefined;

/**
 * prom-client's default metrics, once per process: they describe the process, and their
 * collectors cannot be stopped, so a server that started its own would leak them on `close()`.
 */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** A metric's label children, made on first use of a (bounded) label value and kept. */
function children<T>(metric: { labels(...values: string[]): T }): (value: string) => T {
  const made = new Map<string, T>();
  return (value) => {
    let child = made.get(value);
    if (child === undefined) {
      child = metric.labels(value);
      made.set(value, child);
    }
    return child;
  };
}

/** The subgraph's Prometheus metrics, on a registry of its own (a host may have several). */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests = children(
    new Counter({
      name: 'graphql_requests_total',
      help: 'GraphQL requests received on /graphql, by operation name (the committed operations of schema/operations; any other name is "other", none is "anonymous").',
      labelNames: ['operation_name'],
      registers: [this.registry],
    }),
  );
  private readonly errors = children(
    new Counter({
      name: 'graphql_errors_total',
      help: 'Errors in GraphQL answers, by extensions.code (the contract error code).',
      labelNames: ['code'],
      registers: [this.registry],
    }),
  );
  private readonly inFlight = new Gauge({
    name: 'graphql_requests_in_flight',
    help: 'GraphQL requests being served now.',
    registers: [this.registry],
  });
  private readonly attempts = children(
    new Counter({
      name: 'upstream_attempts_total',
      help: 'Attempts of the Synctera call, by HTTP status (a known one, else its class such as 4xx, else other) or, without an answer, by failure (timeout, network_error).',
      labelNames: ['status'],
      registers: [this.registry],
    }),
  );
  private readonly durations = children(
    new Histogram({
      name: 'upstream_attempt_duration_seconds',
      help: 'Duration of one attempt of the Synctera call, answer body included, by result (2xx, 4xx, 5xx, timeout, network_error).',
      labelNames: ['result'],
      buckets: UPSTREAM_DURATION_BUCKETS,
      registers: [this.registry],
    }),
  );
  private readonly retries = children(
    new Counter({
      name: 'upstream_retries_total',
      help: 'Retries of the Synctera call, by reason (status-429, status-502, status-503, status-504, network-error, in-progress, stray-answer).',
      labelNames: ['reason'],
      registers: [this.registry],
    }),
  );
  private readonly sessions = new Counter({
    name: 'document_verification_sessions_created_total',
    help: 'Document verification sessions returned by Synctera (a replay with the same idempotency key counts again).',
    registers: [this.registry],
  });
  private readonly operationName: (operationName: unknown) => string;
  private readonly errorCode = new BoundedLabel(ERROR_CODE, MAX_ERROR_CODES);

  /** `operationNames`: the names the operation label keeps (default: schema/operations'). */
  constructor(operationNames: ReadonlySet<string> = readOperationNames()) {
    this.operationName = operationNameLabel(operationNames);
  }

  requestStarted(): void {
    this.inFlight.inc();
  }

  /** A request answered; `operationName` is the body's (any value a caller sent). */
  requestEnded(operationName: unknown): void {
    this.inFlight.dec();
    this.requests(this.operationName(operationName)).inc();
  }

  error(code: unknown): void {
    this.errors(typeof code === 'string' ? this.errorCode.of(code) : 'none').inc();
  }

  attempt(end: AttemptEnd, seconds: number): void {
    this.attempts('status' in end ? upstreamStatusLabel(end.status) : end.failure).inc();
    this.durations('status' in end ? statusClass(end.status) : end.failure).observe(seconds);
  }

  retry(reason: string): void {
    this.retries(reason).inc();
  }

  sessionCreated(): void {
    this.sessions.inc();
  }

  /** The text served at `GET /metrics`. */
  render(): Promise<string> {
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }
}

/** An answer's class for the duration histogram: `2xx` … `5xx`, or `other`. */
function statusClass(status: number): string {
  const label = upstreamStatusLabel(status);
  return label === 'other' || label.endsWith('xx') ? label : `${label[0]}xx`;
}
