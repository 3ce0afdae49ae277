import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { listenAt } from './listen';
import type { Logger } from '../logger';
import type { Metrics } from '../telemetry/metrics';
import { METRICS_PATH, PROBE_METHODS, registerMetricsRoute } from './operations-routes';
import { REQUEST_ID_HEADER } from '../graphql/plugins/request';
import { answerClientError, HttpError, methodNotAllowed, refusalOf, sendRefusal } from './refusals';

/**
 * The listener of `METRICS_PORT`, for the scrape alone, so that `/metrics` can stay on a port the
 * Service does not expose. It owns nothing but its socket: the metrics are the subgraph's.
 */
export function createMetricsServer(metrics: Metrics, logger: Logger) {
  const fastify = Fastify({
    genReqId: () => randomUUID(),
    forceCloseConnections: true,
    http: { headersTimeout: 10_000, requestTimeout: 10_000 },
    clientErrorHandler: answerClientError,
  });
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  registerMetricsRoute(fastify, metrics);
  fastify.setNotFoundHandler(async (request) => {
    if (request.url.split('?', 1)[0] === METRICS_PATH) {
      throw methodNotAllowed(request.method, PROBE_METHODS);
    }
    throw new HttpError(404, 'NOT_FOUND', `Not found: this port serves ${METRICS_PATH}.`);
  });
  fastify.setErrorHandler(async (error, request, reply) => {
    const refusal = refusalOf(error, 0);
    if (refusal.status >= 500) {
      logger.error({ err: error, requestId: request.id }, 'metrics request failed');
    }
    return sendRefusal(reply, refusal, request.id);
  });
  let shownUrl: string | undefined;
  return {
    /** Resolves with the URL of `/metrics`. */
    async listen(port: number, host?: string): Promise<string> {
      await fastify.ready();
      // As the GraphQL listener does: every interface when no host is given, so the pods can be
      // scraped on their own address.
      shownUrl = await listenAt(fastify.server, port, host, METRICS_PATH);
      return shownUrl;
    },
    url: () => shownUrl,
    // A scrape is short: nothing to wait for.
    close: () => fastify.close(),
  };
}
