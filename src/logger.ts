import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** Log levels accepted by `LOG_LEVEL`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Structured JSON logs. Credentials are redacted by path as a second line of defence: no code
 * here logs headers or the configuration, but a host may pass its own objects.
 */
export function createLogger(level: LogLevel = 'info'): Logger {
  return pino({
    level,
    base: undefined,
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
  });
}
