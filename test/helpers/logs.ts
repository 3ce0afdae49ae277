import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';

/** A logger with the server's settings (redaction included) whose JSON lines land in `lines`. */
export function capturingLogger(mixin?: () => Record<string, unknown>) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return {
    lines,
    logger: createLogger('debug', sink, mixin),
    /** The parsed lines with this message. */
    entries: (msg: string) =>
      lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((e) => e.msg === msg),
  };
}
