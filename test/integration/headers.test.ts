import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { CreateSessionDocument } from '../generated/graphql';
import {
  AUTH,
  BUSINESS_ID,
  PERSON_ID,
  type Stack,
  startStack,
  useStack,
  TEST_TOKEN,
} from '../helpers/stack';
import { startTracing, type Tracing } from '../../src/telemetry/tracing';

const INPUT = { input: { customer: { personId: PERSON_ID } } };

describe('headers sent upstream', () => {
  const stack = useStack();

  const upstreamHeaders = () => stack().emulator.requests.at(-1)?.headers ?? {};

  it('forwards Authorization as "Bearer <token>", Idempotency-Key and X-Request-Id, and nothing else', async () => {
    const { body, headers } = await stack().execute(CreateSessionDocument, INPUT, {
      authorization: `bearer ${TEST_TOKEN}`,
      'idempotency-key': 'key-1',
      'x-request-id': 'req-42',
      cookie: 'session=secret-cookie',
      'x-forwarded-for': '203.0.113.9',
      'x-custom': 'not forwarded',
      'user-agent': 'frontend/1.0',
    });
    expect(body.errors).toBeUndefined();
    const sent = upstreamHeaders();
    expect(sent.authorization).toBe(`Bearer ${TEST_TOKEN}`);
    expect(sent['idempotency-key']).toBe('key-1');
    expect(sent['x-request-id']).toBe('req-42');
    expect(sent['content-type']).toBe('application/json');
    expect(sent.cookie).toBeUndefined();
    expect(sent['x-forwarded-for']).toBeUndefined();
    expect(sent['x-custom']).toBeUndefined();
    expect(sent['user-agent']).not.toBe('frontend/1.0');
    expect(headers.get('x-request-id')).toBe('req-42');
  });

  it.each([`BEARER ${TEST_TOKEN}`, `Bearer \t  ${TEST_TOKEN}`, `\tbearer\t${TEST_TOKEN}  `])(
    'forwards the scheme and blanks of %j as "Bearer <token>"',
    async (authorization) => {
      const { body } = await stack().execute(CreateSessionDocument, INPUT, { authorization });
      expect(body.errors).toBeUndefined();
      expect(upstreamHeaders().authorization).toBe(`Bearer ${TEST_TOKEN}`);
    },
  );

  it.each([
    ['upper case', { personId: PERSON_ID.toUpperCase() }, { person_id: PERSON_ID }],
    ['braces', { personId: `{${PERSON_ID}}` }, { person_id: PERSON_ID }],
    [
      'a lone closing brace',
      { businessId: `${BUSINESS_ID.toUpperCase()}}` },
      { business_id: BUSINESS_ID },
    ],
  ])('sends an id written in %s upstream in canonical form', async (_label, customer, sent) => {
    const { body } = await stack().execute(CreateSessionDocument, { input: { customer } });
    expect(body.errors).toBeUndefined();
    expect(stack().emulator.requests.at(-1)?.json).toMatchObject(sent);
  });

  it('returns the canonical id as the customer when the upstream names none', async () => {
    stack().emulator.injectFault({
      kind: 'respond',
      status: 201,
      body: { session_id: 'sess_1', url: 'https://verify.example.com/s/1', state: 'PENDING' },
    });
    const { body } = await stack().execute(CreateSessionDocument, {
      input: { customer: { personId: `{${PERSON_ID.toUpperCase()}}` } },
    });
    expect(body.data?.createDocumentVerificationSession.session.customer).toEqual({
      __typename: 'Person',
      id: PERSON_ID,
    });
  });

  it('generates an X-Request-Id when the client sends none, and returns it', async () => {
    const { headers } = await stack().execute(CreateSessionDocument, INPUT);
    const sent = upstreamHeaders()['x-request-id'];
    expect(sent).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers.get('x-request-id')).toBe(sent);
  });

  it('marks every GraphQL answer Cache-Control: no-store, successes and errors alike', async () => {
    const created = await stack().execute(CreateSessionDocument, INPUT);
    expect(created.body.errors).toBeUndefined();
    expect(created.headers.get('cache-control')).toBe('no-store');
    const refused = await stack().execute(CreateSessionDocument, INPUT, {});
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(refused.headers.get('cache-control')).toBe('no-store');
    const languages = await stack().execute('{ documentVerificationLanguages { code } }');
    expect(languages.headers.get('cache-control')).toBe('no-store');
  });

  it('returns the request id in error extensions', async () => {
    const { body } = await stack().execute(CreateSessionDocument, INPUT, {
      'x-request-id': 'req-err',
    });
    expect(body.errors?.[0]?.extensions?.requestId).toBe('req-err');
  });

  it.each([
    ['missing', {}],
    ['empty', { authorization: '' }],
    ['not Bearer', { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` }],
    ['Bearer without a token', { authorization: 'Bearer ' }],
    ['Bearer with two tokens', { authorization: 'Bearer a b' }],
  ])(
    'refuses a %s Authorization with UNAUTHENTICATED and no upstream call',
    async (_name, headers) => {
      const { body, text } = await stack().execute(CreateSessionDocument, INPUT, headers);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(body.errors?.[0]?.message).toMatch(/Bearer <token>/);
      expect(body.data).toBeNull();
      expect(stack().emulator.requests).toHaveLength(0);
      expect(text).not.toContain('u:p');
    },
  );

  it('serves the languages query without Authorization', async () => {
    const { body } = await stack().execute(
      '{ documentVerificationLanguages { code } }',
      undefined,
      {},
    );
    expect(body.errors).toBeUndefined();
  });

  it('keeps each request to its own token, key and session under concurrency', async () => {
    const count = 300;
    const results = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        stack().execute(CreateSessionDocument, INPUT, {
          authorization: `Bearer token-${i}`,
          'idempotency-key': `key-${i}`,
        }),
      ),
    );
    const sessionIds = new Set<string>();
    for (const [i, { body }] of results.entries()) {
      const payload = body.data?.createDocumentVerificationSession;
      expect(payload?.idempotencyKey).toBe(`key-${i}`);
      if (payload) sessionIds.add(payload.session.sessionId);
    }
    expect(sessionIds.size).toBe(count);
    // Each response maps, by its key, to exactly one upstream call that carried its own token.
    const sent = new Map(
      stack().emulator.requests.map((r) => [String(r.headers['idempotency-key']), r]),
    );
    expect(sent.size).toBe(count);
    expect(stack().emulator.requests).toHaveLength(count);
    for (let i = 0; i < count; i++) {
      expect(sent.get(`key-${i}`)?.headers.authorization).toBe(`Bearer token-${i}`);
    }
    expect(stack().emulator.sessionsCreated).toBe(count);
  });
});

describe('with SYNCTERA_API_KEY', () => {
  const SERVER_KEY = 'server-key-9b8a7c';
  const stack = useStack({ SYNCTERA_API_KEY: SERVER_KEY });

  it('sends the server key and never the client Authorization', async () => {
    const { body, text } = await stack().execute(CreateSessionDocument, INPUT, AUTH);
    expect(body.errors).toBeUndefined();
    expect(stack().emulator.requests.at(-1)?.headers.authorization).toBe(`Bearer ${SERVER_KEY}`);
    expect(text).not.toContain(SERVER_KEY);
  });

  it('needs no client Authorization', async () => {
    const { body } = await stack().execute(CreateSessionDocument, INPUT, {});
    expect(body.errors).toBeUndefined();
  });
});

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;
const TRACESTATE = 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE';
/** 32 list members of 15 characters: 511 characters in all, within the 512 allowed. */
const FULL_TRACESTATE = Array.from(
  { length: 32 },
  (_, i) => `k${String(i).padStart(2, '0')}=v1234567890`,
).join(',');

describe('W3C trace context sent upstream, tracing off', () => {
  const stack = useStack();

  /** The trace headers the upstream received for one request sent with `headers`. */
  async function forwarded(headers: Record<string, string>) {
    const { body } = await stack().execute(CreateSessionDocument, INPUT, { ...AUTH, ...headers });
    expect(body.errors).toBeUndefined();
    const sent = stack().emulator.requests.at(-1)?.headers ?? {};
    return { traceparent: sent.traceparent, tracestate: sent.tracestate };
  }

  it.each([
    ['a version 00 traceparent', TRACEPARENT, TRACEPARENT],
    ['a sampled-off flag', `00-${TRACE_ID}-${PARENT_ID}-00`, `00-${TRACE_ID}-${PARENT_ID}-00`],
    [
      'a higher version with more fields, as version 00',
      `cc-${TRACE_ID}-${PARENT_ID}-01-what-the-future-holds`,
      `00-${TRACE_ID}-${PARENT_ID}-01`,
    ],
    [
      'a higher version alone, as version 00',
      `01-${TRACE_ID}-${PARENT_ID}-09`,
      `00-${TRACE_ID}-${PARENT_ID}-09`,
    ],
  ])('forwards %s', async (_label, traceparent, sent) => {
    expect(await forwarded({ traceparent, tracestate: TRACESTATE })).toEqual({
      traceparent: sent,
      tracestate: TRACESTATE,
    });
  });

  it.each([
    ['version ff', `ff-${TRACE_ID}-${PARENT_ID}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT_ID}-01`],
    ['an all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['version 00 with trailing data', `${TRACEPARENT}-extra`],
    ['version 00 with a trailing dash', `${TRACEPARENT}-`],
    ['a higher version without the dash before its extra data', `01-${TRACE_ID}-${PARENT_ID}-01x`],
    ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${PARENT_ID}-01`],
    ['a one-digit version', `0-${TRACE_ID}-${PARENT_ID}-01`],
    ['two traceparents in one', `${TRACEPARENT}, ${TRACEPARENT}`],
  ])('drops a traceparent with %s, and its tracestate', async (_label, traceparent) => {
    expect(await forwarded({ traceparent, tracestate: TRACESTATE })).toEqual({
      traceparent: undefined,
      tracestate: undefined,
    });
  });

  it.each([
    ['32 list members in 511 characters', FULL_TRACESTATE, FULL_TRACESTATE],
    ['a multi-tenant key', 'tenant1@vendor=v,rojo=1', 'tenant1@vendor=v,rojo=1'],
    ['a value with spaces inside', 'rojo=a b c', 'rojo=a b c'],
    ['blanks and empty list members, without them', ' rojo=1 ,, congo=2 ', 'rojo=1,congo=2'],
  ])('forwards a tracestate of %s', async (_label, tracestate, sent) => {
    expect(await forwarded({ traceparent: TRACEPARENT, tracestate })).toEqual({
      traceparent: TRACEPARENT,
      tracestate: sent,
    });
  });

  it.each([
    ['33 list members', Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(',')],
    [
      'more than 512 characters',
      `rojo=${'a'.repeat(250)},congo=${'b'.repeat(250)},x=${'c'.repeat(10)}`,
    ],
    ['an upper-case key', 'Rojo=1'],
    ['a key starting with a digit', '1rojo=1'],
    ['a member without "="', 'rojo'],
    ['a value with "="', 'rojo=a=b'],
    ['a tab inside a value', 'rojo=a\tb'],
    ['a value of non-ASCII', 'rojo=é'],
    ['an empty value', 'rojo='],
    ['a repeated key', 'rojo=1,congo=2,rojo=3'],
    ['a 257-character key', `${'k'.repeat(257)}=1`],
  ])('drops a tracestate with %s, keeping the traceparent', async (_label, tracestate) => {
    expect(await forwarded({ traceparent: TRACEPARENT, tracestate })).toEqual({
      traceparent: TRACEPARENT,
      tracestate: undefined,
    });
  });
});

describe('W3C trace context sent upstream, tracing on', () => {
  let tracing: Tracing;
  let stack: Stack;
  beforeAll(async () => {
    tracing = startTracing(
      { serviceName: 'headers-test', tracesUrl: 'http://127.0.0.1:9/v1/traces' },
      new InMemorySpanExporter(),
    );
    stack = await startStack({}, { tracing });
  });
  afterAll(async () => {
    await stack?.close();
    await tracing?.shutdown();
  });

  it('continues a valid caller trace, and drops a tracestate that is not valid as a whole', async () => {
    await stack.execute(CreateSessionDocument, INPUT, {
      ...AUTH,
      traceparent: TRACEPARENT,
      tracestate: 'rojo=1,Congo=2',
    });
    const sent = stack.emulator.requests.at(-1)?.headers ?? {};
    expect(sent.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[\\da-f]{16}-01$`));
    expect(sent.traceparent).not.toContain(PARENT_ID);
    expect(sent.tracestate).toBeUndefined();
  });

  it('starts a new trace for a traceparent with trailing data on version 00', async () => {
    await stack.execute(CreateSessionDocument, INPUT, {
      ...AUTH,
      traceparent: `${TRACEPARENT}-extra`,
      tracestate: TRACESTATE,
    });
    const sent = stack.emulator.requests.at(-1)?.headers ?? {};
    expect(sent.traceparent).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
    expect(sent.traceparent).not.toContain(TRACE_ID);
    expect(sent.tracestate).toBeUndefined();
  });
});
