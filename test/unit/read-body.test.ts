import { Readable } from 'node:stream';
import { readUtf8UpTo } from '../../src/http/request-body';

/** A byte stream of `chunks` that, like a request body, errors when destroyed early. */
function byteStream(chunks: readonly string[]): Readable {
  const queue = chunks.map((chunk) => Buffer.from(chunk, 'utf8'));
  return new Readable({
    read() {
      this.push(queue.shift() ?? null);
    },
    destroy(_error, callback) {
      callback(queue.length > 0 ? new Error('Request aborted') : null);
    },
  });
}

describe('readUtf8UpTo', () => {
  it('joins every chunk as UTF-8, multi-byte characters split across chunks included', async () => {
    const euro = Buffer.from('€', 'utf8');
    const stream = new Readable({ read() {} });
    stream.push(Buffer.concat([Buffer.from('{"a":"'), euro.subarray(0, 1)]));
    stream.push(Buffer.concat([euro.subarray(1), Buffer.from('"}')]));
    stream.push(null);
    await expect(readUtf8UpTo(stream, 100)).resolves.toBe('{"a":"€"}');
  });

  it('accepts exactly maxBytes', async () => {
    await expect(readUtf8UpTo(byteStream(['12345', '67890']), 10)).resolves.toBe('1234567890');
  });

  it('gives undefined past maxBytes and stops reading, leaving the stream open and paused', async () => {
    const stream = byteStream(['12345', '67890', 'more', 'and more']);
    await expect(readUtf8UpTo(stream, 8)).resolves.toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.destroyed).toBe(false);
    expect(stream.isPaused()).toBe(true);
    expect(stream.read()).not.toBeNull();
  });

  it('lets the stream fail after the overflow without an unhandled error', async () => {
    const stream = byteStream(['12345', '67890', 'more']);
    await expect(readUtf8UpTo(stream, 8)).resolves.toBeUndefined();
    stream.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.destroyed).toBe(true);
  });

  it('rejects with the stream error', async () => {
    const stream = new Readable({ read() {} });
    const reading = readUtf8UpTo(stream, 100);
    stream.destroy(new Error('socket hang up'));
    await expect(reading).rejects.toThrow('socket hang up');
  });
});
