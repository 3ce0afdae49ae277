import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Log levels accepted by `LOG_LEVEL`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

const BEARER_CREDENTIAL = /\b(Bearer)\s+[\x21-\x7e]+/gi;

/** `text` with every `Bearer <credential>` blanked out, for error text that may quote a header. */
export function redactBearer(text: string): string {
  return text.replace(BEARER_CREDENTIAL, '$1 [redacted]');
}

/**
 * Structured JSON logs to stdout (or `destination`). Credentials are redacted by path as a second
 * line of defence: no code here logs headers or the configuration, but a host may pass its own
 * objects; logged errors lose any `Bearer <credential>` in their message and stack.
 */
export function createLogger(
  level: LogLevel = 'info',
  destination?: DestinationStream,
  /** Fields added to every line, such as the active span's `trace_id` and `span_id`. */
  mixin?: () => Record<string, unknown>,
): Logger {
  const options: pino.LoggerOptions = {
    level,
    mixin,
    base: undefined,
    serializers: {
      err: (error: unknown) => {
        if (!(error instanceof Error)) return error;
        const serialized = pino.stdSerializers.err(error);
        return {
          ...serialized,
          message: redactBearer(serialized.message),
          stack: redactBearer(serialized.stack),
        };
      },
    },
    redact: {
      paths: [
        'authorization',
        'apiKey',
        '*.authorization',
        '*.apiKey',
        'headers.authorization',
        'req.headers.authorization',
      ],
      censor: '[redacted]',
    },
  };
  return pino(options, destination ?? stdout());
}

let stdoutDestination: DestinationStream | undefined;

/**
 * Standard output, written asynchronously in batches and shared by every logger of the process:
 * one write call per batch instead of one per line. pino flushes what waits when the process
 * exits through Node's exit; a SIGKILL loses it.
 */
function stdout(): DestinationStream {
  stdoutDestination ??= pino.destination({
    dest: 1,
    sync: false,
    minLength: 4096,
    periodicFlush: 100,
  });
  return stdoutDestination;
}
