import {
  type AttemptOutcome,
  DEFAULT_RETRY_POLICY,
  delayBeforeRetry,
  type RetryPolicy,
  retryAfterMs,
  retryReason,
  upstreamBudgetMs,
} from '../../src/synctera/retry-policy';

const NOW = Date.parse('2025-01-01T00:00:00.000Z');

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return {
    maxRetries: 2,
    baseDelayMs: 100,
    maxDelayMs: 2_000,
    maxRetryAfterMs: 4_000,
    random: () => 0.5,
    ...overrides,
  };
}

function response(status: number, retryAfter?: string, afterUnanswered = false): AttemptOutcome {
  return { kind: 'response', status, retryAfter, afterUnanswered };
}

const NETWORK_ERROR: AttemptOutcome = { kind: 'network-error' };

describe('retryReason', () => {
  it('retries network errors', () => {
    expect(retryReason(NETWORK_ERROR)).toBe('network-error');
  });

  it('retries a 409 only after an attempt of the same call got no answer (in progress)', () => {
    expect(retryReason(response(409, undefined, true))).toBe('in-progress');
    expect(retryReason(response(409))).toBeUndefined();
    expect(retryReason(response(400, undefined, true))).toBeUndefined();
  });

  it('retries an answer that belongs to another request', () => {
    expect(retryReason({ kind: 'stray-answer' })).toBe('stray-answer');
  });

  it.each([429, 502, 503, 504])('retries HTTP %i', (status) => {
    expect(retryReason(response(status))).toBe(`status-${status}`);
  });

  it.each([200, 201, 204, 301, 400, 401, 403, 404, 408, 409, 422, 425, 500, 501, 505, 599])(
    'does not retry HTTP %i',
    (status) => {
      expect(retryReason(response(status))).toBeUndefined();
    },
  );
});

describe('delayBeforeRetry', () => {
  it.each([400, 401, 404, 409, 500, 501])(
    'gives up at once on HTTP %i, even with a Retry-After',
    (status) => {
      expect(delayBeforeRetry(policy(), response(status, '1'), 1, NOW)).toBeUndefined();
    },
  );

  it('retries up to maxRetries times, then stops', () => {
    const p = policy({ maxRetries: 2 });
    expect(delayBeforeRetry(p, NETWORK_ERROR, 1, NOW)).toBeDefined();
    expect(delayBeforeRetry(p, NETWORK_ERROR, 2, NOW)).toBeDefined();
    expect(delayBeforeRetry(p, NETWORK_ERROR, 3, NOW)).toBeUndefined();
    expect(delayBeforeRetry(p, response(503), 3, NOW)).toBeUndefined();
  });

  it('never retries with maxRetries 0', () => {
    const p = policy({ maxRetries: 0 });
    expect(delayBeforeRetry(p, NETWORK_ERROR, 1, NOW)).toBeUndefined();
    expect(delayBeforeRetry(p, response(429, '1'), 1, NOW)).toBeUndefined();
  });

  it('stops after maxRetries even when Retry-After asks for a short wait', () => {
    expect(delayBeforeRetry(policy({ maxRetries: 1 }), response(429, '0'), 2, NOW)).toBeUndefined();
  });

  it('uses full jitter over an exponential ceiling: floor(random × min(max, base × 2^(n-1)))', () => {
    const p = policy({ maxRetries: 10, baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0.5 });
    expect(delayBeforeRetry(p, NETWORK_ERROR, 1, NOW)).toBe(50);
    expect(delayBeforeRetry(p, NETWORK_ERROR, 2, NOW)).toBe(100);
    expect(delayBeforeRetry(p, NETWORK_ERROR, 3, NOW)).toBe(200);
    expect(delayBeforeRetry(p, NETWORK_ERROR, 4, NOW)).toBe(400);
    expect(delayBeforeRetry(p, NETWORK_ERROR, 5, NOW)).toBe(500); // capped at 1000
    expect(delayBeforeRetry(p, NETWORK_ERROR, 9, NOW)).toBe(500);
  });

  it('spans the whole range [0, ceiling) with the injected random', () => {
    const low = policy({ maxRetries: 5, random: () => 0 });
    const high = policy({ maxRetries: 5, random: () => 0.999999 });
    expect(delayBeforeRetry(low, response(503), 3, NOW)).toBe(0);
    expect(delayBeforeRetry(high, response(503), 3, NOW)).toBe(399);
    expect(delayBeforeRetry(high, response(429), 1, NOW)).toBe(99);
  });

  it('calls the injected random once per delay and returns whole milliseconds', () => {
    const random = jest.fn(() => 0.123456);
    const delay = delayBeforeRetry(policy({ random }), response(502), 2, NOW);
    expect(random).toHaveBeenCalledTimes(1);
    expect(delay).toBe(Math.floor(0.123456 * 200));
    expect(Number.isInteger(delay)).toBe(true);
  });

  it('honours Retry-After in seconds instead of the backoff, plus up to a quarter as jitter', () => {
    expect(delayBeforeRetry(policy({ random: () => 0 }), response(429, '3'), 1, NOW)).toBe(3_000);
    expect(delayBeforeRetry(policy({ random: () => 0.5 }), response(429, '3'), 1, NOW)).toBe(3_375);
    expect(delayBeforeRetry(policy({ random: () => 0.9999 }), response(429, '1'), 1, NOW)).toBe(
      1_249,
    );
    expect(delayBeforeRetry(policy(), response(503, '0'), 1, NOW)).toBe(0);
  });

  it('honours Retry-After as an HTTP date', () => {
    const inTwoSeconds = new Date(NOW + 2_000).toUTCString();
    const p = policy({ random: () => 0 });
    expect(delayBeforeRetry(p, response(503, inTwoSeconds), 1, NOW)).toBe(2_000);
  });

  it('retries at once for a Retry-After date in the past', () => {
    const past = new Date(NOW - 60_000).toUTCString();
    expect(delayBeforeRetry(policy(), response(429, past), 1, NOW)).toBe(0);
  });

  it('accepts a Retry-After equal to maxRetryAfterMs', () => {
    const p = policy({ maxRetryAfterMs: 5_000, random: () => 0 });
    expect(delayBeforeRetry(p, response(429, '5'), 1, NOW)).toBe(5_000);
  });

  it('stops retrying when Retry-After is longer than maxRetryAfterMs', () => {
    const p = policy({ maxRetryAfterMs: 5_000 });
    expect(delayBeforeRetry(p, response(429, '6'), 1, NOW)).toBeUndefined();
    expect(delayBeforeRetry(p, response(503, '3600'), 1, NOW)).toBeUndefined();
    const later = new Date(NOW + 60_000).toUTCString();
    expect(delayBeforeRetry(p, response(503, later), 1, NOW)).toBeUndefined();
  });

  it('falls back to the backoff when Retry-After cannot be read', () => {
    expect(delayBeforeRetry(policy(), response(429, 'soon'), 1, NOW)).toBe(50);
    expect(delayBeforeRetry(policy(), response(429, ''), 1, NOW)).toBe(50);
  });

  it.each(['-1', '1.5'])(
    'treats the malformed Retry-After %j as absent (backoff), not as a date',
    (header) => {
      // RFC 9110: Retry-After is an HTTP-date or non-negative delay-seconds. V8's lenient
      // Date.parse reads "-1" and "1.5" as dates in 2001, which would mean "retry at once".
      expect(delayBeforeRetry(policy(), response(429, header), 1, NOW)).toBe(50);
    },
  );

  it('defaults `now` to the current time', () => {
    jest.useFakeTimers({ now: NOW });
    try {
      const inOneSecond = new Date(NOW + 1_000).toUTCString();
      expect(delayBeforeRetry(policy({ random: () => 0 }), response(503, inOneSecond), 1)).toBe(
        1_000,
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('has sane defaults', () => {
    expect(DEFAULT_RETRY_POLICY.baseDelayMs).toBeGreaterThan(0);
    expect(DEFAULT_RETRY_POLICY.maxDelayMs).toBeGreaterThanOrEqual(
      DEFAULT_RETRY_POLICY.baseDelayMs,
    );
    expect(DEFAULT_RETRY_POLICY.random).toBe(Math.random);
    const delay = delayBeforeRetry({ ...DEFAULT_RETRY_POLICY, maxRetries: 2 }, NETWORK_ERROR, 1);
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThan(DEFAULT_RETRY_POLICY.baseDelayMs);
  });
});

describe('retryAfterMs', () => {
  it('is undefined without a header', () => {
    expect(retryAfterMs(undefined, NOW)).toBeUndefined();
  });

  it.each([
    ['0', 0],
    ['1', 1_000],
    ['120', 120_000],
    [' 7 ', 7_000],
  ])('reads delay-seconds %j as %i ms', (header, ms) => {
    expect(retryAfterMs(header, NOW)).toBe(ms);
  });

  it('reads an IMF-fixdate relative to now', () => {
    expect(retryAfterMs('Wed, 01 Jan 2025 00:00:30 GMT', NOW)).toBe(30_000);
  });

  it('never returns a negative delay for a past date', () => {
    expect(retryAfterMs('Tue, 31 Dec 2024 23:59:00 GMT', NOW)).toBe(0);
  });

  it.each(['soon', '', 'abc123'])('is undefined for the unreadable %j', (header) => {
    expect(retryAfterMs(header, NOW)).toBeUndefined();
  });
});

describe('upstreamBudgetMs', () => {
  const twoRetries = policy({ maxRetries: 2 });

  it('is every attempt at its timeout plus the longest wait before each retry', () => {
    // 3 attempts × 10 s + 2 waits × max(2 s backoff cap, 4 s Retry-After cap + a quarter)
    expect(upstreamBudgetMs(twoRetries, 10_000)).toBe(40_000);
    expect(upstreamBudgetMs({ ...twoRetries, maxRetries: 0 }, 10_000)).toBe(10_000);
  });

  it('is never shorter than the policy lets a call run', () => {
    for (let attempt = 1; attempt <= twoRetries.maxRetries; attempt++) {
      const waited = delayBeforeRetry(
        { ...twoRetries, random: () => 0.999 },
        response(429, String(twoRetries.maxRetryAfterMs / 1000)),
        attempt,
        NOW,
      );
      expect(waited).toBeLessThanOrEqual(
        Math.max(twoRetries.maxDelayMs, (twoRetries.maxRetryAfterMs * 5) / 4),
      );
    }
  });
});
