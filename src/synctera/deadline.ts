/** A signal that aborts after a time or with its parent, and the release of both. */
export interface Deadline {
  readonly signal: AbortSignal;
  /** Stops the timer and detaches from the parent; call it as soon as the work is over. */
  clear(): void;
}

/**
 * Aborts with a `TimeoutError` after `timeoutMs`, or with `parent`'s reason when it aborts first.
 * Unlike `AbortSignal.timeout()` (and `AbortSignal.any()` over it), whose signal and timer live for
 * the whole timeout even after a quick answer, this frees both on `clear()`: under load they die
 * young instead of filling the old generation (the gateway's memory grew by 80% over 100,000
 * requests before).
 */
export function startDeadline(timeoutMs: number, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`No answer within ${timeoutMs} ms.`, 'TimeoutError')),
    timeoutMs,
  );
  const followParent = () => controller.abort(parent?.reason);
  if (parent?.aborted) followParent();
  else parent?.addEventListener('abort', followParent, { once: true });
  return {
    signal: controller.signal,
    clear() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', followParent);
    },
  };
}
