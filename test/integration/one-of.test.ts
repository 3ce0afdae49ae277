import { CreateSessionDocument } from '../generated/graphql';
import { BUSINESS_ID, PERSON_ID, useStack } from '../helpers/stack';

/** Exactly one of personId/businessId: refused by graphql-js before any upstream call. */
describe('CustomerRefInput @oneOf', () => {
  const stack = useStack();

  const literal = (customer: string) => `mutation {
    createDocumentVerificationSession(input: { customer: ${customer} }) { session { sessionId } }
  }`;

  const expectRefused = (body: {
    data?: unknown;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  }) => {
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toMatch(/exactly one|must be non-null/i);
    expect(body.data ?? null).toBeNull();
    expect(stack().emulator.requests).toHaveLength(0);
  };

  it.each([
    ['zero ids', '{}'],
    ['two ids', `{ personId: "${PERSON_ID}", businessId: "${BUSINESS_ID}" }`],
    ['one id plus a null', `{ personId: "${PERSON_ID}", businessId: null }`],
    ['a single null', '{ personId: null }'],
  ])('refuses %s written as a literal', async (_name, customer) => {
    const { status, body } = await stack().execute(literal(customer));
    expect(status).toBe(400);
    expectRefused(body);
  });

  it.each([
    ['zero ids', {}],
    ['two ids', { personId: PERSON_ID, businessId: BUSINESS_ID }],
    ['one id plus a null', { personId: PERSON_ID, businessId: null }],
    ['a single null', { businessId: null }],
  ])('refuses %s passed in variables', async (_name, customer) => {
    const { body } = await stack().execute(CreateSessionDocument, {
      input: { customer: customer as never },
    });
    expectRefused(body);
  });

  it('refuses a null id passed through a nested variable', async () => {
    const { body } = await stack().execute(
      `mutation ($id: UUID) {
        createDocumentVerificationSession(input: { customer: { personId: $id } }) {
          session { sessionId }
        }
      }`,
      { id: null },
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(stack().emulator.requests).toHaveLength(0);
  });

  it('refuses an id that is not a UUID', async () => {
    const { body } = await stack().execute(CreateSessionDocument, {
      input: { customer: { personId: 'not-a-uuid' } },
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(stack().emulator.requests).toHaveLength(0);
  });

  it('accepts exactly one id', async () => {
    const { body } = await stack().execute(literal(`{ businessId: "${BUSINESS_ID}" }`));
    expect(body.errors).toBeUndefined();
    expect(stack().emulator.requests).toHaveLength(1);
  });
});
