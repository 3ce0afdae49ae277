/** Process entry (`npm start`): the emulator when no upstream is set, and a clean shutdown. */
import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, loadConfig } from './config';
import type { Emulator } from './emulator';
import { createLogger } from './logger';
import { createServer } from './http/server';
import { readTracingConfig, TRACES_SHUTDOWN_FLUSH_MS } from './telemetry/tracing-config';
import { redactUrl } from './utils/redact-url';

const EMULATOR_BANNER = `
================================================================================
  SYNCTERA_BASE_URL is not set: using the EMBEDDED EMULATOR of the upstream.
  Sessions created here are NOT real document verifications and reach no bank.
  Set SYNCTERA_BASE_URL (e.g. https://api-sandbox.synctera.com/v0) for the real API.
================================================================================
`;

/** After the grace and the trace flush, what closing the rest may take before the hard exit. */
const SHUTDOWN_EXIT_MARGIN_MS = 1_000;

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
  tracing?.reportTo(logger);

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
  const { budgetMs } = config.upstream;
  logger.info(
    {
      url,
      upstream:
        config.upstream.baseUrl === undefined
          ? `emulator at ${emulator?.url}`
          : redactUrl(config.upstream.baseUrl),
      upstreamBudgetMs: budgetMs,
      metrics: config.metrics ? (server.metricsUrl() ?? 'on the GraphQL port') : 'off',
      tracing: tracingConfig === undefined ? 'off' : redactUrl(tracingConfig.tracesUrl),
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
    const { shutdownDelayMs: delayMs, shutdownGraceMs: graceMs } = config;
    logger.info({ signal, delayMs }, 'draining: /ready answers 503, still serving');
    await sleep(delayMs);
    logger.info({ signal, graceMs }, 'shutting down: refusing new connections, finishing requests');
    // The spans of the last requests get their own time after the grace, whatever the collector
    // does; the hard deadline is both, plus a moment to close what is left.
    const flushMs = tracing === undefined ? 0 : TRACES_SHUTDOWN_FLUSH_MS;
    const flushDeadline = Date.now() + graceMs + flushMs;
    let requestsDone = false;
    let exitCode = 0;
    setTimeout(() => {
      if (requestsDone) return;
      logger.error({ graceMs }, 'shutdown grace period over: exiting with requests in flight');
      exitCode = 1;
      // Without tracing nothing is left to save; with it, what did finish is still exported.
      if (tracing === undefined) process.exit(1);
    }, graceMs).unref();
    setTimeout(
      () => {
        logger.error({ graceMs, flushMs }, 'shutdown did not end in time: exiting');
        process.exit(1);
      },
      graceMs + flushMs + SHUTDOWN_EXIT_MARGIN_MS,
    ).unref();
    await server.close();
    requestsDone = true;
    await emulator?.close();
    await tracing?.shutdown(Math.min(flushMs, flushDeadline - Date.now()));
    logger.info('shut down');
    process.exit(exitCode);
  };
  const stopOn = (signal: string) => {
    stop(signal).catch((error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stopOn('SIGTERM'));
  process.on('SIGINT', () => stopOn('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('Failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
