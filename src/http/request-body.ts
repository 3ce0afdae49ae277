import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { isJsonContentType } from '../utils/json';
import { HttpError } from './refusals';

/**
 * Reads the body of a JSON POST (at most `maxBodyBytes`, else 413) and parses it (400 when it is
 * not JSON); undefined for any other request, which has no body for GraphQL.
 */
export async function readJsonBody(req: IncomingMessage, maxBodyBytes: number): Promise<unknown> {
  if (req.method !== 'POST' || !isJsonContentType(req.headers['content-type'])) return undefined;
  return parseBody(await readBody(req, maxBodyBytes));
}

/**
 * Reads a byte stream to the end as UTF-8, or resolves `undefined` as soon as it passes
 * `maxBytes`, leaving the stream paused and the rest unread: destroying a request's stream resets
 * its connection before the refusal can be sent, and the caller decides when to close it. Events
 * rather than `for await`: the async iterator costs a few promises per chunk on the hot path, for
 * every request body.
 */
export function readUtf8UpTo(stream: Readable, maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // The error listener stays: a stream left unread may still fail (its client gone), harmlessly.
    const stop = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stop();
        stream.pause();
        resolve(undefined);
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size).toString('utf8'));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const text = await readUtf8UpTo(req, maxBytes);
  if (text === undefined) throw tooLarge(maxBytes);
  return text;
}

/**
 * The refusal of a body over the limit. The rest of the body stays unread and the connection is
 * closed once the answer is written: reading on would let a client stream without bound.
 */
function tooLarge(maxBytes: number): HttpError {
  return new HttpError(
    413,
    'BAD_USER_INPUT',
    `The request body is larger than ${maxBytes} bytes (limit set by HTTP_MAX_BODY_BYTES).`,
    { connection: 'close' },
  );
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'BAD_USER_INPUT', 'The request body is not valid JSON.');
  }
}
