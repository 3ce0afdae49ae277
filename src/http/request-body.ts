import type { Readable } from 'node:stream';

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
