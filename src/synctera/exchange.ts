import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

/** An upstream answer, its body read whole. */
export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body as UTF-8; undefined when it was longer than the dispatcher's `maxResponseSize`. */
  readonly text: string | undefined;
}

/**
 * Sends one POST on `dispatcher` and reads its answer within `timeoutMs`. The deadline covers
 * the wait for a connection in the pool, the headers and the body: a request still queued when
 * it passes is never sent. The dispatcher's `maxResponseSize` bounds the body: past it, reading
 * stops, the connection is closed and the answer has no text.
 */
export async function exchange(
  dispatcher: Dispatcher,
  request: Pick<Dispatcher.RequestOptions, 'path' | 'headers' | 'body'>,
  timeoutMs: number,
): Promise<Answer> {
  const signal = AbortSignal.timeout(timeoutMs);
  const { statusCode, headers, body } = await beforeDeadline(
    dispatcher.request({ ...request, method: 'POST', signal }),
    signal,
  );
  try {
    return { status: statusCode, headers, text: await body.text() };
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'UND_ERR_RES_EXCEEDED_MAX_SIZE') throw error;
    return { status: statusCode, headers, text: undefined };
  }
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
