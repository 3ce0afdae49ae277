/**
 * Idempotency keys, scoped per bearer token: the outcome first answered for a key (to replay it)
 * and a per-key queue so that concurrent requests with one key are handled one after the other.
 */

/** What was answered for a key, and the body it was answered for. */
export interface StoredOutcome {
  /** Canonical JSON of the request body (see `canonicalJson`). */
  readonly fingerprint: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: unknown;
}

/** The store's key for `key` sent with `token`: the same key under two tokens never collides. */
export function idempotencyScope(token: string, key: string): string {
  return JSON.stringify([token, key]);
}

/** JSON with object keys sorted at every level, so equal bodies compare equal as text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}

/** Outcomes per scope, and the per-scope queue. */
export class IdempotencyStore {
  private readonly outcomes = new Map<string, StoredOutcome>();
  private readonly tails = new Map<string, Promise<void>>();

  /** The outcome stored for `scope`, if any. */
  get(scope: string): StoredOutcome | undefined {
    return this.outcomes.get(scope);
  }

  /** Stores the outcome for `scope` (the first one wins; later calls are ignored). */
  set(scope: string, outcome: StoredOutcome): void {
    if (!this.outcomes.has(scope)) this.outcomes.set(scope, outcome);
  }

  /** Whether a request with `scope` is being handled, or waiting to be. */
  busy(scope: string): boolean {
    return this.tails.has(scope);
  }

  /** Runs `task` once every task queued earlier for the same scope has settled. */
  async exclusive<T>(scope: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(scope) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => done);
    this.tails.set(scope, tail);
    try {
      await previous;
      return await task();
    } finally {
      release();
      if (this.tails.get(scope) === tail) this.tails.delete(scope);
    }
  }
}
