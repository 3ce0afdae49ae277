import { BUSINESSES, PEOPLE } from '../fixtures/customers-subgraph';
import { AUTH, BUSINESS_ID, PERSON_ID, postGraphQL } from '../helpers/stack';
import { SUBGRAPH_NAME, startSupergraph, type Supergraph } from './supergraph-stack';

/** A frontend's operation: start a session and show the customer's name from another subgraph. */
const START_SESSION = `
  mutation StartSession($customer: CustomerRefInput!) {
    createDocumentVerificationSession(input: { customer: $customer }) {
      idempotencyKey
      session {
        sessionId
        customer {
          __typename
          ... on Person { id firstName }
          ... on Business { id legalName }
        }
      }
    }
  }
`;

const FRONTEND_HEADERS = {
  ...AUTH,
  'idempotency-key': 'frontend-key-6b1f0c2a',
  'x-request-id': 'frontend-request-41d7',
};

interface StartSessionData {
  createDocumentVerificationSession: {
    idempotencyKey: string;
    session: { sessionId: string; customer: Record<string, string> };
  };
}

describe('a frontend through Apollo Gateway', () => {
  let supergraph: Supergraph;
  beforeAll(async () => {
    supergraph = await startSupergraph();
  });
  afterAll(() => supergraph.close());
  beforeEach(() => {
    supergraph.emulator.reset();
    supergraph.customers.reset();
  });

  const execute = <TData>(
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = FRONTEND_HEADERS,
  ) => postGraphQL<TData>(supergraph.url, { query, variables }, headers);

  it("creates a session for a person and joins the person's name from the customers subgraph", async () => {
    const { body } = await execute<StartSessionData>(START_SESSION, {
      customer: { personId: PERSON_ID },
    });

    expect(body.errors).toBeUndefined();
    const payload = body.data?.createDocumentVerificationSession;
    expect(payload?.session.customer).toEqual({
      __typename: 'Person',
      id: PERSON_ID,
      firstName: PEOPLE.get(PERSON_ID)?.firstName,
    });
    expect(payload?.idempotencyKey).toBe(FRONTEND_HEADERS['idempotency-key']);
    expect(supergraph.emulator.sessionsCreated).toBe(1);
  });

  it("creates a session for a business and joins the business's legal name", async () => {
    const { body } = await execute<StartSessionData>(START_SESSION, {
      customer: { businessId: BUSINESS_ID },
    });

    expect(body.errors).toBeUndefined();
    expect(body.data?.createDocumentVerificationSession.session.customer).toEqual({
      __typename: 'Business',
      id: BUSINESS_ID,
      legalName: BUSINESSES.get(BUSINESS_ID)?.legalName,
    });
  });

  it('sends the Authorization, Idempotency-Key and X-Request-Id upstream unchanged', async () => {
    await execute(START_SESSION, { customer: { personId: PERSON_ID } });

    expect(supergraph.emulator.requests).toHaveLength(1);
    const upstream = supergraph.emulator.requests[0]?.headers;
    expect(upstream?.authorization).toBe(FRONTEND_HEADERS.authorization);
    expect(upstream?.['idempotency-key']).toBe(FRONTEND_HEADERS['idempotency-key']);
    expect(upstream?.['x-request-id']).toBe(FRONTEND_HEADERS['x-request-id']);
  });

  it('sends none of those headers to the customers subgraph', async () => {
    await execute(START_SESSION, { customer: { personId: PERSON_ID } });

    expect(supergraph.customers.receivedHeaders.length).toBeGreaterThan(0);
    for (const headers of supergraph.customers.receivedHeaders) {
      expect(headers['idempotency-key']).toBeUndefined();
      expect(headers.authorization).toBeUndefined();
      expect(headers['x-request-id']).toBeUndefined();
    }
  });

  it('refuses a request without Authorization with UNAUTHENTICATED and no upstream call', async () => {
    const { body } = await execute(START_SESSION, { customer: { personId: PERSON_ID } }, {});

    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(supergraph.emulator.requests).toHaveLength(0);
  });

  describe('exactly one customer id, although the supergraph API schema has no @oneOf', () => {
    const both = { personId: PERSON_ID, businessId: BUSINESS_ID };

    it.each([
      ['literal, both ids', `{ personId: "${PERSON_ID}", businessId: "${BUSINESS_ID}" }`],
      ['literal, no id', '{}'],
    ])('the subgraph refuses a %s with BAD_USER_INPUT', async (_, customer) => {
      const literal = START_SESSION.replace(
        'mutation StartSession($customer: CustomerRefInput!)',
        'mutation StartSession',
      ).replace('customer: $customer', `customer: ${customer}`);
      const { body } = await execute(literal);

      expectRefusedBySubgraph(body);
    });

    it.each([
      ['both ids', both],
      ['no id', {}],
      ['one id and a null', { personId: PERSON_ID, businessId: null }],
    ])('the subgraph refuses variables with %s with BAD_USER_INPUT', async (_, customer) => {
      const { body } = await execute(START_SESSION, { customer });

      expectRefusedBySubgraph(body);
    });

    function expectRefusedBySubgraph(body: {
      data?: unknown;
      errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    }): void {
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        serviceName: SUBGRAPH_NAME,
      });
      expect(body.errors?.[0]?.message).toMatch(/CustomerRefInput|exactly one/i);
      expect(supergraph.emulator.requests).toHaveLength(0);
    }
  });
});
