import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerOptions as HttpServerOptions,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import type { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { Config, HttpServerConfig } from '../config';
import { buildApolloServer, errorFormatting } from '../graphql/apollo-server';
import { type Context, createContextFunction, requestIdOf } from '../graphql/context';
import { toHttpGraphQLRequest, writeHttpGraphQLResponse } from '../graphql/node-http';
import { operationRules } from '../graphql/operation-rules';
import { REQUEST_ID_HEADER } from '../graphql/plugins/request-id';
import { createSubgraphSchema } from '../graphql/schema';
import { createLogger, type Logger } from '../logger';
import type { RetryPolicy } from '../synctera/retry-policy';
import { createUpstream, type Upstream } from '../synctera/upstream';
import { createCorsHandler } from './cors';
import { Metrics } from '../telemetry/metrics';
import { Telemetry } from '../telemetry/telemetry';
import type { Tracing } from '../telemetry/tracing';
import { createOperationsRoutes } from './operations-routes';
import { allowMethods, answerClientError, HttpError, sendError } from './refusals';
import { readJsonBody } from './request-body';

/** Where the GraphQL endpoint is served. */
export const GRAPHQL_PATH = '/graphql';

/** Methods of the GraphQL endpoint (OPTIONS for CORS preflights). */
const GRAPHQL_METHODS = ['GET', 'POST', 'OPTIONS'];

/** An unexpected failure, as the caller sees it: no detail, which may hold internals. */
const INTERNAL_ERROR = new HttpError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error');

/** The Node HTTP server's settings: the configured timeouts, checked often enough to matter. */
function httpServerSettings(config: HttpServerConfig): HttpServerOptions {
  return {
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // Node checks the two request timeouts every 30 s by default, which would let a slow client
    // hold its connection up to 30 s past them.
    connectionsCheckingInterval: Math.min(1_000, config.headersTimeoutMs),
  };
}

/** Options of {@link createServer}. */
export interface ServerOptions {
  readonly config: Config;
  /**
   * The upstream base URL when `config.upstream.baseUrl` is unset, such as the embedded
   * emulator's. One of the two is required.
   */
  readonly upstreamBaseUrl?: string;
  /** Defaults to JSON logs at `config.logLevel`. */
  readonly logger?: Logger;
  /** Overrides of the retry timing (tests use a zero backoff). */
  readonly retryPolicy?: Partial<Omit<RetryPolicy, 'maxRetries'>>;
  /** The schema to serve (with this module's context); defaults to {@link createSubgraphSchema}. */
  readonly schema?: GraphQLSchema;
  /** Started tracing (`startTracing`); without it, no span is made and trace context is forwarded. */
  readonly tracing?: Tracing;
  /** The upstream is the emulator: Sandbox says any bearer token works, not a Synctera key. */
  readonly emulatedUpstream?: boolean;
}

/** A started subgraph: Apollo Server behind a Node HTTP server, not yet listening. */
export interface SubgraphServer {
  readonly apollo: ApolloServer<Context>;
  readonly httpServer: Server;
  readonly upstream: Upstream;
  /** Listens on `port` (default `config.port`); resolves with the GraphQL endpoint's URL. */
  listen(port?: number, host?: string): Promise<string>;
  /**
   * The first step of a shutdown: `/ready` answers 503 and answers ask clients to close their
   * connection, so routers move to other replicas; everything is still served until `close()`.
   */
  drain(): void;
  /**
   * Stops accepting, lets in-flight requests finish (for up to `config.shutdownGraceMs`, then
   * their connections are closed), then closes the upstream pool.
   */
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
  const context = createContextFunction(upstream, telemetry.upstream);
  const httpServer = createHttpServer(httpServerSettings(config.http));
  const schema = options.schema ?? createSubgraphSchema();
  const rules = operationRules(config.limits, { production: config.production });
  const formatting = errorFormatting(config.production, logger);
  const errors = { ...formatting, formatError: telemetry.observeErrors(formatting.formatError) };
  const apollo = buildApolloServer({
    production: config.production,
    schema,
    logger,
    rules,
    errors,
    emulatedUpstream: options.emulatedUpstream,
    plugins: [
      ApolloServerPluginDrainHttpServer({
        httpServer,
        stopGracePeriodMillis: config.shutdownGraceMs,
      }),
      ...telemetry.apolloPlugins(),
    ],
  });
  const cors = createCorsHandler(config.corsOrigins);
  const readiness = { draining: false };
  const operationsRoutes = createOperationsRoutes(readiness, telemetry.metrics);
  await apollo.start();

  httpServer.on('clientError', answerClientError);
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const requestId = requestIdOf(req);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    route(req, res, requestId).catch((error: unknown) => {
      if (req.socket.destroyed) {
        // The caller left (a router's timeout, a closed tab): nothing to answer, nothing broken.
        logger.info(
          { requestId, method: req.method, url: req.url },
          'caller disconnected before its answer',
        );
      } else if (error instanceof HttpError && !res.headersSent) {
        sendError(res, error, requestId);
      } else {
        logger.error({ err: error, requestId }, 'request failed');
        if (res.headersSent) res.destroy();
        else sendError(res, INTERNAL_ERROR, requestId);
      }
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse, requestId: string) {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (readiness.draining) res.setHeader('connection', 'close');
    // Probes and metrics come before CORS: they must answer whatever the request's Origin.
    const operationsRoute = operationsRoutes(path);
    if (operationsRoute !== undefined) return operationsRoute(req, res);
    if (cors(req, res)) return;
    if (path !== GRAPHQL_PATH) {
      throw new HttpError(404, 'NOT_FOUND', `Not found: the GraphQL endpoint is ${GRAPHQL_PATH}.`);
    }
    if (req.method === 'OPTIONS') {
      // A preflight CORS does not answer (no CORS_ORIGINS, another origin) or a plain OPTIONS.
      res.statusCode = 204;
      res.setHeader('allow', GRAPHQL_METHODS.join(', '));
      res.setHeader('content-length', 0);
      res.end();
      return;
    }
    allowMethods(req, GRAPHQL_METHODS);
    await telemetry.observeGraphQL(req, res, async (observation) => {
      const callerGone = new AbortController();
      res.once('close', () => {
        if (!res.writableFinished) callerGone.abort();
      });
      let body: unknown;
      try {
        body = await readJsonBody(req, config.limits.maxBodyBytes);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        // Answered here, inside the request's observation: counted, and its span has the status.
        observation.refused(error.code);
        sendError(res, error, requestId);
        return;
      }
      observation.body(body);
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: toHttpGraphQLRequest(req, body),
        context: () => context({ req, callerGone: callerGone.signal }),
      });
      await writeHttpGraphQLResponse(res, response, requestId);
    });
  }

  return {
    apollo,
    httpServer,
    upstream,
    async listen(port = config.port, host?: string) {
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      const address = httpServer.address() as AddressInfo;
      const shownHost = host ?? 'localhost';
      return `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${address.port}${GRAPHQL_PATH}`;
    },
    drain() {
      readiness.draining = true;
    },
    async close() {
      await apollo.stop();
      await upstream.close();
    },
  };
}
