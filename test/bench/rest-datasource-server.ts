/**
 * The usual alternative the benchmark compares with: the same mutation, SDL-first, on Apollo
 * Server's standalone server with `@apollo/datasource-rest`, all with default settings, written
 * the way Apollo's documentation shows it. It forwards Authorization and Idempotency-Key.
 *
 * Environment: `PORT`, `UPSTREAM_URL` (the upstream base URL, such as `http://127.0.0.1:4010/v0`).
 */
import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import {
  type AugmentedRequest,
  type DataSourceConfig,
  RESTDataSource,
} from '@apollo/datasource-rest';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { SubgraphResolverMap } from '../../src/graphql/schema';
import { parse } from 'graphql';
import { URLResolver, UUIDResolver } from 'graphql-scalars';
import { DEFAULT_SESSION_PATH } from '../../src/config';
import { LANGUAGES } from '../../src/verification/language';
import { stopOnSignals } from './signals';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
  directive @oneOf on INPUT_OBJECT
  scalar UUID
  scalar URL
  enum DocumentType { LICENSE PASSPORT }
  enum SessionState { PENDING COMPLETE }
  enum Language { ${LANGUAGES.map((language) => language.value).join(' ')} }
  input CustomerRefInput @oneOf { personId: UUID businessId: UUID }
  input CreateDocumentVerificationSessionInput {
    customer: CustomerRefInput!
    documentType: DocumentType
    language: Language = EN_US
    sendSms: Boolean = false
  }
  type Person @key(fields: "id", resolvable: false) { id: ID! }
  type Business @key(fields: "id", resolvable: false) { id: ID! }
  union Customer = Person | Business
  type DocumentVerificationSession {
    id: ID
    sessionId: ID!
    state: SessionState!
    url: URL!
    customer: Customer!
  }
  type CreateDocumentVerificationSessionPayload {
    session: DocumentVerificationSession!
    idempotencyKey: String!
  }
  type Query { documentVerificationLanguages: [String!]! }
  type Mutation {
    createDocumentVerificationSession(
      input: CreateDocumentVerificationSessionInput!
      idempotencyKey: String
    ): CreateDocumentVerificationSessionPayload!
  }
`);

interface SessionInput {
  customer: { personId?: string; businessId?: string };
  documentType?: string;
  language: string;
  sendSms: boolean;
}

interface UpstreamSession {
  id?: string;
  session_id: string;
  state: string;
  url: string;
  person_id?: string;
  business_id?: string;
}

class SyncteraAPI extends RESTDataSource {
  override baseURL = `${process.env.UPSTREAM_URL ?? ''}/`;

  constructor(
    options: DataSourceConfig,
    private readonly authorization: string | undefined,
  ) {
    super(options);
  }

  protected override willSendRequest(_path: string, request: AugmentedRequest): void {
    if (this.authorization) request.headers.authorization = this.authorization;
  }

  createSession(input: SessionInput, idempotencyKey: string): Promise<UpstreamSession> {
    return this.post<UpstreamSession>(DEFAULT_SESSION_PATH.slice(1), {
      headers: { 'idempotency-key': idempotencyKey },
      body: {
        person_id: input.customer.personId,
        business_id: input.customer.businessId,
        document_type: input.documentType,
        language: input.language.replaceAll('_', '-'),
        send_sms: input.sendSms,
      },
    });
  }
}

interface Context {
  dataSources: { synctera: SyncteraAPI };
  idempotencyKey: string | undefined;
}

const resolvers = {
  UUID: UUIDResolver,
  URL: URLResolver,
  Customer: {
    __resolveType: (customer: { kind: string }) => customer.kind,
  },
  Query: { documentVerificationLanguages: () => LANGUAGES.map((language) => language.code) },
  Mutation: {
    async createDocumentVerificationSession(
      _: unknown,
      args: { input: SessionInput; idempotencyKey?: string },
      { dataSources, idempotencyKey: header }: Context,
    ) {
      const idempotencyKey = args.idempotencyKey ?? header ?? randomUUID();
      const answer = await dataSources.synctera.createSession(args.input, idempotencyKey);
      const person = answer.person_id !== undefined;
      return {
        idempotencyKey,
        session: {
          id: answer.id,
          sessionId: answer.session_id,
          state: answer.state,
          url: answer.url,
          customer: {
            kind: person ? 'Person' : 'Business',
            id: person ? answer.person_id : answer.business_id,
          },
        },
      };
    },
  },
};

async function main(): Promise<void> {
  const server = new ApolloServer<Context>({
    schema: buildSubgraphSchema({
      typeDefs,
      resolvers: resolvers as SubgraphResolverMap,
    }),
  });
  await startStandaloneServer(server, {
    listen: { port: Number(process.env.PORT ?? 0), host: '127.0.0.1' },
    context: async ({ req }) => {
      const header = req.headers['idempotency-key'];
      const idempotencyKey = typeof header === 'string' ? header : undefined;
      return {
        idempotencyKey,
        dataSources: {
          synctera: new SyncteraAPI({ cache: server.cache }, req.headers.authorization),
        },
      };
    },
  });
  stopOnSignals(() => server.stop());
}

void main();
