import { LOG_LEVELS, type LogLevel } from './logger';

/**
 * Configuration: every environment variable of CONTRACT.md §5, read and validated in one place.
 * A bad value stops start-up with a message that names the variable.
 */

/** The default upstream path; the reference page does not print it, so it stays overridable. */
export const DEFAULT_SESSION_PATH = '/verifications/document_verification_session';

/** Where and how the upstream is called. */
export interface UpstreamConfig {
  /**
   * Base URL such as `https://api-sandbox.synctera.com/v0`. Undefined means "no upstream
   * configured": outside production the embedded emulator is started in its place.
   */
  readonly baseUrl: string | undefined;
  /** Path of the session endpoint under the base URL. */
  readonly sessionPath: string;
  /** Server-side key; when set, it replaces the caller's Authorization. Never log it. */
  readonly apiKey: string | undefined;
  /** Budget for one upstream attempt, in milliseconds. */
  readonly timeoutMs: number;
  /** Retries after the first attempt (network errors, 429, 502, 503, 504 only). */
  readonly maxRetries: number;
}

/** Limits every operation must pass before any upstream call (checked in parse and validation). */
export interface OperationLimits {
  /** Most `createDocumentVerificationSession` fields in one operation, fragments included. */
  readonly maxSessionFields: number;
  /** Deepest selection (introspection's `__schema` is not counted). */
  readonly maxDepth: number;
  /** Most aliases in one operation. */
  readonly maxAliases: number;
  /** Most lexical tokens in one document. */
  readonly maxTokens: number;
  /** Largest request body, in bytes. */
  readonly maxBodyBytes: number;
}

/** The limits when no variable overrides them. */
export const DEFAULT_OPERATION_LIMITS: OperationLimits = Object.freeze({
  maxSessionFields: 5,
  maxDepth: 8,
  maxAliases: 15,
  maxTokens: 2000,
  maxBodyBytes: 1024 * 1024,
});

/** Browser origins allowed to call the endpoint cross-origin: a list, or `*` for any. */
export type CorsOrigins = readonly string[] | '*';

/** The validated, frozen configuration of one server. */
export interface Config {
  /** Listen port (0 picks a free one). */
  readonly port: number;
  /** Minimum level of the JSON log lines (`LOG_LEVEL`, default `info`). */
  readonly logLevel: LogLevel;
  /** True when `NODE_ENV=production`: introspection and Sandbox off, upstream required. */
  readonly production: boolean;
  readonly upstream: UpstreamConfig;
  readonly limits: OperationLimits;
  /** `CORS_ORIGINS`; empty (the default) sends no CORS headers at all. */
  readonly corsOrigins: CorsOrigins;
  /** How long SIGTERM waits for in-flight requests before the process exits anyway. */
  readonly shutdownGraceMs: number;
  /**
   * `SHUTDOWN_DELAY_MS`: after SIGTERM, how long the server keeps accepting (with `/ready` at 503)
   * before it stops, so routers and the endpoints controller stop sending traffic first.
   */
  readonly shutdownDelayMs: number;
  /** `METRICS`: count and serve Prometheus metrics at `/metrics`. */
  readonly metrics: boolean;
  /** `GRAPHQL_FAST_PATH`: serve validated mutations without Apollo's plugin pipeline (fast-path.ts). */
  readonly fastPath: boolean;
}

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    /** The environment variable at fault. */
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and validates the configuration; throws {@link ConfigError} on the first bad value. */
export function loadConfig(env: Env = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const baseUrl = readBaseUrl(env, production);
  return Object.freeze({
    port: readInteger(env, 'PORT', { default: 4000, min: 0, max: 65535 }),
    logLevel: readLogLevel(env),
    production,
    upstream: Object.freeze({
      baseUrl,
      sessionPath: readSessionPath(env),
      apiKey: readApiKey(env),
      timeoutMs: readInteger(env, 'SYNCTERA_TIMEOUT_MS', { default: 10_000, min: 1, max: 600_000 }),
      maxRetries: readInteger(env, 'SYNCTERA_MAX_RETRIES', { default: 2, min: 0, max: 10 }),
    }),
    limits: Object.freeze({
      maxSessionFields: readInteger(env, 'GRAPHQL_MAX_SESSION_FIELDS', {
        default: DEFAULT_OPERATION_LIMITS.maxSessionFields,
        min: 1,
        max: 100,
      }),
      maxDepth: readInteger(env, 'GRAPHQL_MAX_DEPTH', {
        default: DEFAULT_OPERATION_LIMITS.maxDepth,
        min: 1,
        max: 100,
      }),
      maxAliases: readInteger(env, 'GRAPHQL_MAX_ALIASES', {
        default: DEFAULT_OPERATION_LIMITS.maxAliases,
        min: 0,
        max: 1000,
      }),
      maxTokens: readInteger(env, 'GRAPHQL_MAX_TOKENS', {
        default: DEFAULT_OPERATION_LIMITS.maxTokens,
        min: 10,
        max: 100_000,
      }),
      maxBodyBytes: readInteger(env, 'HTTP_MAX_BODY_BYTES', {
        default: DEFAULT_OPERATION_LIMITS.maxBodyBytes,
        min: 1024,
        max: 100 * 1024 * 1024,
      }),
    }),
    corsOrigins: readCorsOrigins(env),
    shutdownGraceMs: readInteger(env, 'SHUTDOWN_GRACE_MS', {
      default: 25_000,
      min: 100,
      max: 600_000,
    }),
    fastPath: readSwitch(env, 'GRAPHQL_FAST_PATH', true),
    shutdownDelayMs: readInteger(env, 'SHUTDOWN_DELAY_MS', {
      default: 5_000,
      min: 0,
      max: 600_000,
    }),
    metrics: readSwitch(env, 'METRICS', true),
  });
}

function present(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function readInteger(
  env: Env,
  name: string,
  range: { default: number; min: number; max: number },
): number {
  const raw = present(env, name);
  if (raw === undefined) return range.default;
  if (!/^\d+$/.test(raw) || Number(raw) < range.min || Number(raw) > range.max) {
    throw new ConfigError(
      name,
      `must be a whole number from ${range.min} to ${range.max}, got "${raw}"`,
    );
  }
  return Number(raw);
}

function readBaseUrl(env: Env, production: boolean): string | undefined {
  const raw = present(env, 'SYNCTERA_BASE_URL');
  if (raw === undefined) {
    if (production) {
      throw new ConfigError(
        'SYNCTERA_BASE_URL',
        'is required when NODE_ENV=production (for example https://api.synctera.com/v0); ' +
          'the embedded emulator is for development only',
      );
    }
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('SYNCTERA_BASE_URL', `is not a valid URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('SYNCTERA_BASE_URL', `must be an http(s) URL, got "${url.protocol}"`);
  }
  // `url.search` and `url.hash` are empty for a bare "?" or "#", so look at the raw text.
  if (url.username !== '' || url.password !== '' || /[?#]/.test(raw)) {
    throw new ConfigError(
      'SYNCTERA_BASE_URL',
      'must not contain credentials, a query or a fragment (use SYNCTERA_API_KEY for the key)',
    );
  }
  return url.href.replace(/\/+$/, '');
}

function readSessionPath(env: Env): string {
  const raw = present(env, 'SYNCTERA_DOCUMENT_VERIFICATION_SESSION_PATH');
  if (raw === undefined) return DEFAULT_SESSION_PATH;
  if (!/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/.test(raw)) {
    throw new ConfigError(
      'SYNCTERA_DOCUMENT_VERIFICATION_SESSION_PATH',
      `must be a URL path starting with "/", got "${raw}"`,
    );
  }
  return raw;
}

function readApiKey(env: Env): string | undefined {
  const raw = present(env, 'SYNCTERA_API_KEY');
  if (raw !== undefined && !/^[\x21-\x7e]+$/.test(raw)) {
    // The value itself is a secret: the message must not repeat it.
    throw new ConfigError('SYNCTERA_API_KEY', 'must be a single token of visible ASCII characters');
  }
  return raw;
}

function readCorsOrigins(env: Env): CorsOrigins {
  const raw = present(env, 'CORS_ORIGINS');
  if (raw === undefined) return Object.freeze([]);
  if (raw === '*') return '*';
  const origins = raw.split(',').map((origin) => origin.trim());
  for (const origin of origins) {
    // An origin is scheme://host[:port] exactly: no path, no trailing slash (browsers send none).
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(
        'CORS_ORIGINS',
        `must be "*" or comma-separated origins such as https://studio.apollographql.com, got "${origin}"`,
      );
    }
  }
  return Object.freeze(origins);
}

function readSwitch(env: Env, name: string, defaultValue: boolean): boolean {
  const raw = present(env, name)?.toLowerCase();
  if (raw === undefined) return defaultValue;
  if (raw === 'on') return true;
  if (raw === 'off') return false;
  throw new ConfigError(name, `must be "on" or "off", got "${raw}"`);
}

function readLogLevel(env: Env): LogLevel {
  const raw = present(env, 'LOG_LEVEL');
  if (raw === undefined) return 'info';
  const level = LOG_LEVELS.find((candidate) => candidate === raw);
  if (level === undefined) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  }
  return level;
}
