/**
 * A whole supergraph on loopback ports: the upstream emulator, this subgraph in front of it, the
 * sample customers subgraph, an Apollo Gateway serving their composition and, on request, the
 * web example on its own origin. Shared by the federation tests (which also put Hive Gateway in
 * front of the same subgraphs), the browser tests and `npm run supergraph`; no Jest in here.
 */
import { randomUUID } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { buildWebPage } from '../../examples/web/build';
import { serveWebPage, type WebPageServer } from '../../examples/web/serve';
import { loadConfig } from '../../src/config';
import { type Emulator, startEmulator } from '../../src/emulator';
import { createLogger, type Logger } from '../../src/logger';
import { createServer, type SubgraphServer } from '../../src/http/server';
import {
  CUSTOMERS_SDL,
  type CustomersSubgraph,
  startCustomersSubgraph,
} from '../fixtures/customers-subgraph';
import { PERSON_ID } from '../fixtures/customer-ids';
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
  // Filled once the page is served: the page needs the gateway's address, the gateway its origin.
  const corsOrigins: string[] = [];
  const httpServer = await serveGateway(gateway, corsOrigins);
  const url = await listen(httpServer, options.ports?.gateway ?? 0, host);

  let web: WebPageServer | undefined;
  if (options.web) {
    const dir = await buildWebPage(options.web === true ? undefined : options.web.dir);
    web = await serveWebPage({ dir, graphqlUrl: url, port: options.ports?.web ?? 0, host });
    corsOrigins.push(...loopbackOrigins(web.origin));
  }

  return {
    ...subgraphs,
    url,
    supergraphSdl,
    webUrl: web?.url,
    async close() {
      await web?.close();
      await gateway.stop();
      await subgraphs.close();
    },
  };
}

/** Request headers the page may send across origins. */
const GATEWAY_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'idempotency-key',
  'x-request-id',
  // Sandbox's and Apollo Client's own.
  'apollo-require-preflight',
  'x-apollo-operation-name',
];

const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Apollo Gateway behind a small node:http integration, instead of `startStandaloneServer`, whose
 * CORS allows every origin and exposes no header. Here CORS names the page's origins exactly and
 * exposes `X-Request-Id`, as a production router would be set up; each answer carries the
 * caller's `X-Request-Id` (or a new one), which is also what the subgraph receives.
 */
async function serveGateway(
  gateway: ApolloServer<GatewayContext>,
  origins: readonly string[],
): Promise<Server> {
  const httpServer = createHttpServer((req, res) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    req.headers['x-request-id'] = requestId;
    res.setHeader('x-request-id', requestId);
    if (answerCors(req, res, origins)) return;
    answer().catch(() => {
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'text/plain' }).end('Gateway error\n');
    });

    async function answer() {
      const response = await gateway.executeHTTPGraphQLRequest({
        httpGraphQLRequest: await toGraphQLRequest(req),
        context: async () => ({ headers: req.headers }),
      });
      for (const [name, value] of response.headers) res.setHeader(name, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
        return;
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  });
  gateway.addPlugin(ApolloServerPluginDrainHttpServer({ httpServer }));
  await gateway.start();
  return httpServer;
}

/**
 * CORS for `origins` only; `true` when it answered the request (a preflight). Another origin
 * gets no CORS header, so the browser keeps the answer from its page. Written out rather than
 * taken from a package: it is the whole of what a browser needs here.
 */
function answerCors(req: IncomingMessage, res: ServerResponse, origins: readonly string[]) {
  const { origin } = req.headers;
  res.setHeader('vary', 'Origin');
  const allowed = origin !== undefined && origins.includes(origin);
  if (allowed) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', 'x-request-id');
  }
  if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) {
    return false;
  }
  if (allowed) {
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    res.setHeader('access-control-allow-headers', GATEWAY_ALLOWED_HEADERS.join(', '));
    res.setHeader('access-control-max-age', '600');
  }
  res.writeHead(204, { 'content-length': '0' }).end();
  return true;
}

/** A Node request as Apollo takes it: JSON bodies parsed, other bodies left for it to refuse. */
async function toGraphQLRequest(req: IncomingMessage): Promise<HTTPGraphQLRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    headers,
    search: new URL(req.url ?? '/', 'http://gateway').search,
    body: parseJson(text),
  };
}

/** The parsed body; text that is not JSON is passed on for Apollo to refuse (400). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Starts `server` listening; resolves with its GraphQL endpoint. */
async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return `http://${host}:${portOf(server)}/`;
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
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
