import type { ApolloServer } from '@apollo/server';
import { MockAgent } from 'undici';
import { upstreamAuthorization } from '../../src/synctera/authorization';
import { loadConfig } from '../../src/config';
import type { Context } from '../../src/graphql/context';
import { createLogger } from '../../src/logger';
import { createApolloServer } from '../../src/graphql/apollo-server';
import { SyncteraClient } from '../../src/synctera/client';
import { createUpstream } from '../../src/synctera/upstream';
import { PERSON_ID } from '../helpers/stack';

const ORIGIN = 'https://api-sandbox.synctera.test';
const PATH = '/v0/verifications/document_verification_session';

/** In-process tier: Apollo Server's executeOperation, with undici's MockAgent as the upstream. */
describe('createApolloServer in process', () => {
  let server: ApolloServer<Context>;
  let agent: MockAgent;
  const logger = createLogger('silent');

  beforeAll(async () => {
    server = createApolloServer({ production: false, logger });
    await server.start();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
  });
  afterEach(() => agent.close());

  function contextValue(): Context {
    const upstream = createUpstream(loadConfig({}).upstream, `${ORIGIN}/v0`, logger);
    return {
      requestId: 'req-in-process',
      idempotencyKeyHeader: undefined,
      synctera: new SyncteraClient({
        upstream: { ...upstream, dispatcher: agent.get(ORIGIN) },
        requestId: 'req-in-process',
        authorization: upstreamAuthorization('Bearer in-process', undefined),
      }),
    };
  }

  it('answers the languages query', async () => {
    const response = await server.executeOperation(
      { query: '{ documentVerificationLanguages { language code } }' },
      { contextValue: contextValue() },
    );
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    const data = response.body.singleResult.data as { documentVerificationLanguages: unknown[] };
    expect(data.documentVerificationLanguages).toHaveLength(49);
  });

  it('creates a session through the data source', async () => {
    agent
      .get(ORIGIN)
      .intercept({
        path: PATH,
        method: 'POST',
        headers: { authorization: 'Bearer in-process', 'idempotency-key': 'k-1' },
        body: JSON.stringify({ person_id: PERSON_ID, language: 'EN-US', send_sms: false }),
      })
      .reply(201, {
        person_id: PERSON_ID,
        session_id: 'sess-1',
        state: 'PENDING',
        url: 'https://verify.example/sess-1',
      });
    const response = await server.executeOperation(
      {
        query: `mutation ($id: UUID!) {
          createDocumentVerificationSession(input: { customer: { personId: $id } }, idempotencyKey: "k-1") {
            session { sessionId customer { __typename } }
          }
        }`,
        variables: { id: PERSON_ID },
      },
      { contextValue: contextValue() },
    );
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    expect(response.body.singleResult.errors).toBeUndefined();
    expect(response.body.singleResult.data).toEqual({
      createDocumentVerificationSession: {
        session: { sessionId: 'sess-1', customer: { __typename: 'Person' } },
      },
    });
    agent.assertNoPendingInterceptors();
  });

  it('refuses two ids as BAD_USER_INPUT without calling the upstream', async () => {
    const response = await server.executeOperation(
      {
        query: `mutation {
          createDocumentVerificationSession(input: { customer: { personId: "${PERSON_ID}", businessId: "${PERSON_ID}" } }) {
            idempotencyKey
          }
        }`,
      },
      { contextValue: contextValue() },
    );
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    expect(response.body.singleResult.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.http.status).toBe(400);
  });
});
