import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

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
}

/**
 * Sends one POST on `dispatcher` and reads its answer within `limits`. The deadline covers the
 * wait for a connection in the pool, the headers and the body: a request still queued when it
 * passes is never sent. A body over the limit is not read further, and its connection is closed.
 */
export async function exchange(
  dispatcher: Dispatcher,
  request: Pick<Dispatcher.RequestOptions, 'path' | 'headers' | 'body'>,
  limits: ExchangeLimits,
): Promise<Answer> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  const { statusCode, headers, body } = await beforeDeadline(
    dispatcher.request({ ...request, method: 'POST', signal }),
    signal,
  );
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limits.maxBodyBytes) {
      body.destroy();
      return { status: statusCode, headers, text: undefined };
    }
    chunks.push(chunk);
  }
  return { status: statusCode, headers, text: Buffer.concat(chunks, size).toString('utf8') };
}

/**
 * `responded`, or the signal's reason as soon as it aborts. undici settles a request aborted while
 * queued in the pool only once a connection takes it (and then never sends it); the deadline
 * must not wait for a connection to free up.
 */
function beforeDeadline<T>(responded: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    responded.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
