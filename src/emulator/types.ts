/**
 * The emulator's public types: its options, what it records, the faults it can inject and the
 * handle `startEmulator` returns.
 */

export { DEFAULT_SESSION_PATH } from '../config';

/** How to start an emulator. */
export interface EmulatorOptions {
  /** Listen port; 0 (default) picks a free one. */
  port?: number;
  /** Listen host; default '127.0.0.1'. */
  host?: string;
  /** Base path prefix, default '/v0' (like https://api-sandbox.synctera.com/v0). */
  basePath?: string;
  /** Session path under basePath, default DEFAULT_SESSION_PATH. */
  sessionPath?: string;
  /**
   * Keep only the most recent this-many recorded requests (default: keep all). For long-running
   * processes, such as the CLI under a benchmark, so memory stays flat.
   */
  maxRecordedRequests?: number;
  /**
   * Milliseconds every session request waits before it is handled (default 0), like a real
   * upstream's processing time; benchmarks use it for a latency-bound upstream. A `delay` fault
   * adds to it.
   */
  latencyMs?: number;
}

/** One request received on the session path, as it arrived. */
export interface RecordedRequest {
  /** HTTP method, e.g. 'POST'. */
  method: string;
  /** Request target as received (path and query). */
  path: string;
  /** Request headers, names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  /** Body text (UTF-8; at most the first 1 MiB). */
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  /** When it arrived, in `performance.now()` milliseconds. */
  receivedAt: number;
}

/**
 * A misbehaviour to apply to a request on the session path instead of (or before) the normal
 * handling. The request is recorded in every case.
 */
export type EmulatorFault =
  /**
   * Answer with this instead. An object body is sent as JSON, with the `content-type` given in
   * `headers`, else `application/problem+json` for status >= 400 and `application/json` below.
   * A string body is sent as is (`text/plain` unless a `content-type` is given).
   */
  | { kind: 'respond'; status: number; body?: string | object; headers?: Record<string, string> }
  /** Wait `ms` milliseconds, then handle normally (holding the request's idempotency key). */
  | { kind: 'delay'; ms: number }
  /** Destroy the socket before doing anything: nothing is created. */
  | { kind: 'reset-before' }
  /** Handle normally (the session and its idempotency key are committed), then destroy the socket without answering. */
  | { kind: 'reset-after' }
  /** Never answer (until close()). */
  | { kind: 'hang' }
  /**
   * While an earlier request with the same Idempotency-Key is still being handled, answer `409`
   * at once instead of waiting for it (as Stripe-like idempotency layers do); else handle normally.
   */
  | { kind: 'conflict-while-processing' }
  /** Handle normally, with an unsolicited `100 Continue` written before the answer (RFC 9110 allows it). */
  | { kind: 'continue-first' }
  /**
   * Handle normally, then write a second, unasked-for copy of the answer on the same keep-alive
   * connection, as a broken upstream or proxy may: the next request on it reads this one.
   */
  | { kind: 'stray-answer' };

/** A running emulator. */
export interface Emulator {
  /** Base URL to configure as SYNCTERA_BASE_URL, e.g. http://127.0.0.1:54321/v0 */
  readonly url: string;
  /** Every request received on the session path, in order (including refused ones). */
  readonly requests: readonly RecordedRequest[];
  /** How many distinct sessions were created. */
  readonly sessionsCreated: number;
  /** Queue a fault for the next `times` (default 1) requests on the session path; faults are consumed FIFO. */
  injectFault(fault: EmulatorFault, times?: number): void;
  /** Forget recorded requests, sessions, idempotency keys and queued faults. */
  reset(): void;
  /** Stop listening and end open sockets, including hung ones. */
  close(): Promise<void>;
}
