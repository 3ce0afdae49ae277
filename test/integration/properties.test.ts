import fc from 'fast-check';
import type { EmulatorFault } from '../../src/emulator';
import { ERROR_CODES } from '../../src/verification/errors';
import { LANGUAGES } from '../../src/verification/language';
import { CreateSessionDocument } from '../generated/graphql';
import { AUTH, type HttpResult, PERSON_ID, postGraphQL, useStack } from '../helpers/stack';

/** Every code a create may end in (docs/contract.md, errors). */
const CONTRACT_CODES = ERROR_CODES;
/** What Apollo answers an operation that cannot run at all (see README, "Errors"). */
const MALFORMED_OPERATION_CODES = [
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
];

/** Visible ASCII and space: what an HTTP client can put in a header value. */
const headerText = (maxLength: number) =>
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength,
  });

/** Data with a session, or errors that each carry one of `codes`. */
function expectDataOrCodes(result: HttpResult<unknown>, codes: readonly string[]): void {
  const { body } = result;
  if (body.errors === undefined) {
    expect(body.data).toEqual({
      createDocumentVerificationSession: expect.objectContaining({
        session: expect.objectContaining({ sessionId: expect.any(String) }),
      }),
    });
    return;
  }
  expect(body.errors.length).toBeGreaterThan(0);
  for (const error of body.errors) expect(codes).toContain(error.extensions?.code);
}

describe('properties: whatever comes in or back, data or a contract error', () => {
  const stack = useStack({ SYNCTERA_MAX_RETRIES: '1', SYNCTERA_TIMEOUT_MS: '1000' });
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  beforeAll(() => process.on('unhandledRejection', onRejection));
  afterAll(() => process.off('unhandledRejection', onRejection));

  it('random inputs: ids, enum spellings, keys and headers', async () => {
    const id = fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.constant(PERSON_ID));
    const enumSpelling = (values: readonly string[]) =>
      fc.oneof(fc.constantFrom(...values), fc.string({ maxLength: 8 }), fc.constant(null));
    const input = fc.record(
      {
        customer: fc.oneof(
          fc.record({ personId: id }),
          fc.record({ businessId: id }),
          fc.record({ personId: id, businessId: id }),
          fc.constant({}),
        ),
        documentType: enumSpelling(['LICENSE', 'PASSPORT', 'license']),
        language: enumSpelling([...LANGUAGES.map((l) => l.value), 'EN-US', 'en_us']),
        sendSms: fc.oneof(fc.boolean(), fc.constant('yes')),
      },
      { requiredKeys: ['customer'] },
    );
    const headers = fc.record(
      {
        authorization: fc.oneof(
          fc.constant(AUTH.authorization),
          headerText(30).map((t) => `Bearer ${t}`),
          headerText(30),
        ),
        'idempotency-key': headerText(300),
        'x-request-id': headerText(250),
      },
      { requiredKeys: [] },
    );
    const key = fc.option(fc.string({ maxLength: 300 }), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(input, key, headers, async (randomInput, idempotencyKey, randomHeaders) => {
        const result = await stack().execute(
          CreateSessionDocument,
          { input: randomInput, idempotencyKey } as never,
          randomHeaders,
        );
        expectDataOrCodes(result, CONTRACT_CODES);
      }),
      { numRuns: 60 },
    );
  });

  it('random upstream answers: status, headers and bodies', async () => {
    const sessionLike = fc.record(
      {
        person_id: fc.oneof(fc.constant(PERSON_ID), fc.uuid(), fc.integer()),
        session_id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        state: fc.constantFrom('PENDING', 'COMPLETE', 'pending', 'DONE'),
        url: fc.oneof(fc.webUrl(), fc.string()),
        id: fc.oneof(fc.uuid(), fc.constant(null)),
      },
      { requiredKeys: [] },
    );
    const problemLike = fc.record(
      {
        type: fc.string(),
        title: fc.string(),
        status: fc.integer(),
        detail: fc.string(),
        code: fc.string(),
      },
      { requiredKeys: [] },
    );
    const answer: fc.Arbitrary<EmulatorFault> = fc.record({
      kind: fc.constant('respond' as const),
      status: fc.oneof(
        fc.integer({ min: 200, max: 599 }),
        fc.constantFrom(201, 400, 404, 429, 503),
      ),
      body: fc.oneof(
        sessionLike,
        problemLike,
        fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
        fc.string({ maxLength: 100 }),
      ),
      headers: fc.record(
        {
          'content-type': fc.constantFrom(
            'application/json',
            'text/html',
            'application/problem+json',
          ),
          // '99999' is past the Retry-After cap, so it ends the retries at once.
          'retry-after': fc.constantFrom(
            '0',
            '-1',
            'soon',
            '99999',
            'Wed, 21 Oct 2015 07:28:00 GMT',
          ),
          'x-request-id': headerText(40),
        },
        { requiredKeys: [] },
      ),
    });
    await fc.assert(
      fc.asyncProperty(answer, async (fault) => {
        stack().emulator.reset();
        stack().emulator.injectFault(fault);
        const result = await stack().execute(CreateSessionDocument, {
          input: { customer: { personId: PERSON_ID } },
        });
        expectDataOrCodes(result, CONTRACT_CODES);
        expect(stack().emulator.sessionsCreated).toBeLessThanOrEqual(1);
      }),
      { numRuns: 80 },
    );
  });

  it('random operation text: a malformed operation gets a GraphQL code', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom('mutation {', '{ createDocumentVerificationSession }', 'query { nope }', ''),
    );
    await fc.assert(
      fc.asyncProperty(text, async (query) => {
        const result = await postGraphQL(stack().url, { query });
        if (result.body.errors !== undefined) {
          for (const error of result.body.errors) {
            expect([...CONTRACT_CODES, ...MALFORMED_OPERATION_CODES]).toContain(
              error.extensions?.code,
            );
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('left no unhandled rejection and a server still serving', async () => {
    expect(rejections).toEqual([]);
    expect((await fetch(stack().url.replace(/graphql$/, 'health'))).status).toBe(200);
  });
});
