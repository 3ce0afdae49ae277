/**
 * A whole supergraph on loopback ports: the upstream emulator, this subgraph in front of it, the
 * sample customers subgraph, and an Apollo Gateway serving their composition. Shared by the
 * federation tests and `npm run supergraph`; no Jest in here.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { composeServices } from '@apollo/composition';
import {
  ApolloGateway,
  type GraphQLDataSourceProcessOptions,
  RemoteGraphQLDataSource,
} from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema, parse } from 'graphql';
import { loadConfig } from '../../src/config';
import { SUBGRAPH_REQUEST_HEADERS } from '../../src/context';
import { type Emulator, startEmulator } from '../../src/emulator';
import { headerText } from '../../src/http';
import { createLogger, type Logger } from '../../src/logger';
import { createServer, type GatewayServer } from '../../src/server';
import {
  CUSTOMERS_SDL,
  type CustomersSubgraph,
  startCustomersSubgraph,
} from '../fixtures/customers-subgraph';
import { PERSON_ID } from '../fixtures/customer-ids';

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

/** One subgraph to compose: its name, routing URL and SDL. */
export interface SubgraphSource {
  readonly name: string;
  readonly url: string;
  readonly sdl: string;
}

/** Asks a running subgraph for its SDL, as a router's `rover subgraph introspect` would. */
export async function fetchSubgraphSdl(url: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await response.json()) as { data?: { _service?: { sdl?: string } } };
  const sdl = body.data?._service?.sdl;
  if (typeof sdl !== 'string') {
    throw new Error(`${url} did not answer _service { sdl }: ${JSON.stringify(body)}`);
  }
  return sdl;
}

/** A composed supergraph. */
export interface ComposedSupergraph {
  /** The supergraph SDL, for a gateway or router. */
  readonly sdl: string;
  /** The API schema: what clients of the supergraph see (no join or federation machinery). */
  readonly apiSchema: GraphQLSchema;
}

/** Composes the subgraphs into a supergraph; throws with every composition error. */
export function composeSupergraph(subgraphs: readonly SubgraphSource[]): ComposedSupergraph {
  const result = composeServices(
    subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })),
  );
  if (result.errors !== undefined) {
    throw new Error(
      `Composition failed:\n${result.errors.map((error) => `- ${error.message}`).join('\n')}`,
    );
  }
  return {
    sdl: result.supergraphSdl,
    apiSchema: result.schema.toAPISchema().toGraphQLJSSchema(),
  };
}

/** The gateway's per-request context: the client's request headers. */
interface GatewayContext {
  readonly headers: IncomingHttpHeaders;
}

/**
 * Passes a subgraph's GraphQL errors to the client whatever the HTTP status, as Apollo Router
 * does. Apollo Gateway's own data source turns an HTTP 400 (Apollo Server's status for input
 * that fails validation, such as a `@oneOf` refusal) into "400: Bad Request" with code
 * INTERNAL_SERVER_ERROR, hiding the subgraph's code.
 */
export class SubgraphErrorsDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override async process(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): ReturnType<RemoteGraphQLDataSource['process']> {
    try {
      return await super.process(options);
    } catch (error) {
      const errors = graphQLErrorsOfFailedResponse(error);
      if (errors === undefined) throw error;
      return { errors };
    }
  }
}

/** The `errors` of a non-2xx subgraph response that has a GraphQL body, if it has one. */
function graphQLErrorsOfFailedResponse(error: unknown): GraphQLFormattedError[] | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  const response = error.extensions.response as { body?: { errors?: unknown } } | undefined;
  const errors = response?.body?.errors;
  return Array.isArray(errors) && errors.length > 0
    ? (errors as GraphQLFormattedError[])
    : undefined;
}

/**
 * Sends the client's Authorization, Idempotency-Key and X-Request-Id to this subgraph, unchanged.
 * Used for this subgraph only: other subgraphs must not see a Synctera token or a write's key.
 */
export class HeaderPropagatingDataSource extends SubgraphErrorsDataSource {
  override willSendRequest({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Health checks and schema loads run without a client request, hence without headers.
    const headers = 'headers' in context ? context.headers : undefined;
    for (const name of Object.values(SUBGRAPH_REQUEST_HEADERS)) {
      const value = headerText(headers?.[name]);
      if (value !== undefined) request.http?.headers.set(name, value);
    }
  }
}

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
