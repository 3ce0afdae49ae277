/**
 * One Idempotency-Key per user intent. The key is made when the form is first submitted, kept
 * while the person retries the same input (after a lost answer, a timeout, UPSTREAM_UNAVAILABLE
 * or RATE_LIMITED), and replaced only when the input changes. So however many times the person
 * presses the button, and whatever got lost on the way, one intent starts at most one session.
 */
import { useRef } from 'react';

interface Intent {
  /** The input the key was made for, as sent. */
  readonly input: string;
  key: string;
}

export interface IdempotencyKeys {
  /** The key for `input`: the current one for the same input, a new one for another input. */
  keyFor(input: unknown): string;
  /**
   * Records the key the server reports it sent upstream (`idempotencyKey` in the answer, or
   * `extensions.idempotencyKey` on an error): the one a retry must reuse.
   */
  adopt(key: string | undefined): void;
}

export function useIdempotencyKeys(): IdempotencyKeys {
  const intent = useRef<Intent | undefined>(undefined);
  return {
    keyFor(input) {
      // The page builds its input object in one fixed field order, so equal inputs serialize
      // equally.
      const text = JSON.stringify(input);
      if (intent.current?.input !== text) {
        intent.current = { input: text, key: crypto.randomUUID() };
      }
      return intent.current.key;
    },
    adopt(key) {
      if (key !== undefined && intent.current !== undefined) intent.current.key = key;
    },
  };
}
