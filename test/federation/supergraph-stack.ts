/**
 * A whole supergraph on loopback ports: the upstream emulator, this subgraph in front of it, the
 * sample customers subgraph, an Apollo Gateway serving their composition and, on request, the
 * web example on its own origin. Shared by the federation tests (which also put Hive Gateway in
 * front of the same subgraphs), the browser tests and `npm run supergraph`; no Jest in here.
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildWebPage } from '../../examples/web/build';
import { serveWebPage } from '../../examples/web/serve';
import { loadConfig } from '../../src/config';
import { type Emulator, startEmulator } from '../../src/emulator';
import { createLogger, type Logger } from '../../src/logger';
import { registerCors } from '../../src/http/cors';
import { listenAt } from '../../src/http/listen';
import { createServer, type SubgraphServer } from '../../src/http/server';
import { requestIdOf } from '../../src/graphql/context';
import { REQUEST_ID_HEADER } from '../../src/graphql/plugins/request';
import {
  CUSTOMERS_SDL,
  type CustomersSubgraph,
  startCustomersSubgraph,
} from '../fixtures/customers-subgraph';
import { PERSON_ID } from '../fixtures/customer-ids';
import { freePort } from '../helpers/process';
import { composeSupergraph, fetchSubgraphSdl, type SubgraphSource } from './compose';
import {
  type GatewayContext,
  HeaderPropagatingDataSource,
  SubgraphErrorsDataSource,
} from './gateway-data-sources';

/** This subgraph's name in the supergraph (and in schema/supergraph.yaml, schema/router.yaml). */
export const SUBGRAPH_NAME = 'document-verification';
/** The sample customers subgraph's name. */
export const CUSTOMERS_SUBGRAPH_NAME = 'customers';

/** A frontend's operation across both subgraphs, which Sandbox opens with. */
export const EXAMPLE_OPERATION = `mutation StartVerification($personId: UUID!) {
  createDocumentVerificationSession(input: { customer: { personId: $personId } }) {
    session {
      url
      customer {
        ... on Person { id firstName lastName }
        ... on Business { id legalName }
      }
      state
    }
    idempotencyKey
  }
}
`;

/** Listen ports (0 picks a free one). */
export interface SupergraphPorts {
  readonly gateway: number;
  readonly subgraph: number;
  readonly customers: number;
  readonly emulator: number;
  /** The web example's own origin (only with `web`). */
  readonly web: number;
}

/** Options of {@link startSubgraphs} and {@link startSupergraph}. */
export interface SupergraphOptions {
  readonly ports?: Partial<SupergraphPorts>;
  /** Listen host of every server; default 127.0.0.1. */
  readonly host?: string;
  /** This subgraph's logger; default silent. */
  readonly logger?: Logger;
  /**
   * This subgraph's own configuration variables, over the emulator's `SYNCTERA_BASE_URL`, such
   * as a shorter `SYNCTERA_TIMEOUT_MS` for tests.
   */
  readonly subgraphEnv?: Readonly<Record<string, string>>;
  /**
   * Builds the web example (examples/web) and serves it on its own origin, which the gateway's
   * CORS then allows; `dir` is where the build goes (default examples/web/dist).
   */
  readonly web?: boolean | { readonly dir?: string };
}

/** What a gateway routes to: both subgraphs, and the upstream emulator behind this one. */
export interface Subgraphs {
  /** This subgraph's GraphQL endpoint. */
  readonly subgraphUrl: string;
  readonly emulator: Emulator;
  readonly subgraph: SubgraphServer;
  readonly customers: CustomersSubgraph;
  /** Both subgraphs as a composition takes them, this one with the SDL it serves. */
  readonly sources: readonly SubgraphSource[];
  /** Stops the subgraphs, then the emulator. */
  close(): Promise<void>;
}

/** A running supergraph. */
export interface Supergraph extends Subgraphs {
  /** The gateway's GraphQL endpoint (and Apollo Sandbox from a browser). */
  readonly url: string;
  readonly supergraphSdl: string;
  /** The web example's address, when started with `web`. */
  readonly webUrl: string | undefined;
  /** Stops the gateway, then the subgraphs, then the emulator. */
  close(): Promise<void>;
}

/**
 * Starts the emulator, this subgraph behind it and the customers subgraph, and reads this
 * subgraph's SDL as served by `_service { sdl }`, ready for any composition and gateway.
 */
export async function startSubgraphs({
  ports = {},
  host = '127.0.0.1',
  logger = createLogger('silent'),
  subgraphEnv = {},
}: SupergraphOptions = {}): Promise<Subgraphs> {
  const emulator = await startEmulator({ port: ports.emulator ?? 0, host });
  const subgraph = await createServer({
    config: loadConfig({ ...subgraphEnv, SYNCTERA_BASE_URL: emulator.url }),
    logger,
    emulatedUpstream: true,
  });
  const subgraphUrl = await subgraph.listen(ports.subgraph ?? 0, host);
  const customers = await startCustomersSubgraph({ port: ports.customers ?? 0, host });
  return {
    subgraphUrl,
    emulator,
    subgraph,
    customers,
    sources: [
      { name: SUBGRAPH_NAME, url: subgraphUrl, sdl: await fetchSubgraphSdl(subgraphUrl) },
      { name: CUSTOMERS_SUBGRAPH_NAME, url: customers.url, sdl: CUSTOMERS_SDL },
    ],
    async close() {
      await customers.close();
      await subgraph.close();
      await emulator.close();
    },
  };
}

/**
 * Starts the subgraphs ({@link startSubgraphs}), serves their composition with Apollo Gateway
 * and, with `web`, the web example on its own origin.
 */
export async function startSupergraph(options: SupergraphOptions = {}): Promise<Supergraph> {
  const host = options.host ?? '127.0.0.1';
  const subgraphs = await startSubgraphs(options);
  const { sdl: supergraphSdl } = composeSupergraph(subgraphs.sources);

  const gateway = new ApolloServer<GatewayContext>({
    gateway: new ApolloGateway({
      supergraphSdl,
      buildService: ({ name, url }) =>
        name === SUBGRAPH_NAME
          ? new HeaderPropagatingDataSource({ url })
          : new SubgraphErrorsDataSource({ url }),
    }),
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageLocalDefault({
        embed: { endpointIsEditable: false },
        document: EXAMPLE_OPERATION,
        variables: { personId: PERSON_ID },
        headers: { Authorization: 'Bearer <any token: the emulator accepts any>' },
        footer: false,
      }),
    ],
  });
  // The page needs the gateway's address and the gateway's CORS the page's origin: the page's
  // port is chosen first (a free one for 0), and the page served once the gateway listens.
  const webDir = options.web
    ? await buildWebPage(options.web === true ? undefined : options.web.dir)
    : undefined;
  const webPort =
    webDir === undefined ? undefined : (options.ports?.web ?? 0) || (await freePort());
  const origins = webPort === undefined ? [] : loopbackOrigins(`http://${host}:${webPort}`);
  const fastify = await serveGateway(gateway, origins);
  const url = await listenAt(fastify.server, options.ports?.gateway ?? 0, host, GATEWAY_PATH);
  const web =
    webDir === undefined
      ? undefined
      : await serveWebPage({ dir: webDir, graphqlUrl: url, port: webPort, host });

  return {
    ...subgraphs,
    url,
    supergraphSdl,
    webUrl: web?.url,
    async close() {
      await web?.close();
      await gateway.stop();
      await fastify.close();
      await subgraphs.close();
    },
  };
}

/** Where the gateway serves GraphQL (and Sandbox). */
const GATEWAY_PATH = '/';
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Apollo Gateway behind Fastify, with the subgraph's own HTTP parts rather than
 * `startStandaloneServer`, whose CORS allows every origin and exposes no header: the CORS of
 * src/http/cors.ts names the page's `origins` exactly and exposes `X-Request-Id`, as a production
 * router would be set up; each answer carries the caller's `X-Request-Id` (or a new one,
 * `requestIdOf`), which is also what the subgraph receives. Ready, not yet listening.
 */
async function serveGateway(
  gateway: ApolloServer<GatewayContext>,
  origins: readonly string[],
): Promise<FastifyInstance> {
  const fastify = Fastify({ logger: false, bodyLimit: MAX_BODY_BYTES });
  gateway.addPlugin(ApolloServerPluginDrainHttpServer({ httpServer: fastify.server }));
  await gateway.start();
  fastify.addHook('onRequest', async (request, reply) => {
    const requestId = requestIdOf(request.raw);
    // Written into the request's headers, which the data sources pass on to the subgraph.
    request.raw.headers[REQUEST_ID_HEADER] = requestId;
    reply.header(REQUEST_ID_HEADER, requestId);
  });
  await registerCors(fastify, origins, GATEWAY_PATH);
  fastify.route({
    method: ['GET', 'POST'],
    url: GATEWAY_PATH,
    handler: fastifyApolloHandler(gateway, {
      context: async (request) => ({ headers: request.raw.headers }),
    }),
  });
  // An OPTIONS that CORS did not answer (another origin, no page): 204, as for a preflight.
  fastify.options(GATEWAY_PATH, async (_request, reply) => reply.code(204).send());
  await fastify.ready();
  return fastify;
}

/**
 * The origins a browser may send for a page served at `origin`: that one and, for a loopback
 * address, the same port on `localhost`, which is what people type.
 */
function loopbackOrigins(origin: string): string[] {
  const { hostname, port } = new URL(origin);
  return hostname === '127.0.0.1' || hostname === '[::1]'
    ? [origin, `http://localhost:${port}`]
    : [origin];
}
