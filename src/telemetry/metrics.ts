import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BoundedLabel, operationNameLabel } from './bounded-label';

/** The content type of `GET /metrics` (Prometheus text format 0.0.4). */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Upstream attempt buckets, in seconds: fine where a healthy upstream answers (50 ms to 1 s),
 * coarser up to the default attempt budget (10 s) and just past it, where timeouts land.
 */
export const UPSTREAM_DURATION_BUCKETS = [
  0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.4, 0.6, 1, 1.5, 2.5, 4, 6, 10, 15,
];

/** Distinct operation names kept as label values; the rest are `other`. */
const MAX_OPERATION_NAMES = 50;
/** Error codes are this server's own, but a bound costs nothing and keeps it so. */
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const MAX_ERROR_CODES = 40;

/** How an upstream attempt ended, for the metrics: an HTTP status, or why there was none. */
export type AttemptEnd =
  { readonly status: number } | { readonly failure: 'timeout' | 'network_error' | 'abandoned' };

/**
 * The subgraph's Prometheus metrics, on a registry of its own (several servers, or a host's own
 * metrics, can live in one process). Counting is a few map lookups: label children are cached.
 */
let processRegistry: Registry | undefined;

/**
 * prom-client's default metrics, once per process: they describe the process, not a server, and
 * their collectors (a GC observer, an event-loop delay monitor) cannot be stopped, so a server
 * that started its own would leave them running after `close()`.
 */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL requests received on /graphql, by operation name (bounded: unknown names are "other", none is "anonymous").',
    labelNames: ['operation_name'],
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'graphql_errors_total',
    help: 'Errors in GraphQL answers, by extensions.code (the contract error code).',
    labelNames: ['code'],
    registers: [this.registry],
  });
  private readonly inFlight = new Gauge({
    name: 'graphql_requests_in_flight',
    help: 'GraphQL requests being served now.',
    registers: [this.registry],
  });
  private readonly attempts = new Counter({
    name: 'upstream_attempts_total',
    help: 'Attempts of the Synctera call, by HTTP status or, without an answer, by failure (timeout, network_error, abandoned).',
    labelNames: ['status'],
    registers: [this.registry],
  });
  private readonly attemptDuration = new Histogram({
    name: 'upstream_attempt_duration_seconds',
    help: 'Duration of one attempt of the Synctera call, answer body included, by result (2xx, 4xx, 5xx, timeout, network_error, abandoned).',
    labelNames: ['result'],
    buckets: UPSTREAM_DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: 'upstream_retries_total',
    help: 'Retries of the Synctera call, by reason (status-429, status-502, status-503, status-504, network-error).',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  private readonly sessions = new Counter({
    name: 'document_verification_sessions_created_total',
    help: 'Document verification sessions returned by Synctera (a replay with the same idempotency key counts again).',
    registers: [this.registry],
  });
  private readonly operationName = operationNameLabel(MAX_OPERATION_NAMES);
  private readonly errorCode = new BoundedLabel(ERROR_CODE, MAX_ERROR_CODES);
  /** Label children by metric and value: prom-client hashes a label object on every call. */
  private readonly children = new Map<string, unknown>();

  requestStarted(): void {
    this.inFlight.inc();
  }

  /** A request answered; `operationName` is the body's (any value a caller sent). */
  requestEnded(operationName: unknown): void {
    this.inFlight.dec();
    this.child(this.requests, 'r', this.operationName(operationName)).inc();
  }

  error(code: unknown): void {
    const label = typeof code === 'string' ? this.errorCode.of(code) : 'none';
    this.child(this.errors, 'e', label).inc();
  }

  attempt(end: AttemptEnd, seconds: number): void {
    const status = 'status' in end ? String(end.status) : end.failure;
    this.child(this.attempts, 'a', status).inc();
    const result = 'status' in end ? `${Math.floor(end.status / 100)}xx` : end.failure;
    this.child(this.attemptDuration, 'd', result).observe(seconds);
  }

  retry(reason: string): void {
    this.child(this.retries, 'x', reason).inc();
  }

  sessionCreated(): void {
    this.sessions.inc();
  }

  /** The text served at `GET /metrics`. */
  render(): Promise<string> {
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }

  private child<Child>(
    metric: { labels(value: string): Child },
    kind: string,
    value: string,
  ): Child {
    const key = `${kind}:${value}`;
    let child = this.children.get(key) as Child | undefined;
    if (child === undefined) {
      child = metric.labels(value);
      this.children.set(key, child);
    }
    return child;
  }
}
