import { CreateSessionDocument } from '../generated/graphql';
import { PERSON_ID, useStack, TEST_TOKEN, UNKNOWN_PERSON_ID } from '../helpers/stack';

const INPUT = { input: { customer: { personId: PERSON_ID } } };
const problem = (status: number, extra: Record<string, unknown> = {}) => ({
  type: `https://api.synctera.com/errors/e${status}`,
  title: 'Problem',
  status,
  detail: `detail of ${status}`,
  code: `CODE_${status}`,
  ...extra,
});

describe('upstream errors map to the contract codes', () => {
  const stack = useStack({ SYNCTERA_MAX_RETRIES: '2', SYNCTERA_TIMEOUT_MS: '300' });

  const create = () => stack().execute(CreateSessionDocument, INPUT);

  it.each([
    [400, 'BAD_USER_INPUT', true],
    [401, 'UNAUTHENTICATED', false],
    [403, 'FORBIDDEN', false],
    [404, 'NOT_FOUND', true],
    [409, 'IDEMPOTENCY_CONFLICT', true],
    [422, 'BAD_USER_INPUT', true],
  ])('upstream %i → %s, not retried', async (status, code, detailIsMessage) => {
    stack().emulator.injectFault({
      kind: 'respond',
      status,
      body: problem(status),
      headers: { 'content-type': 'application/problem+json', 'x-request-id': 'up-1' },
    });
    const { body, text } = await create();
    const [error] = body.errors ?? [];
    expect(error?.extensions?.code).toBe(code);
    expect(error?.extensions?.upstream).toEqual({
      status,
      type: `https://api.synctera.com/errors/e${status}`,
      code: `CODE_${status}`,
      requestId: 'up-1',
    });
    if (detailIsMessage) expect(error?.message).toBe(`detail of ${status}`);
    else expect(error?.message).not.toContain('detail of');
    expect(body.data).toBeNull();
    expect(stack().emulator.requests).toHaveLength(1);
    expect(text).not.toContain(TEST_TOKEN);
  });

  it.each([
    [429, 'RATE_LIMITED'],
    [500, 'UPSTREAM_UNAVAILABLE'],
    [502, 'UPSTREAM_UNAVAILABLE'],
    [503, 'UPSTREAM_UNAVAILABLE'],
    [504, 'UPSTREAM_UNAVAILABLE'],
  ])('upstream %i that persists → %s', async (status, code) => {
    stack().emulator.injectFault({ kind: 'respond', status, body: problem(status) }, 10);
    const { body } = await create();
    expect(body.errors?.[0]?.extensions?.code).toBe(code);
    expect(body.errors?.[0]?.extensions?.upstream).toMatchObject({ status });
    expect(body.errors?.[0]?.message).not.toContain('detail of');
    // 500 is not retried; 429, 502, 503 and 504 are, twice, with the same key.
    expect(stack().emulator.requests).toHaveLength(status === 500 ? 1 : 3);
    const keys = new Set(stack().emulator.requests.map((r) => r.headers['idempotency-key']));
    expect(keys.size).toBe(1);
  });

  it('recovers when a retryable failure clears within the retries', async () => {
    stack().emulator.injectFault({ kind: 'respond', status: 503, body: problem(503) });
    stack().emulator.injectFault({ kind: 'reset-before' });
    const { body } = await create();
    expect(body.errors).toBeUndefined();
    expect(stack().emulator.requests).toHaveLength(3);
    expect(stack().emulator.sessionsCreated).toBe(1);
  });

  it('does not create a second session when the connection drops after the upstream committed', async () => {
    stack().emulator.injectFault({ kind: 'reset-after' });
    const { body } = await create();
    expect(body.errors).toBeUndefined();
    expect(stack().emulator.requests).toHaveLength(2);
    expect(stack().emulator.sessionsCreated).toBe(1);
  });

  it('network errors that persist → UPSTREAM_UNAVAILABLE', async () => {
    stack().emulator.injectFault({ kind: 'reset-before' }, 3);
    const { body } = await create();
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(body.errors?.[0]?.extensions?.upstream).toEqual({
      status: null,
      type: null,
      code: null,
      requestId: null,
    });
    expect(stack().emulator.requests).toHaveLength(3);
  });

  it('an upstream slower than SYNCTERA_TIMEOUT_MS on every attempt → UPSTREAM_UNAVAILABLE', async () => {
    stack().emulator.injectFault({ kind: 'hang' }, 3);
    const { body } = await create();
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(body.errors?.[0]?.message).toMatch(/no answer within 300 ms\) after 3 attempt/);
  });

  it('an unknown customer is NOT_FOUND with the upstream detail', async () => {
    const { body } = await stack().execute(CreateSessionDocument, {
      input: { customer: { personId: UNKNOWN_PERSON_ID } },
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(body.errors?.[0]?.message).toContain(UNKNOWN_PERSON_ID);
  });

  it('an upstream 401 without a problem body is still UNAUTHENTICATED', async () => {
    stack().emulator.injectFault({ kind: 'respond', status: 401, body: 'not json' });
    const { body } = await create();
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.extensions?.upstream).toEqual({
      status: 401,
      type: null,
      code: null,
      requestId: expect.any(String),
    });
  });

  it.each([
    ['a non-JSON body', 'this is not json'],
    ['a JSON array', '[]'],
    ['an unknown state', { session_id: 's', url: 'https://v.example/s', state: 'EXPIRED' }],
    ['no session_id', { url: 'https://v.example/s', state: 'PENDING' }],
    ['no url', { session_id: 's', state: 'PENDING' }],
    ['a url that is not a URL', { session_id: 's', url: 'not a url', state: 'PENDING' }],
  ])('a 2xx with %s → UPSTREAM_BAD_RESPONSE', async (_name, answer) => {
    stack().emulator.injectFault({ kind: 'respond', status: 201, body: answer });
    const { body } = await create();
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(body.errors?.[0]?.extensions?.upstream).toMatchObject({ status: 201 });
    expect(body.data).toBeNull();
    expect(stack().emulator.requests).toHaveLength(1);
  });

  it('an unexpected status → UPSTREAM_BAD_RESPONSE', async () => {
    stack().emulator.injectFault({ kind: 'respond', status: 418, body: problem(418) });
    const { body } = await create();
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_BAD_RESPONSE');
  });
});
