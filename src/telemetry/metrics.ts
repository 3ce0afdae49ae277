import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BoundedLabel, operationNameLabel, upstreamStatusLabel } from './bounded-label';
import { readOperationNames } from './operation-names';

/** The content type of `GET /metrics` (Prometheus text format 0.0.4). */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Upstream attempt buckets, in seconds: fine where a healthy upstream answers (50 ms to 1 s),
 * coarser up to the default attempt budget (10 s) and just past it, where timeouts land.
 */
export const UPSTREAM_DURATION_BUCKETS = [
  0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.4, 0.6, 1, 1.5, 2.5, 4, 6, 10, 15,
];

/** Error codes are this server's own, but a bound costs nothing and keeps it so. */
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const MAX_ERROR_CODES = 40;

/** How an upstream attempt ended, for the metrics: an HTTP status, or why there was none. */
export type AttemptEnd =
  { readonly status: number } | { readonly failure: 'timeout' | 'network_error' | 'abandoned' };

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

/**
 * A counter counted in plain numbers on the request path and handed to prom-client when it
 * collects (on each scrape): prom-client hashes and checks the labels on every `inc`, a few
 * times per request.
 */
class TallyCounter {
  private readonly pending = new Map<string, number>();

  constructor(registry: Registry, name: string, help: string, label?: string) {
    const { pending } = this;
    new Counter({
      name,
      help,
      labelNames: label === undefined ? [] : [label],
      registers: [registry],
      collect() {
        for (const [value, count] of pending) {
          if (label === undefined) this.inc(count);
          else this.inc({ [label]: value }, count);
        }
        pending.clear();
      },
    });
  }

  /** One more, with the label's `value` (none for a counter without a label). */
  inc(value = ''): void {
    this.pending.set(value, (this.pending.get(value) ?? 0) + 1);
  }
}

/** The count of requests in flight, which the gauge reads when prom-client collects. */
function inFlightCount(registry: Registry): { now: number } {
  const count = { now: 0 };
  new Gauge({
    name: 'graphql_requests_in_flight',
    help: 'GraphQL requests being served now.',
    registers: [registry],
    collect() {
      this.set(count.now);
    },
  });
  return count;
}

/**
 * The subgraph's Prometheus metrics, on a registry of its own (several servers, or a host's own
 * metrics, can live in one process). Counting is a few map lookups.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new TallyCounter(
    this.registry,
    'graphql_requests_total',
    'GraphQL requests received on /graphql, by operation name (the committed operations of schema/operations; any other name is "other", none is "anonymous").',
    'operation_name',
  );
  private readonly errors = new TallyCounter(
    this.registry,
    'graphql_errors_total',
    'Errors in GraphQL answers, by extensions.code (the contract error code).',
    'code',
  );
  private readonly inFlight = inFlightCount(this.registry);
  private readonly attempts = new TallyCounter(
    this.registry,
    'upstream_attempts_total',
    'Attempts of the Synctera call, by HTTP status (a known one, else its class such as 4xx, else other) or, without an answer, by failure (timeout, network_error, abandoned).',
    'status',
  );
  private readonly attemptDuration = new Histogram({
    name: 'upstream_attempt_duration_seconds',
    help: 'Duration of one attempt of the Synctera call, answer body included, by result (2xx, 4xx, 5xx, timeout, network_error, abandoned).',
    labelNames: ['result'],
    buckets: UPSTREAM_DURATION_BUCKETS,
    registers: [this.registry],
  });
  /** The histogram's label children, so that no label object is made and checked per call. */
  private readonly durations = new Map<string, { observe(seconds: number): void }>();
  private readonly retries = new TallyCounter(
    this.registry,
    'upstream_retries_total',
    'Retries of the Synctera call, by reason (status-429, status-502, status-503, status-504, network-error).',
    'reason',
  );
  private readonly sessions = new TallyCounter(
    this.registry,
    'document_verification_sessions_created_total',
    'Document verification sessions returned by Synctera (a replay with the same idempotency key counts again).',
  );
  private readonly operationName: (operationName: unknown) => string;
  private readonly errorCode = new BoundedLabel(ERROR_CODE, MAX_ERROR_CODES);

  /** `operationNames`: the names the operation label keeps (default: schema/operations'). */
  constructor(operationNames: ReadonlySet<string> = readOperationNames()) {
    this.operationName = operationNameLabel(operationNames);
  }

  requestStarted(): void {
    this.inFlight.now++;
  }

  /** A request answered; `operationName` is the body's (any value a caller sent). */
  requestEnded(operationName: unknown): void {
    this.inFlight.now--;
    this.requests.inc(this.operationName(operationName));
  }

  error(code: unknown): void {
    this.errors.inc(typeof code === 'string' ? this.errorCode.of(code) : 'none');
  }

  attempt(end: AttemptEnd, seconds: number): void {
    this.attempts.inc('status' in end ? upstreamStatusLabel(end.status) : end.failure);
    const result = 'status' in end ? statusClass(end.status) : end.failure;
    let duration = this.durations.get(result);
    if (duration === undefined) {
      duration = this.attemptDuration.labels(result);
      this.durations.set(result, duration);
    }
    duration.observe(seconds);
  }

  retry(reason: string): void {
    this.retries.inc(reason);
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
