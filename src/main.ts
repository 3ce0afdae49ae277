/**
 * Process entry (`npm start`): load the configuration, start the embedded emulator when no
 * upstream is configured outside production, serve, and shut down cleanly on SIGTERM/SIGINT.
 */
import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, loadConfig } from './config';
import type { Emulator } from './emulator';
import { createLogger } from './logger';
import { createServer } from './http/server';
import { upstreamBudgetMs } from './synctera/retry-policy';
import { readTracingConfig } from './telemetry/tracing-config';

const EMULATOR_BANNER = `
================================================================================
  SYNCTERA_BASE_URL is not set: using the EMBEDDED EMULATOR of the upstream.
  Sessions created here are NOT real document verifications and reach no bank.
  Set SYNCTERA_BASE_URL (e.g. https://api-sandbox.synctera.com/v0) for the real API.
================================================================================
`;

async function main(): Promise<void> {
  let config;
  let tracingConfig;
  try {
    config = loadConfig(process.env);
    tracingConfig = readTracingConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Configuration error: ${error.message}`);
    process.exit(1);
  }
  // Loaded only when on: a process without tracing never loads the OpenTelemetry SDK.
  const tracing =
    tracingConfig && (await import('./telemetry/tracing.js')).startTracing(tracingConfig);
  const logger = createLogger(config.logLevel, undefined, tracing?.logFields);

  let emulator: Emulator | undefined;
  if (config.upstream.baseUrl === undefined) {
    // Loaded only here: a process with an upstream never loads the emulator's code.
    const { startEmulator } = await import('./emulator/index.js');
    emulator = await startEmulator();
    console.warn(EMULATOR_BANNER);
  }
  const server = await createServer({
    config,
    logger,
    upstreamBaseUrl: emulator?.url,
    tracing,
    emulatedUpstream: emulator !== undefined,
  });
  const url = await server.listen();
  // A router in front must wait at least this long for this subgraph (schema/router.yaml).
  const budgetMs = upstreamBudgetMs(server.upstream.retryPolicy, server.upstream.timeoutMs);
  logger.info(
    {
      url,
      upstream: config.upstream.baseUrl ?? `emulator at ${emulator?.url}`,
      upstreamBudgetMs: budgetMs,
      tracing: tracingConfig === undefined ? 'off' : tracingConfig.tracesUrl,
    },
    config.production
      ? `Subgraph ready at ${url}`
      : `Subgraph ready at ${url}: open it in a browser for Apollo Sandbox`,
  );

  if (config.shutdownGraceMs <= budgetMs) {
    logger.warn(
      { shutdownGraceMs: config.shutdownGraceMs, upstreamBudgetMs: budgetMs },
      `SHUTDOWN_GRACE_MS (${config.shutdownGraceMs} ms) does not exceed the upstream budget ` +
        `(${budgetMs} ms): a call in flight at SIGTERM may be cut off without an answer. ` +
        'Raise SHUTDOWN_GRACE_MS, or lower SYNCTERA_TIMEOUT_MS or SYNCTERA_MAX_RETRIES.',
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Routers and the endpoints controller need a moment to stop sending traffic here: until
    // then, new requests are still served while /ready answers 503.
    server.drain();
    const delayMs = config.shutdownDelayMs;
    logger.info({ signal, delayMs }, 'draining: /ready answers 503, still serving');
    await sleep(delayMs);
    const graceMs = config.shutdownGraceMs;
    logger.info({ signal, graceMs }, 'shutting down: refusing new connections, finishing requests');
    // The bound: requests still running after the grace period are dropped (exit code 1).
    setTimeout(() => {
      logger.error({ graceMs }, 'shutdown grace period over: exiting with requests in flight');
      process.exit(1);
    }, graceMs).unref();
    await server.close();
    await emulator?.close();
    await tracing?.shutdown();
    logger.info('shut down');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('Failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
