import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GraphQLSchema } from 'graphql';
import type { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Config } from '../config';
import { createApolloServer } from '../graphql/apollo-server';
import { type Context, createContextFunction, requestIdOf } from '../graphql/context';
import { REQUEST_ID_HEADER } from '../graphql/plugins/request';
import { createLogger, type Logger } from '../logger';
import type { RetryPolicy } from '../synctera/retry-policy';
import { createUpstream, type Upstream } from '../synctera/upstream';
import { Metrics } from '../telemetry/metrics';
import { Telemetry } from '../telemetry/telemetry';
import type { Tracing } from '../telemetry/tracing';
import { registerCors } from './cors';
import { listenAt } from './listen';
import { createMetricsServer } from './metrics-server';
import { GRAPHQL_METHODS, GRAPHQL_PATH, registerGraphQLRoute } from './graphql-route';
import { PROBE_METHODS, registerOperationsRoutes } from './operations-routes';
import {
  answerClientError,
  answerConnect,
  HttpError,
  methodNotAllowed,
  refusalOf,
  sendRefusal,
} from './refusals';
import { registerBodyParsers } from './request-body';

export { GRAPHQL_PATH } from './graphql-route';

/** A Host header's value: a host name or IP literal, and an optional port (RFC 9110). */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~-]+)(?::\d{0,5})?$/;

/** RFC 9112's 400 for a Host missing (HTTP/1.1 only) or not a host; undefined for a sane one. */
function hostRefusal(req: IncomingMessage): HttpError | undefined {
  const { host } = req.headers;
  if (host === undefined && req.httpVersion === '1.0') return undefined;
  if (host !== undefined && HOST.test(host) && URL.canParse(`http://${host}/`)) return undefined;
  return new HttpError(
    400,
    'BAD_REQUEST',
    host === undefined
      ? 'The request has no Host header, which HTTP/1.1 requires.'
      : 'The request’s Host header is not a host name.',
    { connection: 'close' },
  );
}

/** An HTTP/1.0 request without Host gets the local address, as RFC 9112 rebuilds its URI. */
function defaultHost(req: IncomingMessage): void {
  if (req.headers.host !== undefined) return;
  const { localAddress = '127.0.0.1', localPort } = req.socket;
  const address = localAddress.includes(':') ? `[${localAddress}]` : localAddress;
  req.headers.host = localPort === undefined ? address : `${address}:${localPort}`;
}

/** An absolute-form target (`http://host/graphql`, as proxies send) served as its path. */
function originFormUrl(req: IncomingMessage): string {
  const url = req.url ?? '/';
  if (url.startsWith('/') || !URL.canParse(url)) return url;
  const { pathname, search } = new URL(url);
  return `${pathname}${search}`;
}

export interface ServerOptions {
  readonly config: Config;
  /** The upstream base URL when `config.upstream.baseUrl` is unset (the emulator's). */
  readonly upstreamBaseUrl?: string;
  /** Defaults to JSON logs at `config.logLevel`. */
  readonly logger?: Logger;
  /** Overrides of the retry timing (tests use a zero backoff). */
  readonly retryPolicy?: Partial<Omit<RetryPolicy, 'maxRetries'>>;
  /** The schema to serve (with this module's context); defaults to the subgraph's own. */
  readonly schema?: GraphQLSchema;
  /** Started tracing (`startTracing`); without it, no span is made and trace context is forwarded. */
  readonly tracing?: Tracing;
  /** The upstream is the emulator: Sandbox says any bearer token works, not a Synctera key. */
  readonly emulatedUpstream?: boolean;
}

/** A started subgraph: Apollo Server behind Fastify on a Node HTTP server, not yet listening. */
export interface SubgraphServer {
  readonly apollo: ApolloServer<Context>;
  /** Routes and answers every request (`inject()` serves one). */
  readonly fastify: FastifyInstance;
  readonly httpServer: Server;
  readonly upstream: Upstream;
  /** Listens on `port` (default `config.port`) and `METRICS_PORT`; resolves with `/graphql`'s URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** The URL of `/metrics` on `METRICS_PORT`'s listener, once listening; undefined without one. */
  metricsUrl(): string | undefined;
  /**
   * The first step of a shutdown: `/ready` answers 503 and answers ask clients to close their
   * connection; everything is still served until `close()`.
   */
  drain(): void;
  /** Stops accepting, lets requests finish within `config.shutdownGraceMs`, closes the pool. */
  close(): Promise<void>;
}

/**
 * Creates and starts the subgraph: `/graphql` (POST, and GET for queries and Sandbox), the probes
 * `/health` and `/ready`, and `/metrics`. Call `listen()` to accept connections.
 */
export async function createServer(options: ServerOptions): Promise<SubgraphServer> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const baseUrl = config.upstream.baseUrl ?? options.upstreamBaseUrl;
  if (baseUrl === undefined) {
    throw new Error('No upstream: set SYNCTERA_BASE_URL or pass upstreamBaseUrl (the emulator).');
  }
  const upstream = createUpstream(config.upstream, baseUrl, logger, options.retryPolicy);
  const telemetry = new Telemetry(config.metrics ? new Metrics() : undefined, options.tracing);
  const context = createContextFunction(upstream, telemetry);
  const maxBodyBytes = config.limits.maxBodyBytes;
  const fastify = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // The project's own log lines only: none per request, as before.
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'requestId',
    }),
    requestIdHeader: false,
    genReqId: (req) => requestIdOf(req as IncomingMessage),
    bodyLimit: maxBodyBytes,
    exposeHeadRoutes: false,
    // Shutdown is the drain plugin's, within SHUTDOWN_GRACE_MS: requests still arriving on open
    // connections are served, not refused with Fastify's own 503.
    return503OnClosing: false,
    // Fastify sets the keep-alive and request timeouts on the server it makes from these.
    http: {
      headersTimeout: config.http.headersTimeoutMs,
      // Node checks the two request timeouts every 30 s by default, which would let a slow client
      // hold its connection up to 30 s past them.
      connectionsCheckingInterval: Math.min(1_000, config.http.headersTimeoutMs),
      // Checked with the other refusals, so that its answer has the contract's shape.
      requireHostHeader: false,
    },
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    requestTimeout: config.http.requestTimeoutMs,
    rewriteUrl: originFormUrl,
    clientErrorHandler: answerClientError,
    // A path that is not valid percent-encoding, refused before any route or hook.
    frameworkErrors: (error, request, reply) =>
      sendRefusal(reply, refusalOf(error, maxBodyBytes), request.id),
  });
  const httpServer = fastify.server as Server;
  // A caller that closes its side after its whole request is still answered (caller-gone.ts).
  (httpServer as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  // An Expect other than 100-continue: routed like any request, refused 417 by the hook below.
  const expectationFailed = new WeakSet<IncomingMessage>();
  httpServer.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    expectationFailed.add(req);
    fastify.routing(req, res);
  });
  httpServer.on('connect', (req: IncomingMessage, socket: Duplex) =>
    answerConnect(req, socket, GRAPHQL_METHODS),
  );

  const apollo = createApolloServer({
    production: config.production,
    logger,
    limits: config.limits,
    schema: options.schema,
    emulatedUpstream: options.emulatedUpstream,
    observer: telemetry.graphql,
    plugins: [
      ApolloServerPluginDrainHttpServer({
        httpServer,
        stopGracePeriodMillis: config.shutdownGraceMs,
      }),
    ],
  });
  const readiness = { draining: false };
  await apollo.start();

  fastify.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    if (readiness.draining) reply.header('connection', 'close');
    const refusal = hostRefusal(request.raw);
    if (refusal !== undefined) throw refusal;
    defaultHost(request.raw);
    if (expectationFailed.has(request.raw)) {
      throw new HttpError(417, 'BAD_REQUEST', 'Of Expect, only 100-continue is supported.', {
        connection: 'close',
      });
    }
  });
  registerBodyParsers(fastify);
  await registerCors(fastify, config.corsOrigins, GRAPHQL_PATH);
  const allowedMethods = new Map<string, readonly string[]>([[GRAPHQL_PATH, GRAPHQL_METHODS]]);
  // With METRICS_PORT, /metrics is served by a listener of its own, and only there.
  const metricsServer =
    telemetry.metrics !== undefined && config.metricsPort !== undefined
      ? createMetricsServer(telemetry.metrics, logger)
      : undefined;
  const mainMetrics = metricsServer === undefined ? telemetry.metrics : undefined;
  for (const path of registerOperationsRoutes(fastify, readiness, mainMetrics)) {
    allowedMethods.set(path, PROBE_METHODS);
  }
  registerGraphQLRoute(fastify, apollo, context, telemetry, maxBodyBytes);

  fastify.setNotFoundHandler(async (request) => {
    const path = request.url.split('?', 1)[0] ?? '/';
    const allowed = allowedMethods.get(path);
    if (allowed !== undefined) throw methodNotAllowed(request.method, allowed);
    throw new HttpError(404, 'NOT_FOUND', `Not found: the GraphQL endpoint is ${GRAPHQL_PATH}.`);
  });

  fastify.setErrorHandler(async (error, request, reply) => {
    const { raw } = request;
    if (raw.socket.destroyed) {
      // The caller left (a router's timeout, a closed tab): nothing to answer, nothing broken.
      logger.info(
        { requestId: request.id, method: raw.method, url: raw.url },
        'caller disconnected before its answer',
      );
      return reply.hijack();
    }
    const refusal = refusalOf(error, maxBodyBytes);
    if (refusal.status >= 500)
      logger.error({ err: error, requestId: request.id }, 'request failed');
    // The rest of a body over the limit stays unread: the connection closes after the answer.
    if (refusal.status === 413) raw.pause();
    return sendRefusal(reply, refusal, request.id);
  });

  await fastify.ready();

  return {
    apollo,
    fastify,
    httpServer,
    upstream,
    async listen(port = config.port, host?: string) {
      const url = await listenAt(httpServer, port, host, GRAPHQL_PATH);
      if (metricsServer !== undefined && config.metricsPort !== undefined) {
        await metricsServer.listen(config.metricsPort, host);
      }
      return url;
    },
    metricsUrl: () => metricsServer?.url(),
    drain() {
      readiness.draining = true;
    },
    async close() {
      await apollo.stop();
      await fastify.close();
      await upstream.close();
      await metricsServer?.close();
    },
  };
}
