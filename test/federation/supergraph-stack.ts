/**
 * A whole supergraph on loopback ports: the upstream emulator, this subgraph in front of it, the
 * sample customers subgraph, and an Apollo Gateway serving their composition. Shared by the
 * federation tests and `npm run supergraph`; no Jest in here.
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { startStandaloneServer } from '@apollo/server/standalone';
import { loadConfig } from '../../src/config';
import { type Emulator, startEmulator } from '../../src/emulator';
import { createLogger, type Logger } from '../../src/logger';
import { createServer, type GatewayServer } from '../../src/http/server';
import {
  CUSTOMERS_SDL,
  type CustomersSubgraph,
  startCustomersSubgraph,
} from '../fixtures/customers-subgraph';
import { PERSON_ID } from '../fixtures/customer-ids';
import { composeSupergraph, fetchSubgraphSdl } from './compose';
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
}

/** Options of {@link startSupergraph}. */
export interface SupergraphOptions {
  readonly ports?: Partial<SupergraphPorts>;
  /** Listen host of every server; default 127.0.0.1. */
  readonly host?: string;
  /** This subgraph's logger; default silent. */
  readonly logger?: Logger;
}

/** A running supergraph. */
export interface Supergraph {
  /** The gateway's GraphQL endpoint (and Apollo Sandbox from a browser). */
  readonly url: string;
  /** This subgraph's GraphQL endpoint. */
  readonly subgraphUrl: string;
  readonly supergraphSdl: string;
  readonly emulator: Emulator;
  readonly subgraph: GatewayServer;
  readonly customers: CustomersSubgraph;
  /** Stops the gateway, then the subgraphs, then the emulator. */
  close(): Promise<void>;
}

/**
 * Starts the emulator, this subgraph behind it, the customers subgraph, composes their SDLs (this
 * subgraph's as served by `_service { sdl }`) and serves the supergraph with Apollo Gateway.
 */
export async function startSupergraph({
  ports = {},
  host = '127.0.0.1',
  logger = createLogger('silent'),
}: SupergraphOptions = {}): Promise<Supergraph> {
  const emulator = await startEmulator({ port: ports.emulator ?? 0, host });
  const subgraph = await createServer({
    config: loadConfig({ SYNCTERA_BASE_URL: emulator.url }),
    logger,
  });
  const subgraphUrl = await subgraph.listen(ports.subgraph ?? 0, host);
  const customers = await startCustomersSubgraph({ port: ports.customers ?? 0, host });
  const { sdl: supergraphSdl } = composeSupergraph([
    { name: SUBGRAPH_NAME, url: subgraphUrl, sdl: await fetchSubgraphSdl(subgraphUrl) },
    { name: CUSTOMERS_SUBGRAPH_NAME, url: customers.url, sdl: CUSTOMERS_SDL },
  ]);

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
  const { url } = await startStandaloneServer(gateway, {
    listen: { port: ports.gateway ?? 0, host },
    context: async ({ req }) => ({ headers: req.headers }),
  });

  return {
    url,
    subgraphUrl,
    supergraphSdl,
    emulator,
    subgraph,
    customers,
    async close() {
      await gateway.stop();
      await customers.close();
      await subgraph.close();
      await emulator.close();
    },
  };
}
