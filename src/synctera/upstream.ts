import { type Dispatcher, Pool } from 'undici';
import type { UpstreamConfig } from '../config';
import type { Logger } from '../logger';
import { CredentialScanner } from './credentials';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy';

/** Largest upstream body read; a real session answer is a few hundred bytes. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** Everything per-server about the upstream: one keep-alive pool and the settings of each call. */
export interface Upstream {
  /** The pool new attempts go to. */
  readonly dispatcher: Dispatcher;
  /** Path on the pool's origin: the base URL's path followed by the session path. */
  readonly path: string;
  readonly timeoutMs: number;
  readonly retryPolicy: RetryPolicy;
  readonly apiKey: string | undefined;
  /** The server key's scanner, made once: with a server key, it is every call's credential. */
  readonly apiKeyScanner: CredentialScanner | undefined;
  readonly logger: Logger;
  /**
   * Sends later attempts on new connections, when `served` (the pool an attempt went out on) is
   * still the current one. For a connection that delivered an answer to another request: it is
   * out of step, and whichever request is sent on it next would read an answer that is not its
   * own. The old connections close once their requests have finished.
   */
  replaceConnections(served: Dispatcher): void;
  /** Closes the pools once in-flight calls have finished. */
  close(): Promise<void>;
}

/** Creates the shared upstream for `baseUrl` (the configured one, or the emulator's). */
export function createUpstream(
  config: UpstreamConfig,
  baseUrl: string,
  logger: Logger,
  retryPolicy: Partial<Omit<RetryPolicy, 'maxRetries'>> = {},
): Upstream {
  const url = new URL(baseUrl);
  // Beyond `maxConnections` calls queue in the pool, each within its attempt's deadline.
  const newPool = () =>
    new Pool(url.origin, {
      keepAliveTimeout: 30_000,
      connections: config.maxConnections,
      maxResponseSize: MAX_RESPONSE_BYTES,
    });
  let pool = newPool();
  const retired = new Set<Promise<void>>();
  let closing = false;
  const policy = { ...DEFAULT_RETRY_POLICY, ...retryPolicy, maxRetries: config.maxRetries };
  return {
    get dispatcher() {
      return pool;
    },
    path: `${url.pathname.replace(/\/+$/, '')}${config.sessionPath}`,
    timeoutMs: config.timeoutMs,
    retryPolicy: policy,
    apiKey: config.apiKey,
    apiKeyScanner: config.apiKey === undefined ? undefined : new CredentialScanner(config.apiKey),
    logger,
    replaceConnections(served) {
      // Once per out-of-step pool, however many of its answers were strays; none once closing.
      if (served !== pool || closing) return;
      const old = pool;
      pool = newPool();
      const oldClosed = old.close().finally(() => retired.delete(oldClosed));
      retired.add(oldClosed);
    },
    async close() {
      closing = true;
      await Promise.all([pool.close(), ...retired]);
    },
  };
}
