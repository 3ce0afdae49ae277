import type { IncomingMessage, ServerResponse } from 'node:http';
import { METRICS_CONTENT_TYPE, type Metrics } from '../telemetry/metrics';
import { endWithLength, sendJson } from '../utils/json-response';
import { allowMethods, HttpError } from './refusals';

/** Where the probes and the Prometheus metrics are served. */
const HEALTH_PATH = '/health';
const READY_PATH = '/ready';
export const METRICS_PATH = '/metrics';

/** Methods of the probes and the metrics. */
const PROBE_METHODS = ['GET', 'HEAD'];

/** Whether the server still wants new traffic: false from the first shutdown signal on. */
export interface Readiness {
  readonly draining: boolean;
}

/** Answers one operations request. */
export type OperationsRoute = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * The route of `/health`, `/ready` or `/metrics`, or undefined for any other path. None looks at
 * the upstream: a Synctera incident must not take every replica out of the router's pool at
 * once, and none depends on CORS, since probes and scrapers send no Origin.
 */
export function createOperationsRoutes(
  readiness: Readiness,
  metrics: Metrics | undefined,
): (path: string) => OperationsRoute | undefined {
  const routes = new Map<string, OperationsRoute>([
    [
      HEALTH_PATH,
      (req, res) => {
        allowMethods(req, PROBE_METHODS);
        sendJson(res, 200, { status: 'ok' });
      },
    ],
    [
      READY_PATH,
      (req, res) => {
        allowMethods(req, PROBE_METHODS);
        res.setHeader('cache-control', 'no-store');
        if (readiness.draining) sendJson(res, 503, { status: 'draining' });
        else sendJson(res, 200, { status: 'ready' });
      },
    ],
  ]);
  if (metrics !== undefined) routes.set(METRICS_PATH, createMetricsRoute(metrics));
  return (path) => routes.get(path);
}

/** `GET /metrics`: the Prometheus text, on the main listener or on `METRICS_PORT`'s. */
export function createMetricsRoute(metrics: Metrics): OperationsRoute {
  return async (req, res) => {
    allowMethods(req, PROBE_METHODS);
    let text: string;
    try {
      text = await metrics.render();
    } catch {
      throw new HttpError(500, 'INTERNAL_SERVER_ERROR', 'The metrics could not be collected.');
    }
    res.statusCode = 200;
    res.setHeader('content-type', METRICS_CONTENT_TYPE);
    res.setHeader('cache-control', 'no-store');
    endWithLength(res, text);
  };
}
