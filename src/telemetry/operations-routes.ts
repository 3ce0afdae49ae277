import type { IncomingMessage, ServerResponse } from 'node:http';
import { endWithLength, sendJson } from '../http';
import { METRICS_CONTENT_TYPE, type Metrics } from './metrics';

/** Where the readiness probe and the Prometheus metrics are served. */
export const READY_PATH = '/ready';
export const METRICS_PATH = '/metrics';

/** Whether the server still wants new traffic: false from the first shutdown signal on. */
export interface Readiness {
  readonly draining: boolean;
}

/**
 * Answers `/ready` and `/metrics` (true when it did). Neither looks at the upstream: a Synctera
 * incident must not take every replica out of the router's pool at once, and neither depends on
 * CORS, since probes and scrapers send no Origin.
 */
export function createOperationsRoutes(
  readiness: Readiness,
  metrics: Metrics | undefined,
): (path: string, req: IncomingMessage, res: ServerResponse) => boolean {
  return (path, _req, res) => {
    if (path === READY_PATH) {
      res.setHeader('cache-control', 'no-store');
      if (readiness.draining) sendJson(res, 503, { status: 'draining' });
      else sendJson(res, 200, { status: 'ready' });
      return true;
    }
    if (path === METRICS_PATH && metrics !== undefined) {
      metrics.render().then(
        (text) => {
          res.statusCode = 200;
          res.setHeader('content-type', METRICS_CONTENT_TYPE);
          res.setHeader('cache-control', 'no-store');
          endWithLength(res, text);
        },
        () => sendJson(res, 500, { errors: [{ message: 'The metrics could not be collected.' }] }),
      );
      return true;
    }
    return false;
  };
}
