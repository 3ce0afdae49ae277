import { LOG_LEVELS, type LogLevel } from './logger';
import { DEFAULT_RETRY_POLICY, upstreamBudgetMs } from './synctera/retry-policy';
import { redactUrl } from './utils/redact-url';

/**
 * Every environment variable of docs/configuration.md, read and validated in one place. A bad
 * value stops start-up with a message that names the variable.
 */

/** The reference page does not print the upstream path, so it stays overridable. */
export const DEFAULT_SESSION_PATH = '/verifications/document_verification_session';

export interface UpstreamConfig {
  /** Undefined: no upstream configured, so outside production the emulator starts instead. */
  readonly baseUrl: string | undefined;
  readonly sessionPath: string;
  /** When set, it replaces the caller's Authorization. Never log it. */
  readonly apiKey: string | undefined;
  /** Budget of one attempt. */
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly maxConnections: number;
  /**
   * The longest one field's upstream work can take, waits included: what a router in front must
   * wait, and what the shutdown grace must outlast.
   */
  readonly budgetMs: number;
}

export interface HttpServerConfig {
  readonly headersTimeoutMs: number;
  /** Ends once the request is received: the answer may take the upstream budget on top. */
  readonly requestTimeoutMs: number;
  /**
   * Longer than the idle timeout of the router or load balancer in front, so that they close idle
   * connections: otherwise a request sent as this server closes one fails.
   */
  readonly keepAliveTimeoutMs: number;
}

/** Limits every operation must pass before any upstream call. */
export interface OperationLimits {
  /** Most `createDocumentVerificationSession` fields in one operation, fragments included. */
  readonly maxSessionFields: number;
  /** Deepest selection (introspection's `__schema` is not counted). */
  readonly maxDepth: number;
  readonly maxAliases: number;
  /** Most lexical tokens in one document. */
  readonly maxTokens: number;
  /** Longest query text, in UTF-8 bytes; a longer one is refused before it is parsed. */
  readonly maxQueryBytes: number;
  readonly maxBodyBytes: number;
}

/** The limits when no variable overrides them. */
export const DEFAULT_OPERATION_LIMITS: OperationLimits = Object.freeze({
  maxSessionFields: 5,
  maxDepth: 8,
  maxAliases: 15,
  maxTokens: 2000,
  maxQueryBytes: 16 * 1024,
  maxBodyBytes: 1024 * 1024,
});

/** The variable and range of each limit. */
const LIMIT_VARIABLES: Readonly<
  Record<keyof OperationLimits, { name: string; min: number; max: number }>
> = {
  maxSessionFields: { name: 'GRAPHQL_MAX_SESSION_FIELDS', min: 1, max: 100 },
  maxDepth: { name: 'GRAPHQL_MAX_DEPTH', min: 1, max: 100 },
  maxAliases: { name: 'GRAPHQL_MAX_ALIASES', min: 0, max: 1000 },
  maxTokens: { name: 'GRAPHQL_MAX_TOKENS', min: 10, max: 100_000 },
  maxQueryBytes: { name: 'GRAPHQL_MAX_QUERY_BYTES', min: 1024, max: 1024 * 1024 },
  maxBodyBytes: { name: 'HTTP_MAX_BODY_BYTES', min: 1024, max: 100 * 1024 * 1024 },
};

/** Browser origins allowed to call the endpoint cross-origin: a list, or `*` for any. */
export type CorsOrigins = readonly string[] | '*';

/** The validated, frozen configuration of one server. */
export interface Config {
  /** 0 picks a free port. */
  readonly port: number;
  readonly logLevel: LogLevel;
  /** `NODE_ENV=production`: introspection and Sandbox off. */
  readonly production: boolean;
  readonly upstream: UpstreamConfig;
  readonly http: HttpServerConfig;
  readonly limits: OperationLimits;
  /** Empty (the default): no CORS headers at all. */
  readonly corsOrigins: CorsOrigins;
  /** How long SIGTERM waits for in-flight requests before the process exits anyway. */
  readonly shutdownGraceMs: number;
  /** After SIGTERM, how long the server keeps accepting (with `/ready` at 503) before it stops. */
  readonly shutdownDelayMs: number;
  /** Count and serve Prometheus metrics at `/metrics`. */
  readonly metrics: boolean;
  /** `METRICS_PORT`: serve `/metrics` on a listener of its own; undefined keeps it on `port`. */
  readonly metricsPort: number | undefined;
}

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** The `NODE_ENV` values (trimmed, lower case; unset too) under which the emulator may start. */
const EMULATOR_ENVIRONMENTS = new Set(['development', 'test']);

/** What the default shutdown grace leaves, beyond the upstream budget, to write the answer. */
const SHUTDOWN_MARGIN_MS = 5_000;

/** Reads and validates the configuration; throws {@link ConfigError} on the first bad value. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = present(env, 'NODE_ENV')?.toLowerCase();
  const upstream = readUpstream(env, nodeEnv);
  const headersTimeoutMs = readInteger(env, 'HTTP_HEADERS_TIMEOUT_MS', {
    default: 10_000,
    min: 100,
    max: 600_000,
  });
  return Object.freeze({
    port: readInteger(env, 'PORT', { default: 4000, min: 0, max: 65535 }),
    logLevel: readLogLevel(env),
    production: nodeEnv === 'production',
    upstream,
    http: Object.freeze({
      headersTimeoutMs,
      // Node refuses a request timeout shorter than the headers timeout.
      requestTimeoutMs: readInteger(env, 'HTTP_REQUEST_TIMEOUT_MS', {
        default: Math.max(30_000, headersTimeoutMs),
        min: headersTimeoutMs,
        max: 3_600_000,
      }),
      keepAliveTimeoutMs: readInteger(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', {
        default: 75_000,
        min: 1_000,
        max: 3_600_000,
      }),
    }),
    limits: readLimits(env),
    corsOrigins: readCorsOrigins(env),
    shutdownGraceMs: readInteger(env, 'SHUTDOWN_GRACE_MS', {
      default: upstream.budgetMs + SHUTDOWN_MARGIN_MS,
      min: 100,
      max: 600_000,
    }),
    shutdownDelayMs: readInteger(env, 'SHUTDOWN_DELAY_MS', {
      default: 5_000,
      min: 0,
      max: 600_000,
    }),
    metrics: readSwitch(env, 'METRICS', true),
    metricsPort: readInteger(env, 'METRICS_PORT', { default: undefined, min: 0, max: 65535 }),
  });
}

function readUpstream(env: Env, nodeEnv: string | undefined): UpstreamConfig {
  const timeoutMs = readInteger(env, 'SYNCTERA_TIMEOUT_MS', {
    default: 10_000,
    min: 1,
    max: 600_000,
  });
  const maxRetries = readInteger(env, 'SYNCTERA_MAX_RETRIES', { default: 2, min: 0, max: 10 });
  return Object.freeze({
    baseUrl: readBaseUrl(env, nodeEnv),
    sessionPath: readSessionPath(env),
    apiKey: readApiKey(env),
    timeoutMs,
    maxRetries,
    budgetMs: upstreamBudgetMs({ ...DEFAULT_RETRY_POLICY, maxRetries }, timeoutMs),
    maxConnections: readInteger(env, 'SYNCTERA_MAX_CONNECTIONS', {
      default: 64,
      min: 1,
      max: 10_000,
    }),
  });
}

function readLimits(env: Env): OperationLimits {
  const limits: Record<keyof OperationLimits, number> = { ...DEFAULT_OPERATION_LIMITS };
  for (const key of Object.keys(limits) as (keyof OperationLimits)[]) {
    const { name, min, max } = LIMIT_VARIABLES[key];
    limits[key] = readInteger(env, name, { default: limits[key], min, max });
  }
  return Object.freeze(limits);
}

/** The variable's trimmed value; undefined when unset or blank. */
export function present(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function readInteger<Default extends number | undefined>(
  env: Env,
  name: string,
  range: { default: Default; min: number; max: number },
): number | Default {
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

/** `raw`, the value of `name`, as an http(s) URL; a {@link ConfigError} otherwise. */
export function readHttpUrl(name: string, raw: string): URL {
  if (!URL.canParse(raw)) {
    throw new ConfigError(name, `is not a valid URL: "${redactUrl(raw)}"`);
  }
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `must be an http(s) URL, got "${url.protocol}"`);
  }
  return url;
}

function readBaseUrl(env: Env, nodeEnv: string | undefined): string | undefined {
  const raw = present(env, 'SYNCTERA_BASE_URL');
  if (raw === undefined) {
    if (nodeEnv !== undefined && !EMULATOR_ENVIRONMENTS.has(nodeEnv)) {
      throw new ConfigError(
        'SYNCTERA_BASE_URL',
        `is required when NODE_ENV is "${nodeEnv}" (for example https://api.synctera.com/v0): ` +
          'the embedded emulator, whose sessions are not real, starts only when NODE_ENV is ' +
          'unset, development or test',
      );
    }
    return undefined;
  }
  const url = readHttpUrl('SYNCTERA_BASE_URL', raw);
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
    if (!/^https?:/.test(origin) || !URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new ConfigError(
        'CORS_ORIGINS',
        `must be "*" or comma-separated origins such as https://studio.apollographql.com, got "${redactUrl(origin)}"`,
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
