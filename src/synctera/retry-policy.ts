/**
 * Whether an upstream attempt is tried again, and after how long. Retries are safe because every
 * attempt carries the same Idempotency-Key.
 */

export type AttemptOutcome =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly retryAfter: string | undefined;
      /**
       * An earlier attempt (same key) may still be in process upstream (it got no answer, another
       * request's, or a gateway's 502/504): a 409 then means "in progress", not a conflict.
       */
      readonly afterUnanswered: boolean;
    }
  | { readonly kind: 'network-error' }
  /** A 2xx for another request (another customer): the connection is out of step. */
  | { readonly kind: 'stray-answer' };

export interface RetryPolicy {
  /** `SYNCTERA_MAX_RETRIES`. */
  readonly maxRetries: number;
  /** Cap of the exponential backoff before jitter, for attempt n: min(max, base × 2^(n-1)). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Longest `Retry-After` honoured (the caller is waiting); a longer one ends the retries. */
  readonly maxRetryAfterMs: number;
  /** Source of jitter, in [0, 1). */
  readonly random: () => number;
}

/** `maxRetries` comes from the configuration. */
export const DEFAULT_RETRY_POLICY: Omit<RetryPolicy, 'maxRetries'> = {
  baseDelayMs: 100,
  maxDelayMs: 2_000,
  maxRetryAfterMs: 4_000,
  random: Math.random,
};

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/** Why an outcome may be retried, for the attempt's log line; undefined when it may not. */
export function retryReason(outcome: AttemptOutcome): string | undefined {
  if (outcome.kind === 'network-error') return 'network-error';
  if (outcome.kind === 'stray-answer') return 'stray-answer';
  if (isInProgress(outcome)) return 'in-progress';
  return RETRYABLE_STATUSES.has(outcome.status) ? `status-${outcome.status}` : undefined;
}

/** A 409 answering a retry of an attempt that got no answer: the key is still being processed. */
export function isInProgress(outcome: AttemptOutcome): boolean {
  return outcome.kind === 'response' && outcome.status === 409 && outcome.afterUnanswered;
}

/**
 * Milliseconds to wait before attempt `attempt + 1`, or undefined when `attempt` (1-based) was
 * the last one. Backoff is exponential with full jitter; a Retry-After replaces it, plus up to a
 * quarter of it again, so callers told the same Retry-After do not all come back at once.
 */
export function delayBeforeRetry(
  policy: RetryPolicy,
  outcome: AttemptOutcome,
  attempt: number,
  now: number = Date.now(),
): number | undefined {
  if (attempt > policy.maxRetries || retryReason(outcome) === undefined) return undefined;
  const requested = outcome.kind === 'response' ? retryAfterMs(outcome.retryAfter, now) : undefined;
  if (requested !== undefined) {
    if (requested > policy.maxRetryAfterMs) return undefined;
    return requested + Math.floor(policy.random() * (requested / 4));
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(policy.random() * ceiling);
}

/** Parses `Retry-After` (delta seconds or HTTP date) into milliseconds from `now`. */
export function retryAfterMs(header: string | undefined, now: number): number | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Every HTTP date format starts with a day name; Date.parse would also read "-1" as a year.
  if (!/^[A-Za-z]{3}/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The longest a call can take upstream: every attempt times out and every wait is the longest. */
export function upstreamBudgetMs(policy: RetryPolicy, timeoutMs: number): number {
  // A Retry-After wait gets up to a quarter of it again as jitter.
  const longestWait = Math.max(policy.maxDelayMs, (policy.maxRetryAfterMs * 5) / 4);
  return (policy.maxRetries + 1) * timeoutMs + policy.maxRetries * longestWait;
}
