import { print } from 'graphql';
import { type EmulatorFault } from '../../src/emulator';
import { DEFAULT_RETRY_POLICY, upstreamBudgetMs } from '../../src/synctera/retry-policy';
import { CreateSessionDocument } from '../generated/graphql';
import { capturingLogger } from '../helpers/logs';
import { AUTH, PERSON_ID, type Stack, useStack } from '../helpers/stack';
import { until } from '../helpers/until';

const INPUT = { input: { customer: { personId: PERSON_ID } } };
const TIMEOUT_MS = 300;
const MAX_RETRIES = 2;
const HUGE = 'x'.repeat(200 * 1024);

/** Codes a create may end in when the upstream misbehaves (docs/contract.md, errors). */
const UPSTREAM_CODES = ['RATE_LIMITED', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_BAD_RESPONSE'];

const respond = (status: number, body?: string | object, headers?: Record<string, string>) =>
  ({ kind: 'respond', status, body, headers }) as const;

describe('faults upstream: nothing duplicated, nothing lost', () => {
  const stack = useStack({
    SYNCTERA_TIMEOUT_MS: String(TIMEOUT_MS),
    SYNCTERA_MAX_RETRIES: String(MAX_RETRIES),
  });

  // [faults, the code the create ends in, or null for its session]
  it.each<[string, EmulatorFault[], string | null]>([
    ['a delay within the timeout', [{ kind: 'delay', ms: 20 }], null],
    // The emulator holds the key meanwhile: the retry waits for it, then gets the replay.
    ['a delay just past the timeout, once', [{ kind: 'delay', ms: TIMEOUT_MS + 50 }], null],
    ['a reset before the upstream commits', [{ kind: 'reset-before' }], null],
    ['a reset after the upstream committed', [{ kind: 'reset-after' }], null],
    [
      'two resets after the upstream committed',
      [{ kind: 'reset-after' }, { kind: 'reset-after' }],
      null,
    ],
    ['502, then 503', [respond(502), respond(503, 'down')], null],
    [
      '502, 503, then 504',
      [respond(502), respond(503, 'down'), respond(504, {})],
      'UPSTREAM_UNAVAILABLE',
    ],
    ['429 with Retry-After in seconds', [respond(429, {}, { 'retry-after': '0' })], null],
    [
      '429 with Retry-After as a past HTTP date',
      [respond(429, {}, { 'retry-after': new Date(0).toUTCString() })],
      null,
    ],
    [
      '429 that outlives the retries',
      Array(3).fill(respond(429, { detail: 'slow down' })),
      'RATE_LIMITED',
    ],
    ['a hang on every attempt', Array(3).fill({ kind: 'hang' }), 'UPSTREAM_UNAVAILABLE'],
    ['resets on every attempt', Array(3).fill({ kind: 'reset-before' }), 'UPSTREAM_UNAVAILABLE'],
    ['500 (not retried)', [respond(500, { detail: 'boom' })], 'UPSTREAM_UNAVAILABLE'],
    ['a huge 503 body, then success', [respond(503, HUGE)], null],
    ['invalid JSON in a 201', [respond(201, '{"session_id": ')], 'UPSTREAM_BAD_RESPONSE'],
    [
      'a wrong shape in a 201',
      [respond(201, { session_id: 7, state: 'DONE' })],
      'UPSTREAM_BAD_RESPONSE',
    ],
    ['an array in a 201', [respond(201, [1, 2])], 'UPSTREAM_BAD_RESPONSE'],
    ['a huge 201 body', [respond(201, HUGE)], 'UPSTREAM_BAD_RESPONSE'],
    ['an empty 200', [respond(200)], 'UPSTREAM_BAD_RESPONSE'],
  ])('%s', async (_name, faults, code) => {
    const { emulator } = stack();
    for (const fault of faults) emulator.injectFault(fault);
    const key = `fault-${Math.random()}`;
    const headers = { ...AUTH, 'idempotency-key': key };
    const { body } = await stack().execute(CreateSessionDocument, INPUT, headers);

    expect(emulator.requests.map((r) => r.headers['idempotency-key'])).toEqual(
      emulator.requests.map(() => key),
    );
    expect(emulator.requests.length).toBeLessThanOrEqual(MAX_RETRIES + 1);
    expect(emulator.sessionsCreated).toBeLessThanOrEqual(1);
    if (code === null) {
      expect(body.errors).toBeUndefined();
      expect(emulator.sessionsCreated).toBe(1);
    } else {
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual([code]);
      expect(UPSTREAM_CODES).toContain(code);
    }

    // The caller's own retry with the same key returns the same session, never a second one.
    const again = await stack().execute(CreateSessionDocument, INPUT, headers);
    expect(again.body.errors).toBeUndefined();
    expect(emulator.sessionsCreated).toBe(1);
    if (code === null) {
      expect(again.body.data?.createDocumentVerificationSession.session).toEqual(
        body.data?.createDocumentVerificationSession.session,
      );
    }
  });

  it('a reset after commit returns the very session the upstream created', async () => {
    const { emulator } = stack();
    emulator.injectFault({ kind: 'reset-after' });
    const { body } = await stack().execute(CreateSessionDocument, INPUT);
    const session = body.data?.createDocumentVerificationSession.session;
    expect(emulator.requests).toHaveLength(2);
    expect(emulator.sessionsCreated).toBe(1);
    // The emulator's page for the session exists only for sessions it created.
    const page = await fetch(String(session?.url));
    expect(page.status).toBe(200);
  });

  it('ends a hanging upstream in UPSTREAM_UNAVAILABLE within the bound, after every attempt', async () => {
    const { emulator } = stack();
    emulator.injectFault({ kind: 'hang' }, MAX_RETRIES + 1);
    const started = Date.now();
    const { body } = await stack().execute(CreateSessionDocument, INPUT);
    const elapsed = Date.now() - started;
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(body.errors?.[0]?.message).toMatch(`no answer within ${TIMEOUT_MS} ms) after 3 attempt`);
    expect(emulator.requests).toHaveLength(MAX_RETRIES + 1);
    const bound = upstreamBudgetMs(
      { ...DEFAULT_RETRY_POLICY, maxDelayMs: 0, maxRetries: MAX_RETRIES },
      TIMEOUT_MS,
    );
    expect(elapsed).toBeLessThan(bound + 2_000);
  });
});

describe('a caller that disconnects', () => {
  const captured = capturingLogger();
  const stack = useStack(
    { SYNCTERA_TIMEOUT_MS: String(TIMEOUT_MS), SYNCTERA_MAX_RETRIES: String(MAX_RETRIES) },
    { logger: captured.logger },
  );

  /** Starts a create, aborts it once the emulator has its first attempt; resolves after the abort. */
  async function startThenDisconnect(running: Stack, requestId: string): Promise<void> {
    const controller = new AbortController();
    const pending = fetch(running.url, {
      method: 'POST',
      signal: controller.signal,
      headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...AUTH },
      body: JSON.stringify({ query: print(CreateSessionDocument), variables: INPUT }),
    }).catch((error: Error) => error);
    await until(() => running.emulator.requests.length === 1);
    controller.abort();
    expect(await pending).toHaveProperty('name', 'AbortError');
    await until(() =>
      captured
        .entries('upstream call abandoned: the caller disconnected')
        .some((entry) => entry.requestId === requestId),
    );
  }

  it('lets the attempt in flight run to its deadline, and sends no other', async () => {
    stack().emulator.injectFault({ kind: 'hang' });
    await startThenDisconnect(stack(), 'gone-in-flight');
    // Without the abandon, the timeout would bring a second attempt.
    await new Promise((r) => setTimeout(r, TIMEOUT_MS * 3));
    expect(stack().emulator.requests).toHaveLength(1);
  });

  it('skips the backoff wait and the next attempt', async () => {
    stack().emulator.injectFault(respond(503, {}, { 'retry-after': '1' }));
    await startThenDisconnect(stack(), 'gone-in-backoff');
    const attempts = captured
      .entries('upstream attempt')
      .filter((e) => e.requestId === 'gone-in-backoff');
    expect(attempts).toEqual([expect.objectContaining({ attempt: 1 })]);
    expect(attempts[0]?.retryInMs).toBeGreaterThanOrEqual(1000);
    expect(attempts[0]?.retryInMs).toBeLessThanOrEqual(1250);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(stack().emulator.requests).toHaveLength(1);
  });
});
