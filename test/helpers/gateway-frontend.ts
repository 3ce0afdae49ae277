/**
 * What a frontend sends through a gateway and what it must get back, shared by the Apollo Gateway
 * and Hive Gateway tests: its operation and headers, the customers that break `@oneOf`, and the
 * tests every gateway in front of this subgraph must pass.
 */
import type { Emulator } from '../../src/emulator';
import { BUSINESSES, type CustomersSubgraph, PEOPLE } from '../fixtures/customers-subgraph';
import { AUTH, BUSINESS_ID, type HttpResult, PERSON_ID, postGraphQL } from './stack';
import { SUBGRAPH_NAME } from '../federation/supergraph-stack';

/** A frontend's operation: start a session and show the customer's name from another subgraph. */
export const START_SESSION = `
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

/** {@link START_SESSION} with the customer written into the operation as a literal. */
export function startSessionWithLiteral(customer: string): string {
  return START_SESSION.replace(
    'mutation StartSession($customer: CustomerRefInput!)',
    'mutation StartSession',
  ).replace('customer: $customer', `customer: ${customer}`);
}

export const FRONTEND_HEADERS = {
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

/** Customers with zero or two ids, as literals in the operation. */
export const NOT_ONE_ID_LITERALS: ReadonlyArray<readonly [string, string]> = [
  ['both ids', `{ personId: "${PERSON_ID}", businessId: "${BUSINESS_ID}" }`],
  ['no id', '{}'],
];

/** Customers with zero or two ids, as variables. */
export const NOT_ONE_ID_VARIABLES: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ['both ids', { personId: PERSON_ID, businessId: BUSINESS_ID }],
  ['no id', {}],
  ['one id and a null', { personId: PERSON_ID, businessId: null }],
];

/** A gateway in front of this subgraph and the customers one, and what is behind it. */
export interface GatewayUnderTest {
  /** The gateway's GraphQL endpoint. */
  readonly url: string;
  /** The upstream behind this subgraph: its recorded requests say whether a call was made. */
  readonly emulator: Emulator;
  readonly customers: CustomersSubgraph;
}

/** POSTs an operation to the gateway as the frontend does (its headers by default). */
export function sendToGateway<TData>(
  gateway: GatewayUnderTest,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = FRONTEND_HEADERS,
): Promise<HttpResult<TData>> {
  return postGraphQL<TData>(gateway.url, { query, variables }, headers);
}

/** Empties the request records behind the gateway before each test of the enclosing `describe`. */
export function forgetRequestsBeforeEach(gateway: () => GatewayUnderTest): void {
  beforeEach(() => {
    gateway().emulator.reset();
    gateway().customers.reset();
  });
}

/**
 * Tests for the enclosing `describe`: what a frontend gets through any gateway, whatever the
 * composition. `gateway` is a getter, since gateways start in `beforeAll`.
 */
export function itServesTheFrontend(gateway: () => GatewayUnderTest): void {
  forgetRequestsBeforeEach(gateway);

  it("creates a session for a person and joins the person's name from the customers subgraph", async () => {
    const { body } = await sendToGateway<StartSessionData>(gateway(), START_SESSION, {
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
    expect(gateway().emulator.sessionsCreated).toBe(1);
  });

  it("creates a session for a business and joins the business's legal name", async () => {
    const { body } = await sendToGateway<StartSessionData>(gateway(), START_SESSION, {
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
    await sendToGateway(gateway(), START_SESSION, { customer: { personId: PERSON_ID } });

    expect(gateway().emulator.requests).toHaveLength(1);
    const upstream = gateway().emulator.requests[0]?.headers;
    expect(upstream?.authorization).toBe(FRONTEND_HEADERS.authorization);
    expect(upstream?.['idempotency-key']).toBe(FRONTEND_HEADERS['idempotency-key']);
    expect(upstream?.['x-request-id']).toBe(FRONTEND_HEADERS['x-request-id']);
  });

  it('sends neither the Authorization nor the Idempotency-Key to the customers subgraph', async () => {
    await sendToGateway(gateway(), START_SESSION, { customer: { personId: PERSON_ID } });

    expect(gateway().customers.receivedHeaders.length).toBeGreaterThan(0);
    for (const headers of gateway().customers.receivedHeaders) {
      expect(headers['idempotency-key']).toBeUndefined();
      expect(headers.authorization).toBeUndefined();
    }
  });

  it('refuses a request without Authorization with UNAUTHENTICATED and no upstream call', async () => {
    const { body } = await sendToGateway(
      gateway(),
      START_SESSION,
      { customer: { personId: PERSON_ID } },
      {},
    );

    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.message).toMatch(/Authorization/);
    expect(gateway().emulator.requests).toHaveLength(0);
  });
}

/**
 * Tests for the enclosing `describe`, for a supergraph without `@oneOf` (Apollo's composition):
 * the gateway lets zero or two ids through and this subgraph refuses them with BAD_USER_INPUT.
 */
export function itLeavesOneOfToTheSubgraph(gateway: () => GatewayUnderTest): void {
  forgetRequestsBeforeEach(gateway);

  it.each(NOT_ONE_ID_LITERALS)(
    'the subgraph refuses a literal with %s with BAD_USER_INPUT',
    async (_, customer) => {
      expectRefusedBySubgraph(await sendToGateway(gateway(), startSessionWithLiteral(customer)));
    },
  );

  it.each(NOT_ONE_ID_VARIABLES)(
    'the subgraph refuses variables with %s with BAD_USER_INPUT',
    async (_, customer) => {
      expectRefusedBySubgraph(await sendToGateway(gateway(), START_SESSION, { customer }));
    },
  );

  function expectRefusedBySubgraph({ body }: HttpResult<unknown>): void {
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      serviceName: SUBGRAPH_NAME,
    });
    expect(body.errors?.[0]?.message).toMatch(/CustomerRefInput|exactly one/i);
    expect(gateway().emulator.requests).toHaveLength(0);
  }
}
