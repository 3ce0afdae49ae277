/**
 * A whole supergraph on loopback ports: the upstream emulator, this subgraph in front of it, the
 * sample customers subgraph, and an Apollo Gateway serving their composition. Shared by the
 * federation tests (which also put Hive Gateway in front of the same subgraphs) and
 * `npm run supergraph`; no Jest in here.
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { startStandaloneServer } from '@apollo/server/standalone';
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
}

/** Options of {@link startSubgraphs} and {@link startSupergraph}. */
export interface SupergraphOptions {
  readonly ports?: Partial<SupergraphPorts>;
  /** Listen host of every server; default 127.0.0.1. */
  readonly host?: string;
  /** This subgraph's logger; default silent. */
  readonly logger?: Logger;
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
}: SupergraphOptions = {}): Promise<Subgraphs> {
  const emulator = await startEmulator({ port: ports.emulator ?? 0, host });
  const subgraph = await createServer({
    config: loadConfig({ SYNCTERA_BASE_URL: emulator.url }),
    logger,
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

/** Starts the subgraphs ({@link startSubgraphs}) and serves their composition with Apollo Gateway. */
export async function startSupergraph(options: SupergraphOptions = {}): Promise<Supergraph> {
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
  const { url } = await startStandaloneServer(gateway, {
    listen: { port: options.ports?.gateway ?? 0, host: options.host ?? '127.0.0.1' },
    context: async ({ req }) => ({ headers: req.headers }),
  });

  return {
    ...subgraphs,
    url,
    supergraphSdl,
    async close() {
      await gateway.stop();
      await subgraphs.close();
    },
  };
}
