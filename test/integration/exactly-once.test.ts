import { CreateSessionDocument } from '../generated/graphql';
import { capturingLogger } from '../helpers/logs';
import { AUTH, BUSINESS_ID, PERSON_ID, useStack } from '../helpers/stack';
import { until } from '../helpers/until';

/**
 * One session per intent, whatever fails between the subgraph and the upstream: each case ends
 * with the caller holding its one session, or a contract error that names the key to retry with.
 */
const TIMEOUT_MS = 300;
const PERSON = { input: { customer: { personId: PERSON_ID } } };
const BUSINESS = { input: { customer: { businessId: BUSINESS_ID } } };

const captured = capturingLogger();

describe('exactly one session per intent', () => {
  const stack = useStack(
    { SYNCTERA_TIMEOUT_MS: String(TIMEOUT_MS), SYNCTERA_MAX_RETRIES: '2' },
    { logger: captured.logger },
  );
  beforeEach(() => {
    captured.lines.length = 0;
  });

  it('retries a 409 that follows its own unanswered attempt, then says to retry with the same key', async () => {
    const { emulator } = stack();
    // Attempt 1 outlives its deadline while the upstream still creates the session; the
    // next attempts meet the upstream's "still being processed" 409.
    emulator.injectFault({ kind: 'delay', ms: TIMEOUT_MS * 3 });
    emulator.injectFault({ kind: 'conflict-while-processing' }, 2);
    const { body } = await stack().execute(CreateSessionDocument, PERSON);

    const [error] = body.errors ?? [];
    expect(error?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error?.message).toMatch(/still processing.*same idempotency key/i);
    const key = error?.extensions?.idempotencyKey;
    expect(typeof key).toBe('string');
    expect(emulator.requests.map((r) => r.headers['idempotency-key'])).toEqual([key, key, key]);
    expect(emulator.requests.length).toBe(3);

    // The caller follows the advice once the upstream is done: the one session comes back.
    await until(() => emulator.sessionsCreated === 1);
    const retry = await stack().execute(CreateSessionDocument, PERSON, {
      ...AUTH,
      'idempotency-key': String(key),
    });
    expect(retry.body.errors).toBeUndefined();
    expect(retry.body.data?.createDocumentVerificationSession.idempotencyKey).toBe(key);
    expect(emulator.sessionsCreated).toBe(1);
  });

  it('retries a 409 that follows an answer for another customer: our POST may still be processed', async () => {
    const { emulator } = stack();
    const stray = {
      session_id: 'stray-session',
      state: 'PENDING',
      url: 'https://verify.example.com/s/stray',
      person_id: '5e0a9d8c-7b6f-4a5e-9d4c-3b2a1f0e9d8c',
    };
    emulator.injectFault({ kind: 'respond', status: 201, body: stray });
    emulator.injectFault({ kind: 'respond', status: 409, body: { status: 409, detail: 'busy' } });
    const { body } = await stack().execute(CreateSessionDocument, PERSON, {
      ...AUTH,
      'idempotency-key': 'after-stray-409',
    });
    expect(body.errors).toBeUndefined();
    expect(body.data?.createDocumentVerificationSession.session.customer).toMatchObject({
      id: PERSON_ID,
    });
    expect(emulator.requests).toHaveLength(3);
    expect(emulator.sessionsCreated).toBe(1);
  });

  it('keeps a 409 on the first attempt of a key an IDEMPOTENCY_CONFLICT, with the key', async () => {
    stack().emulator.injectFault({
      kind: 'respond',
      status: 409,
      body: { status: 409, detail: 'Idempotency-Key was already used with another body' },
    });
    const { body } = await stack().execute(CreateSessionDocument, PERSON, {
      ...AUTH,
      'idempotency-key': 'first-attempt-409',
    });
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'IDEMPOTENCY_CONFLICT',
      idempotencyKey: 'first-attempt-409',
    });
    expect(stack().emulator.requests).toHaveLength(1);
  });

  it.each([
    ['UPSTREAM_UNAVAILABLE', { kind: 'respond', status: 503, body: {} }],
    ['RATE_LIMITED', { kind: 'respond', status: 429, body: {} }],
    ['UPSTREAM_UNAVAILABLE', { kind: 'hang' }],
  ] as const)('tells the generated key when a call ends %s', async (code, fault) => {
    stack().emulator.injectFault(fault, 3);
    const { body } = await stack().execute(CreateSessionDocument, PERSON);
    const [error] = body.errors ?? [];
    expect(error?.extensions?.code).toBe(code);
    expect(error?.extensions?.idempotencyKey).toBe(
      stack().emulator.requests[0]?.headers['idempotency-key'],
    );
    expect(error?.extensions?.idempotencyKey).toMatch(/^[\da-f-]{36}$/);
  });

  it('gives no key to an error raised before any upstream call', async () => {
    const { body } = await stack().execute(CreateSessionDocument, PERSON, {});
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.extensions).not.toHaveProperty('idempotencyKey');
  });

  it('recovers the session after an unsolicited 100 Continue, with the same key', async () => {
    const { emulator } = stack();
    emulator.injectFault({ kind: 'continue-first' }, 3);
    const { body } = await stack().execute(CreateSessionDocument, PERSON);
    const key = body.errors?.[0]?.extensions?.idempotencyKey;
    // The session exists upstream although every answer was lost on the way back.
    expect(emulator.sessionsCreated).toBe(1);
    if (body.errors !== undefined) {
      expect(body.errors[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
      const retry = await stack().execute(CreateSessionDocument, PERSON, {
        ...AUTH,
        'idempotency-key': String(key),
      });
      expect(retry.body.errors).toBeUndefined();
    }
    expect(emulator.sessionsCreated).toBe(1);

    // Once: the subgraph's own retry with the same key returns the session.
    emulator.reset();
    emulator.injectFault({ kind: 'continue-first' });
    const once = await stack().execute(CreateSessionDocument, PERSON);
    expect(once.body.errors).toBeUndefined();
    expect(emulator.sessionsCreated).toBe(1);
  });

  it('never hands a stray answer to another caller, and does not reuse its connection', async () => {
    const { emulator } = stack();
    const asked: string[] = [];
    const answered: string[] = [];
    for (let i = 0; i < 30; i++) {
      // Every third answer is followed by a stray copy on its keep-alive connection.
      if (i % 3 === 0) emulator.injectFault({ kind: 'stray-answer' });
      const person = i % 2 === 0;
      const { body } = await stack().execute(CreateSessionDocument, person ? PERSON : BUSINESS);
      expect(body.errors).toBeUndefined();
      const customer = body.data?.createDocumentVerificationSession.session.customer;
      asked.push(person ? PERSON_ID : BUSINESS_ID);
      answered.push(customer?.id ?? '');
    }
    expect(answered).toEqual(asked);
    expect(
      captured.entries('upstream answer belongs to another request: connections replaced'),
    ).not.toHaveLength(0);
  });
});

describe('a caller that leaves while its attempt is in flight', () => {
  const stack = useStack(
    { SYNCTERA_TIMEOUT_MS: '2000', SYNCTERA_MAX_RETRIES: '2' },
    { logger: captured.logger },
  );
  beforeEach(() => {
    captured.lines.length = 0;
  });

  async function leaveDuring(requestId: string, headers: Record<string, string> = {}) {
    const leaving = new AbortController();
    const call = fetch(stack().url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...AUTH,
        'x-request-id': requestId,
        ...headers,
      },
      body: JSON.stringify({
        query:
          'mutation($input: CreateDocumentVerificationSessionInput!) { createDocumentVerificationSession(input: $input) { session { sessionId } } }',
        variables: PERSON,
      }),
      signal: leaving.signal,
    }).catch(() => undefined);
    await until(() => stack().emulator.requests.length === 1);
    leaving.abort();
    await call;
  }

  it('lets the attempt finish and logs the session it created, with the key', async () => {
    const { emulator } = stack();
    emulator.injectFault({ kind: 'delay', ms: 300 });
    await leaveDuring('left-created');
    await until(() =>
      captured
        .entries('session created for a caller that left')
        .some((e) => e.requestId === 'left-created'),
    );
    const [line] = captured.entries('session created for a caller that left');
    const sent = emulator.requests[0]?.headers['idempotency-key'];
    expect(line).toMatchObject({ requestId: 'left-created', idempotencyKey: sent });
    expect(typeof line?.sessionId).toBe('string');
    expect(emulator.sessionsCreated).toBe(1);
    const metrics = await fetch(stack().url.replace('/graphql', '/metrics')).then((r) => r.text());
    expect(metrics).toMatch(/^document_verification_sessions_created_total 1$/m);
  });

  it('sends no new attempt after the caller left, and its abandoned line names the key', async () => {
    const { emulator } = stack();
    emulator.injectFault({
      kind: 'respond',
      status: 503,
      body: {},
      headers: { 'retry-after': '1' },
    });
    await leaveDuring('left-in-backoff', { 'idempotency-key': 'left-key' });
    await until(() =>
      captured
        .entries('upstream call abandoned: the caller disconnected')
        .some((e) => e.requestId === 'left-in-backoff'),
    );
    expect(captured.entries('upstream call abandoned: the caller disconnected')).toEqual([
      expect.objectContaining({ requestId: 'left-in-backoff', idempotencyKey: 'left-key' }),
    ]);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(emulator.requests).toHaveLength(1);
  });
});

describe('Retry-After with jitter', () => {
  const stack = useStack({ SYNCTERA_TIMEOUT_MS: '5000', SYNCTERA_MAX_RETRIES: '1' });

  it('spreads 20 callers told "Retry-After: 1" over at least a fifth of the wait', async () => {
    const { emulator } = stack();
    emulator.injectFault(
      { kind: 'respond', status: 429, body: {}, headers: { 'retry-after': '1' } },
      20,
    );
    const results = await Promise.all(
      Array.from({ length: 20 }, () => stack().execute(CreateSessionDocument, PERSON)),
    );
    for (const { body } of results) expect(body.errors).toBeUndefined();
    expect(emulator.requests).toHaveLength(40);
    const retriedAt = emulator.requests.slice(20).map((r) => r.receivedAt);
    const spread = Math.max(...retriedAt) - Math.min(...retriedAt);
    expect(spread).toBeGreaterThanOrEqual(100);
    expect(emulator.sessionsCreated).toBe(20);
  });
});
