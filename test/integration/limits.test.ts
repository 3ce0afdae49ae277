import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { AUTH, PERSON_ID, postGraphQL, type Stack, useStack } from '../helpers/stack';

const OPERATIONS = resolve(__dirname, '../../schema/operations');
const INPUT = `{ customer: { personId: "${PERSON_ID}" } }`;

/** An operation with `count` session fields, each under its own alias, spread over fragments. */
function sessionFields(count: number): string {
  const fields = Array.from(
    { length: count },
    (_, i) => `s${i}: createDocumentVerificationSession(input: ${INPUT}) { idempotencyKey }`,
  );
  const half = Math.ceil(count / 2);
  return `mutation { ...First ... on Mutation { ${fields.slice(half).join(' ')} } }
    fragment First on Mutation { ${fields.slice(0, half).join(' ')} }`;
}

/** Expects one BAD_USER_INPUT refusal whose message matches `message`, and no upstream call. */
function expectRefused(
  stack: Stack,
  result: Awaited<ReturnType<Stack['execute']>>,
  message: RegExp,
) {
  expect(result.body.data ?? undefined).toBeUndefined();
  expect(result.body.errors).toEqual([
    expect.objectContaining({
      message: expect.stringMatching(message),
      extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
    }),
  ]);
  expect(stack.emulator.requests).toHaveLength(0);
}

describe('operation limits (defaults)', () => {
  const stack = useStack();

  it('refuse a sixth createDocumentVerificationSession field, counted through fragments', async () => {
    const result = await stack().execute(sessionFields(6));
    expectRefused(stack(), result, /at most 5 document verification sessions, found 6/);
  });

  it('allow five, each an upstream call', async () => {
    const { body } = await stack().execute(sessionFields(5));
    expect(body.errors).toBeUndefined();
    expect(stack().emulator.requests).toHaveLength(5);
  });

  it('count a field repeated under one response key once, as it executes', async () => {
    const field = `createDocumentVerificationSession(input: ${INPUT}) { idempotencyKey }`;
    const { body } = await stack().execute(
      `mutation { ${Array.from({ length: 7 }, () => field).join(' ')} }`,
    );
    expect(body.errors).toBeUndefined();
    expect(stack().emulator.requests).toHaveLength(1);
  });

  it('survive a fragment cycle: graphql-js refuses it, no limit rule loops', async () => {
    const result = await stack().execute(
      'mutation { ...A } fragment A on Mutation { ...B } fragment B on Mutation { ...A }',
    );
    expect(result.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(stack().emulator.requests).toHaveLength(0);
  });

  it('refuse more than 15 aliases', async () => {
    const aliases = Array.from(
      { length: 16 },
      (_, i) => `a${i}: documentVerificationLanguages { code }`,
    );
    const result = await stack().execute(`{ ${aliases.join(' ')} }`);
    expectRefused(stack(), result, /Aliases limit of 15 exceeded, found 16\..*GRAPHQL_MAX_ALIASES/);
  });

  it('refuse more than 2000 tokens', async () => {
    const result = await stack().execute(`{ ${'a '.repeat(2000)} }`);
    expectRefused(stack(), result, /more th[ae][nt] 2000 tokens/);
  });

  it('refuse a query text over 16384 bytes before parsing it, with its request id', async () => {
    const query = `mutation { createDocumentVerificationSession(input: ${INPUT}) { idempotencyKey } }`;
    const result = await postGraphQL(stack().url, {
      query: `${query}\n# ${'x'.repeat(16384 - query.length - 2)}`,
    });
    expect(result.status).toBe(400);
    expect(result.body.errors).toEqual([
      {
        message: expect.stringMatching(/longer than 16384 bytes.*GRAPHQL_MAX_QUERY_BYTES/),
        extensions: expect.objectContaining({
          code: 'BAD_USER_INPUT',
          requestId: result.headers.get('x-request-id'),
        }),
      },
    ]);
    expect(stack().emulator.requests).toHaveLength(0);
  });

  it('count the query text in UTF-8 bytes, and let one of exactly 16384 bytes through', async () => {
    const exactly = (comment: string) =>
      postGraphQL(stack().url, {
        query: `{ __typename } #${comment.repeat((16384 - 16) / Buffer.byteLength(comment))}`,
      });
    // 16384 - 16 is a multiple of both 1 and 3 (a euro sign is 3 bytes, 1 UTF-16 unit).
    expect((await exactly('x')).body).toEqual({ data: { __typename: 'Query' } });
    expect((await exactly('€')).body).toEqual({ data: { __typename: 'Query' } });
    const over = await postGraphQL(stack().url, {
      query: `{ __typename } #${'€'.repeat((16384 - 16) / 3)}x`,
    });
    expect(over.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuse a persisted query: the subgraph keeps no query texts for callers', async () => {
    const result = await postGraphQL(stack().url, {
      query: '{ __typename }',
      extensions: {
        persistedQuery: {
          version: 1,
          sha256Hash: createHash('sha256').update('{ __typename }').digest('hex'),
        },
      },
    });
    expect(result.body.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_NOT_SUPPORTED' }),
      }),
    ]);
  });

  it.each(readdirSync(OPERATIONS).filter((name) => name.endsWith('.graphql')))(
    'let the example operation %s through',
    async (name) => {
      const { body } = await stack().execute(readFileSync(resolve(OPERATIONS, name), 'utf8'), {
        personId: PERSON_ID,
        businessId: PERSON_ID,
      });
      expect(body.errors).toBeUndefined();
    },
  );

  it("let Sandbox's introspection query and the router's _service { sdl } through", async () => {
    const introspection = await stack().execute(
      getIntrospectionQuery({ inputValueDeprecation: true, oneOf: true }),
    );
    expect(introspection.body.errors).toBeUndefined();
    const sdl = await stack().execute('{ _service { sdl } }');
    expect(sdl.body.errors).toBeUndefined();
  });

  it('let a query plan fetch of a federation router through', async () => {
    const { body } = await stack().execute(
      `mutation CreateSession__documentVerification__0($input: CreateDocumentVerificationSessionInput!) {
        createDocumentVerificationSession(input: $input) {
          idempotencyKey
          session { id sessionId state url customer { __typename ... on Person { id } ... on Business { id } } }
        }
      }`,
      { input: { customer: { personId: PERSON_ID } } },
    );
    expect(body.errors).toBeUndefined();
  });
});

describe('operation limits (configured)', () => {
  const stack = useStack({
    GRAPHQL_MAX_DEPTH: '3',
    GRAPHQL_MAX_SESSION_FIELDS: '1',
    GRAPHQL_MAX_QUERY_BYTES: '1024',
    HTTP_MAX_BODY_BYTES: '2048',
  });

  it('refuse a GET query text over GRAPHQL_MAX_QUERY_BYTES', async () => {
    const query = `{ __typename } # ${'x'.repeat(1024)}`;
    const response = await fetch(`${stack().url}?query=${encodeURIComponent(query)}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    const body = (await response.json()) as { errors?: unknown };
    expect(response.status).toBe(400);
    expect(body.errors).toEqual([
      {
        message: expect.stringMatching(/longer than 1024 bytes.*GRAPHQL_MAX_QUERY_BYTES/),
        extensions: expect.objectContaining({
          code: 'BAD_USER_INPUT',
          requestId: response.headers.get('x-request-id'),
        }),
      },
    ]);
    const within = await fetch(`${stack().url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(await within.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuse an operation deeper than GRAPHQL_MAX_DEPTH', async () => {
    const result = await stack().execute(
      `mutation { createDocumentVerificationSession(input: ${INPUT}) { session { customer { ... on Person { id } } } } }`,
    );
    expectRefused(stack(), result, /Query depth limit of 3 exceeded, found 4\..*GRAPHQL_MAX_DEPTH/);
  });

  it('refuse a second session field under GRAPHQL_MAX_SESSION_FIELDS=1', async () => {
    const result = await stack().execute(sessionFields(2));
    expectRefused(stack(), result, /at most 1 document verification sessions, found 2/);
  });

  it('refuse a body over HTTP_MAX_BODY_BYTES with 413 and BAD_USER_INPUT', async () => {
    const result = await postGraphQL(stack().url, {
      query: '{ __typename }',
      variables: { padding: 'x'.repeat(2048) },
    });
    expect(result.status).toBe(413);
    expect(result.body.errors).toEqual([
      {
        message: expect.stringMatching(/larger than 2048 bytes.*HTTP_MAX_BODY_BYTES/),
        extensions: { code: 'BAD_USER_INPUT', requestId: result.headers.get('x-request-id') },
      },
    ]);
    expect(stack().emulator.requests).toHaveLength(0);
  });
});

describe('CORS', () => {
  const allowed = 'https://app.example';
  const stack = useStack({ CORS_ORIGINS: `${allowed}, http://localhost:3000` });

  const preflight = (origin: string) =>
    fetch(stack().url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,idempotency-key',
      },
    });

  it('answers a preflight from an allowed origin', async () => {
    const response = await preflight(allowed);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toContain('idempotency-key');
  });

  it('gives a disallowed origin no CORS headers, on preflight or request', async () => {
    const response = await preflight('https://evil.example');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-methods')).toBeNull();
    const request = await postGraphQL(
      stack().url,
      { query: '{ __typename }' },
      {
        ...AUTH,
        origin: 'https://evil.example',
      },
    );
    expect(request.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('marks an allowed origin’s request, and still serves it', async () => {
    const { headers, body } = await postGraphQL(
      stack().url,
      { query: '{ __typename }' },
      { ...AUTH, origin: allowed },
    );
    expect(headers.get('access-control-allow-origin')).toBe(allowed);
    expect(body.data).toEqual({ __typename: 'Query' });
  });
});

describe('CORS (default: off)', () => {
  const stack = useStack();

  it('sends no CORS headers to any origin', async () => {
    const response = await fetch(stack().url, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
