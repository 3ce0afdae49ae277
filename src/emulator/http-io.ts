/**
 * The transport layer: reading a request body up to a limit and writing a reply.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A response to send. Header names are lower case. */
export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A request body, read up to a limit. */
export interface BodyRead {
  /** The body as UTF-8 text (at most `limit` bytes of it). */
  readonly text: string;
  /** More than `limit` bytes arrived; the rest was read and discarded. */
  readonly tooLarge: boolean;
}

/** A JSON reply (`application/json` unless `headers` sets another content type). */
export function jsonReply(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * Reads the whole body, keeping at most `limit` bytes. The rest is drained rather than refused
 * mid-stream, so the client always gets to read the answer. Rejects if the client goes away.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      if (size + chunk.length > limit) {
        tooLarge = true;
        chunks.push(chunk.subarray(0, limit - size));
        size = limit;
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    req.on('end', () => {
      settled = true;
      resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge });
    });
    req.on('error', (error) => {
      if (settled) return;
      settled = true;
      reject(error);
    });
    req.on('close', () => {
      if (settled) return;
      settled = true;
      reject(new Error('request closed before its body was read'));
    });
  });
}

/** Writes `reply` unless the response is already finished or its socket gone. */
export function sendReply(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  if (reply.status === 204 || reply.status === 304) {
    res.writeHead(reply.status, reply.headers);
    res.end();
    return;
  }
  res.writeHead(reply.status, {
    ...reply.headers,
    'content-length': String(Buffer.byteLength(reply.body)),
  });
  res.end(reply.body);
}
