import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { type Config, DEFAULT_OPERATION_LIMITS, type OperationLimits } from './config';
import { type Context, createContextFunction } from './context';
import { createCorsHandler } from './cors';
import { createFastPath, type FastPath } from './fast-path';
import { createFormatError } from './format-error';
import {
  HttpError,
  readJsonBody,
  sendJson,
  toHttpGraphQLRequest,
  writeHttpGraphQLResponse,
} from './http';
import { createLogger, type Logger } from './logger';
import { limitParseOptions, limitValidationRules } from './limits';
import { landingPagePlugin } from './plugins/landing-page';
import { noStorePlugin } from './plugins/no-store';
import { requestIdPlugin } from './plugins/request-id';
import { PreparedMutations } from './prepared-mutations';
import { createSubgraphSchema } from './schema';
import { createUpstream, type Upstream } from './synctera/upstream';
import type { RetryPolicy } from './synctera/retry-policy';
import { Metrics } from './telemetry/metrics';
import { createOperationsRoutes } from './telemetry/operations-routes';
import { Telemetry } from './telemetry/telemetry';
import type { Tracing } from './telemetry/tracing';

/** Where the GraphQL endpoint is served. */
export const GRAPHQL_PATH = '/graphql';

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
  /** Started tracing (`startTracing`); without it, no span is made and trace context is forwarded. */
  readonly tracing?: Tracing;
}

/** A started gateway: Apollo Server behind a Node HTTP server, not yet listening. */
export interface GatewayServer {
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

/** Options of {@link createApolloServer}. */
export interface ApolloServerFactoryOptions {
  /** Production mode: no introspection, no Sandbox, masked unexpected errors. */
  readonly production: boolean;
  readonly logger: Logger;
  /** Operation limits; defaults to {@link DEFAULT_OPERATION_LIMITS}. */
  readonly limits?: OperationLimits;
  /** The host's own plugins, such as its HTTP server's drain plugin. */
  readonly plugins?: readonly ApolloServerPlugin<Context>[];
  /** The schema to serve; defaults to a new {@link createSubgraphSchema}. */
  readonly schema?: GraphQLSchema;
  /** Counts errors by code and marks the request span; see {@link Telemetry}. */
  readonly telemetry?: Telemetry;
}

/** Builds the Apollo Server for this subgraph, for hosts that bring their own HTTP integration. */
export function createApolloServer({
  production,
  logger,
  limits = DEFAULT_OPERATION_LIMITS,
  plugins = [],
  schema = createSubgraphSchema(),
  telemetry,
}: ApolloServerFactoryOptions): ApolloServer<Context> {
  const formatError = createFormatError({ production, logger });
  return new ApolloServer<Context>({
    schema,
    parseOptions: limitParseOptions(limits),
    validationRules: limitValidationRules(limits),
    introspection: !production,
    includeStacktraceInErrorResponses: !production,
    formatError: telemetry?.observeErrors(formatError) ?? formatError,
    logger,
    // Shutdown belongs to the process (main.ts) or the host, which also close the upstream pool.
    stopOnTerminationSignals: false,
    plugins: [
      landingPagePlugin(production),
      requestIdPlugin(),
      noStorePlugin(),
      ApolloServerPluginCacheControlDisabled(),
      ...plugins,
    ],
  });
}

/**
 * Creates and starts the gateway: `/graphql` (POST, and GET for queries and Sandbox) and
 * `/health`. Call `listen()` to accept connections.
 */
export async function createServer(options: ServerOptions): Promise<GatewayServer> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const baseUrl = config.upstream.baseUrl ?? options.upstreamBaseUrl;
  if (baseUrl === undefined) {
    throw new Error('No upstream: set SYNCTERA_BASE_URL or pass upstreamBaseUrl (the emulator).');
  }
  const upstream = createUpstream(config.upstream, baseUrl, logger, options.retryPolicy);
  const telemetry = new Telemetry(config.metrics ? new Metrics() : undefined, options.tracing);
  const context = createContextFunction(upstream, telemetry.upstream);
  const httpServer = createHttpServer();
  const schema = createSubgraphSchema();
  const apollo = createApolloServer({
    production: config.production,
    logger,
    limits: config.limits,
    schema,
    telemetry,
    plugins: [
      ApolloServerPluginDrainHttpServer({
        httpServer,
        stopGracePeriodMillis: config.shutdownGraceMs,
      }),
      ...telemetry.apolloPlugins(),
    ],
  });
  const cors = createCorsHandler(config.corsOrigins);
  const fastPath: FastPath | undefined = config.fastPath
    ? createFastPath({
        schema,
        mutations: new PreparedMutations(schema, {
          parseOptions: limitParseOptions(config.limits),
          validationRules: limitValidationRules(config.limits),
        }),
        context,
        errors: {
          formatError: telemetry.observeErrors(
            createFormatError({ production: config.production, logger }),
          ),
          includeStacktrace: !config.production,
        },
      })
    : undefined;
  let stopping = false;
  const readiness = { draining: false };
  const operationsRoutes = createOperationsRoutes(readiness, telemetry.metrics);
  await apollo.start();

  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) {
        sendJson(res, error.status, {
          errors: [{ message: error.message, extensions: { code: 'BAD_USER_INPUT' } }],
        });
        return;
      }
      logger.error({ err: error }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error' }] });
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (readiness.draining) res.setHeader('connection', 'close');
    if (operationsRoutes(path, req, res)) return;
    if (cors(req, res)) return;
    if (path === '/health') {
      sendJson(res, 200, { status: 'ok' });
    } else if (path === GRAPHQL_PATH) {
      await telemetry.observeGraphQL(req, res, async (observation) => {
        const callerGone = new AbortController();
        res.once('close', () => {
          if (!res.writableFinished) callerGone.abort();
        });
        const body = await readJsonBody(req, config.limits.maxBodyBytes);
        observation.body(body);
        if (body !== undefined && fastPath !== undefined && !stopping) {
          if (await fastPath(req, res, body, callerGone.signal)) {
            observation.servedByFastPath();
            return;
          }
        }
        const response = await apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: toHttpGraphQLRequest(req, body),
          context: () => context({ req, callerGone: callerGone.signal }),
        });
        await writeHttpGraphQLResponse(res, response);
      });
    } else {
      sendJson(res, 404, {
        errors: [{ message: `Not found: the GraphQL endpoint is ${GRAPHQL_PATH}.` }],
      });
    }
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
      stopping = true;
      await apollo.stop();
      await upstream.close();
    },
  };
}
