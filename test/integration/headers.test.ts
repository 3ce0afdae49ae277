import { CreateSessionDocument } from '../generated/graphql';
import { AUTH, BUSINESS_ID, PERSON_ID, useStack, TEST_TOKEN } from '../helpers/stack';

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
