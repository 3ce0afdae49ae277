/** What the orchestrator asks of the load generator process, and what it answers. */
import type { Api } from './workload';

/** Load at a fixed concurrency, for a time or for a number of requests (autocannon). */
export interface LoadJob {
  readonly kind: 'load';
  /** The target's origin, such as `http://127.0.0.1:40123`. */
  readonly origin: string;
  readonly api: Api;
  readonly connections: number;
  readonly durationSec?: number;
  /** Stop after this many requests instead of after `durationSec`. */
  readonly amount?: number;
}

/** Requests one after the other on one connection, each timed with a high-resolution clock. */
export interface SequentialJob {
  readonly kind: 'sequential';
  readonly origin: string;
  readonly api: Api;
  readonly count: number;
}

/** A job for the load generator. */
export type Job = LoadJob | SequentialJob;

/** The outcome of a {@link LoadJob}. Latencies have autocannon's millisecond resolution. */
export interface LoadResult {
  readonly kind: 'load';
  readonly requests: number;
  readonly durationSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Network errors, timeouts, non-2xx answers and answers that are not a created session. */
  readonly errors: number;
}

/** The outcome of a {@link SequentialJob}: one latency per successful request. */
export interface SequentialResult {
  readonly kind: 'sequential';
  readonly samplesMs: readonly number[];
  readonly errors: number;
}

/** The answer to a {@link Job}. */
export type JobResult = LoadResult | SequentialResult;
