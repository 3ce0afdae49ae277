import type { FastifyInstance } from 'fastify';
import { METRICS_CONTENT_TYPE, type Metrics } from '../telemetry/metrics';
import { HttpError } from './refusals';

const HEALTH_PATH = '/health';
const READY_PATH = '/ready';
export const METRICS_PATH = '/metrics';

export const PROBE_METHODS = ['GET', 'HEAD'];

/**
 * `/health`, `/ready` and `/metrics` (when metrics are on); returns their paths. None looks at
 * the upstream: a Synctera incident must not take every replica out of the router's pool at
 * once, and none depends on CORS, since probes and scrapers send no Origin.
 */
export function registerOperationsRoutes(
  fastify: FastifyInstance,
  readiness: { readonly draining: boolean },
  metrics: Metrics | undefined,
): string[] {
  fastify.route({
    method: PROBE_METHODS,
    url: HEALTH_PATH,
    handler: async () => ({ status: 'ok' }),
  });
  fastify.route({
    method: PROBE_METHODS,
    url: READY_PATH,
    handler: async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      if (!readiness.draining) return { status: 'ready' };
      return reply.code(503).send({ status: 'draining' });
    },
  });
  if (metrics === undefined) return [HEALTH_PATH, READY_PATH];
  registerMetricsRoute(fastify, metrics);
  return [HEALTH_PATH, READY_PATH, METRICS_PATH];
}

/** On the main listener or on `METRICS_PORT`'s. */
export function registerMetricsRoute(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.route({
    method: PROBE_METHODS,
    url: METRICS_PATH,
    handler: async (_request, reply) => {
      let text: string;
      try {
        text = await metrics.render();
      } catch {
        throw new HttpError(500, 'INTERNAL_SERVER_ERROR', 'The metrics could not be collected.');
      }
      return reply.type(METRICS_CONTENT_TYPE).header('cache-control', 'no-store').send(text);
    },
  });
}
