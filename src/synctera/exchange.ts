import type { IncomingHttpHeaders } from 'node:http';
import { type Dispatcher, util } from 'undici';

/** An upstream answer, its body read whole. */
export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body as UTF-8; undefined when it was longer than the limit (reading stopped there). */
  readonly text: string | undefined;
}

/** Bounds of one {@link exchange}. */
export interface ExchangeLimits {
  /** Time for the whole exchange, body included; then it fails with a `TimeoutError`. */
  readonly timeoutMs: number;
  /** Longest body read. */
  readonly maxBodyBytes: number;
  /** Abandons the exchange (failing with the signal's reason) when it aborts. */
  readonly signal?: AbortSignal;
}

/**
 * Sends one request on `dispatcher` and reads its answer, within `limits`. A dispatch handler
 * collects the body: no response stream, no AbortSignal or async resource per request, work
 * that undici's `request()` does and the hot path does not need. The promise settles once; a
 * request still queued in the pool when it fails is aborted as soon as it starts.
 */
export function exchange(
  dispatcher: Dispatcher,
  request: Dispatcher.DispatchOptions,
  limits: ExchangeLimits,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { signal } = limits;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    let abortRequest: ((error: Error) => void) | undefined;
    let settled = false;

    /** True for the first outcome only; it stops the timer and the signal's listener. */
    const settle = () => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const fail = (reason: unknown) => {
      if (!settle()) return;
      abortRequest?.(asError(reason));
      reject(reason);
    };
    const onAbort = () => fail(signal?.reason);
    const timer = setTimeout(
      () => fail(new DOMException(`No answer within ${limits.timeoutMs} ms.`, 'TimeoutError')),
      limits.timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });

    // The callbacks undici 7 calls on both its pools and its MockAgent (which skips the newer
    // onRequestStart/onResponse* ones).
    const handler: Dispatcher.DispatchHandler = {
      onConnect(abort) {
        abortRequest = abort;
        if (settled) abort(new Error('Abandoned before it was sent.'));
      },
      onHeaders(statusCode, rawHeaders) {
        status = statusCode;
        headers = util.parseHeaders(rawHeaders) as IncomingHttpHeaders;
        return true;
      },
      onData(chunk) {
        if (settled) return true;
        size += chunk.length;
        if (size <= limits.maxBodyBytes) {
          chunks.push(chunk);
        } else if (settle()) {
          abortRequest?.(new Error('The answer is longer than the limit.'));
          resolve({ status, headers, text: undefined });
        }
        return true;
      },
      onComplete() {
        if (settle())
          resolve({ status, headers, text: Buffer.concat(chunks, size).toString('utf8') });
      },
      onError(error) {
        fail(error);
      },
    };
    try {
      dispatcher.dispatch(request, handler);
    } catch (error) {
      fail(error);
    }
  });
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
