import type { IncomingHttpHeaders } from 'node:http';
import { EventEmitter } from 'node:events';
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
  const deadline = new Deadline(timeoutMs);
  try {
    const { statusCode, headers, body } = await deadline.race(
      dispatcher.request({ ...request, method: 'POST', signal: deadline }),
    );
    try {
      return { status: statusCode, headers, text: await body.text() };
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'UND_ERR_RES_EXCEEDED_MAX_SIZE') throw error;
      return { status: statusCode, headers, text: undefined };
    }
  } finally {
    deadline.clear();
  }
}

/**
 * An attempt's deadline, as undici's `signal` option takes it: an EventEmitter that emits
 * `abort` (undici documents both kinds). An AbortSignal would do the same at several times the
 * cost per attempt, its timer and EventTarget listeners being far slower than an emitter's.
 */
class Deadline extends EventEmitter {
  aborted = false;
  reason: DOMException | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    super();
    this.timer = setTimeout(() => {
      this.aborted = true;
      this.reason = new DOMException(`No answer within ${ms} ms.`, 'TimeoutError');
      this.emit('abort');
    }, ms);
  }

  clear(): void {
    clearTimeout(this.timer);
  }

  /**
   * `responded`, or the deadline's reason as soon as it passes. undici settles a request aborted
   * while queued in the pool only once a connection takes it (and then never sends it); the
   * deadline must not wait for a connection to free up.
   */
  race<T>(responded: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.reason);
      this.once('abort', onAbort);
      responded.then(resolve, reject).finally(() => this.off('abort', onAbort));
    });
  }
}
