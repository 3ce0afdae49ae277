import { Pool } from 'undici';
import type { UpstreamConfig } from '../config';
import type { Logger } from '../logger';
import { CredentialScanner } from './credentials';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy';

/** Everything per-server about the upstream: one keep-alive pool and the settings of each call. */
export interface Upstream {
  readonly dispatcher: Pool;
  /** Path on the pool's origin: the base URL's path followed by the session path. */
  readonly path: string;
  readonly timeoutMs: number;
  readonly retryPolicy: RetryPolicy;
  readonly apiKey: string | undefined;
  /** The server key's scanner, made once: with a server key, it is every call's credential. */
  readonly apiKeyScanner: CredentialScanner | undefined;
  readonly logger: Logger;
  /** Closes the pool once in-flight calls have finished. */
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
  const dispatcher = new Pool(url.origin, {
    keepAliveTimeout: 30_000,
    connections: config.maxConnections,
  });
  return {
    dispatcher,
    path: `${url.pathname.replace(/\/+$/, '')}${config.sessionPath}`,
    timeoutMs: config.timeoutMs,
    retryPolicy: { ...DEFAULT_RETRY_POLICY, ...retryPolicy, maxRetries: config.maxRetries },
    apiKey: config.apiKey,
    apiKeyScanner: config.apiKey === undefined ? undefined : new CredentialScanner(config.apiKey),
    logger,
    close: () => dispatcher.close(),
  };
}
