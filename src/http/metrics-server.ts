import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger';
import type { Metrics } from '../telemetry/metrics';
import { createMetricsRoute, METRICS_PATH } from './operations-routes';
import { HttpError, sendError } from './refusals';

/** The listener of `METRICS_PORT`: `/metrics` only, apart from the GraphQL port. */
export interface MetricsServer {
  /** Listens on `port` and `host`; resolves with the URL of `/metrics`. */
  listen(port: number, host?: string): Promise<string>;
  /** The URL of `/metrics` once listening. */
  url(): string | undefined;
  /** Stops listening and closes its connections (a scrape is short: nothing to wait for). */
  close(): Promise<void>;
}

const NOT_FOUND = new HttpError(404, 'NOT_FOUND', `Not found: this port serves ${METRICS_PATH}.`);

/**
 * A plain Node HTTP server for the scrape alone, so that `/metrics` can stay on a port the
 * Service does not expose. It owns nothing but its socket: the metrics are the subgraph's.
 */
export function createMetricsServer(metrics: Metrics, logger: Logger): MetricsServer {
  const route = createMetricsRoute(metrics);
  const server: Server = createServer({ headersTimeout: 10_000, requestTimeout: 10_000 });
  let shownUrl: string | undefined;
  server.on('request', (req, res) => {
    const requestId = randomUUID();
    const path = (req.url ?? '/').split('?')[0];
    Promise.resolve()
      .then(() => {
        if (path !== METRICS_PATH) throw NOT_FOUND;
        return route(req, res);
      })
      .catch((error: unknown) => {
        if (error instanceof HttpError && !res.headersSent) {
          sendError(res, error, requestId);
          return;
        }
        logger.error({ err: error, requestId }, 'metrics request failed');
        res.destroy();
      });
  });
  return {
    async listen(port, host) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const { port: bound } = server.address() as AddressInfo;
      const shownHost = host ?? 'localhost';
      shownUrl = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${bound}${METRICS_PATH}`;
      return shownUrl;
    },
    url: () => shownUrl,
    close() {
      return new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
