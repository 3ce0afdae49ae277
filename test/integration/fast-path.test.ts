import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config';
import { createContextFunction } from '../../src/context';
import { startEmulator, type Emulator } from '../../src/emulator';
import { createFastPath } from '../../src/fast-path';
import { createFormatError } from '../../src/format-error';
import { readJsonBody } from '../../src/http';
import { limitParseOptions, limitValidationRules } from '../../src/limits';
import { createLogger } from '../../src/logger';
import { PreparedMutations } from '../../src/prepared-mutations';
import { createSubgraphSchema } from '../../src/schema';
import { createUpstream } from '../../src/synctera/upstream';
import { AUTH, BUSINESS_ID, PERSON_ID, type Stack, useStack } from '../helpers/stack';

const CREATE = `mutation Create($input: CreateDocumentVerificationSessionInput!) {
  createDocumentVerificationSession(input: $input) {
    idempotencyKey
    session { id sessionId state url customer { __typename ... on Person { id } ... on Business { id } } }
  }
}`;
const PERSON = { input: { customer: { personId: PERSON_ID }, documentType: 'PASSPORT' } };
const HEADERS = { ...AUTH, 'x-request-id': 'fast-path-test' };

/** One request, sent as is (body text, headers) to both gateways. */
interface Case {
  readonly name: string;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
  /** Queued on the emulator before the request. */
  readonly fault?: Parameters<Emulator['injectFault']>[0];
}

const CASES: readonly Case[] = [
  { name: 'a created session', body: { query: CREATE, variables: PERSON } },
  {
    name: 'two aliased fields under one Idempotency-Key header',
    body: {
      query: `mutation {
        a: createDocumentVerificationSession(input: { customer: { personId: "${PERSON_ID}" } }) { idempotencyKey session { sessionId } }
        b: createDocumentVerificationSession(input: { customer: { businessId: "${BUSINESS_ID}" } }) { idempotencyKey session { customer { __typename } } }
      }`,
    },
    headers: { ...HEADERS, 'idempotency-key': 'fast-path-key' },
  },
  {
    name: 'an operation picked by operationName',
    body: {
      query: `${CREATE}\nquery Other { languages { code } }`,
      operationName: 'Create',
      variables: PERSON,
    },
  },
  { name: 'no Authorization', body: { query: CREATE, variables: PERSON }, headers: {} },
  {
    name: 'an Idempotency-Key with a space',
    body: { query: CREATE, variables: PERSON },
    headers: { ...HEADERS, 'idempotency-key': 'has space' },
  },
  {
    name: 'upstream 404',
    body: { query: CREATE, variables: PERSON },
    fault: {
      kind: 'respond',
      status: 404,
      body: {
        type: 'https://api.synctera.com/errors/not-found',
        title: 'Not found',
        status: 404,
        detail: 'No such person',
      },
      headers: { 'content-type': 'application/problem+json' },
    },
  },
  {
    name: 'upstream 503',
    body: { query: CREATE, variables: PERSON },
    fault: { kind: 'respond', status: 503, body: { title: 'Unavailable', status: 503 } },
  },
  {
    name: 'an upstream 201 without a session',
    body: { query: CREATE, variables: PERSON },
    fault: { kind: 'respond', status: 201, body: { unexpected: true } },
  },
  {
    name: 'a null id through a variable inside a literal',
    body: {
      query: `mutation ($id: UUID) { createDocumentVerificationSession(input: { customer: { personId: $id } }) { idempotencyKey } }`,
      variables: { id: null },
    },
  },
  {
    name: 'two ids in the variables (@oneOf)',
    body: {
      query: CREATE,
      variables: { input: { customer: { personId: PERSON_ID, businessId: BUSINESS_ID } } },
    },
  },
  {
    name: 'two ids in a literal (@oneOf)',
    body: {
      query: `mutation { createDocumentVerificationSession(input: { customer: { personId: "${PERSON_ID}", businessId: "${BUSINESS_ID}" } }) { idempotencyKey } }`,
    },
  },
  { name: 'a missing variable', body: { query: CREATE } },
  {
    name: 'an unknown operationName',
    body: { query: CREATE, variables: PERSON, operationName: 'Nope' },
  },
  { name: 'a syntax error', body: { query: 'mutation {' } },
  {
    name: 'six session fields (over the limit)',
    body: {
      query: `mutation { ${Array.from({ length: 6 }, (_, i) => `f${i}: createDocumentVerificationSession(input: { customer: { personId: "${PERSON_ID}" } }) { idempotencyKey }`).join(' ')} }`,
    },
  },
  { name: 'a query', body: { query: '{ languages { language code name } }' } },
  { name: 'empty extensions', body: { query: CREATE, variables: PERSON, extensions: {} } },
  {
    name: 'a persisted-query extension',
    body: {
      query: CREATE,
      variables: PERSON,
      extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } },
    },
  },
  { name: 'a batch', body: [{ query: CREATE, variables: PERSON }] },
  {
    name: "Apollo Router's Accept",
    body: { query: CREATE, variables: PERSON },
    headers: { ...HEADERS, accept: 'application/json, application/graphql-response+json' },
  },
  {
    name: 'Accept: application/graphql-response+json',
    body: { query: CREATE, variables: { input: { customer: {} } } },
    headers: { ...HEADERS, accept: 'application/graphql-response+json' },
  },
];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** What may differ between two gateways: generated ids, emulator ports, stack frames. */
function comparable(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.replace(UUID, '<uuid>').replace(/127\.0\.0\.1:\d+/g, '<emulator>');
  }
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [
        key,
        key === 'stacktrace' ? Array.isArray(entry) && entry.length > 0 : comparable(entry),
      ]),
    );
  }
  return value;
}

async function send(stack: Stack, { body, headers = HEADERS, fault }: Case) {
  if (fault !== undefined) stack.emulator.injectFault(fault, 3);
  const response = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    cacheControl: response.headers.get('cache-control'),
    requestId: response.headers.get('x-request-id')?.replace(UUID, '<uuid>'),
    finalNewline: text.endsWith('\n'),
    body: comparable(JSON.parse(text)),
    upstreamCalls: stack.emulator.requests.length,
  };
}

describe.each([
  ['development', {}],
  ['production', { NODE_ENV: 'production' }],
])('the fast path answers exactly as Apollo Server (%s)', (_mode, env) => {
  const settings = { SYNCTERA_MAX_RETRIES: '0', ...env };
  const fast = useStack(settings);
  const apollo = useStack({ ...settings, GRAPHQL_FAST_PATH: 'off' });

  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))(
    '%s',
    async (_name, testCase) => {
      const [fastAnswer, apolloAnswer] = [
        await send(fast(), testCase),
        await send(apollo(), testCase),
      ];
      expect(fastAnswer).toEqual(apolloAnswer);
    },
  );
});

/** A server that answers only through the fast path, and records whether it took each request. */
async function startFastPathOnly(emulator: Emulator) {
  const config = loadConfig({ SYNCTERA_BASE_URL: emulator.url, SYNCTERA_MAX_RETRIES: '0' });
  const logger = createLogger('silent');
  const schema = createSubgraphSchema();
  const upstream = createUpstream(config.upstream, emulator.url, logger);
  const fastPath = createFastPath({
    schema,
    mutations: new PreparedMutations(schema, {
      parseOptions: limitParseOptions(config.limits),
      validationRules: limitValidationRules(config.limits),
    }),
    context: createContextFunction(upstream),
    errors: {
      formatError: createFormatError({ production: false, logger }),
      includeStacktrace: true,
    },
  });
  const taken: boolean[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readJsonBody(req, 1 << 20);
      const handled = await fastPath(req, res, body, new AbortController().signal);
      taken.push(handled);
      if (!handled) {
        // Nothing may have been sent: Apollo Server still has to answer.
        res.statusCode = res.headersSent ? 500 : 299;
        res.end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    taken,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await upstream.close();
    },
  };
}

describe('what the fast path takes, and what it leaves to Apollo Server', () => {
  let emulator: Emulator;
  let server: Awaited<ReturnType<typeof startFastPathOnly>>;
  beforeAll(async () => {
    emulator = await startEmulator();
    server = await startFastPathOnly(emulator);
  });
  afterAll(async () => {
    await server.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
    server.taken.length = 0;
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...HEADERS, ...headers },
      body: JSON.stringify(body),
    });

  it.each([
    ['Accept: */*', { accept: '*/*' }],
    ['Accept: application/json', { accept: 'Application/JSON ' }],
    ["Apollo Router's Accept", { accept: 'application/json, application/graphql-response+json' }],
  ])('takes a valid mutation (%s) and creates one session', async (_name, headers) => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...AUTH, ...headers },
      body: JSON.stringify({ query: CREATE, variables: PERSON }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      data: { createDocumentVerificationSession: unknown };
    };
    expect(body.data.createDocumentVerificationSession).toMatchObject({
      session: { state: 'PENDING', customer: { __typename: 'Person', id: PERSON_ID } },
    });
    expect(server.taken).toEqual([true]);
    expect(emulator.requests).toHaveLength(1);
  });

  it.each<[string, unknown, Record<string, string>]>([
    ['a query', { query: '{ languages { code } }' }, {}],
    ['a syntax error', { query: 'mutation {' }, {}],
    [
      'an invalid mutation',
      { query: 'mutation { createDocumentVerificationSession { nope } }' },
      {},
    ],
    ['variables graphql-js refuses', { query: CREATE, variables: { input: { customer: {} } } }, {}],
    ['variables that are not an object', { query: CREATE, variables: [PERSON] }, {}],
    ['a non-string operationName', { query: CREATE, variables: PERSON, operationName: 7 }, {}],
    ['an unknown operationName', { query: CREATE, variables: PERSON, operationName: 'Nope' }, {}],
    ['extensions', { query: CREATE, variables: PERSON, extensions: { persistedQuery: {} } }, {}],
    ['extensions that are not an object', { query: CREATE, variables: PERSON, extensions: [] }, {}],
    ['a batch', [{ query: CREATE, variables: PERSON }], {}],
    ['a body without query', { variables: PERSON }, {}],
    [
      'another Accept',
      { query: CREATE, variables: PERSON },
      { accept: 'application/graphql-response+json' },
    ],
    [
      'an Accept preferring application/graphql-response+json',
      { query: CREATE, variables: PERSON },
      { accept: 'application/graphql-response+json, application/json' },
    ],
    [
      'a trace request',
      { query: CREATE, variables: PERSON },
      { 'apollo-federation-include-trace': 'ftv1' },
    ],
  ])('leaves %s, having sent nothing and called nothing upstream', async (_name, body, headers) => {
    const response = await post(body, headers);
    expect(response.status).toBe(299);
    expect(server.taken).toEqual([false]);
    expect(emulator.requests).toHaveLength(0);
  });

  it('parses and validates a document once, then reuses it', async () => {
    const prepared = new PreparedMutations(createSubgraphSchema(), {
      parseOptions: {},
      validationRules: [],
      maxEntries: 2,
    });
    const first = prepared.get(CREATE, undefined);
    expect(first).toBeDefined();
    expect(prepared.get(CREATE, undefined)).toBe(first);
    expect(prepared.get(CREATE, 'Create')).toBeDefined();
    expect(prepared.get(CREATE, 'Create')).not.toBe(first);
    // A third document drops the oldest.
    expect(prepared.get('{ languages { code } }', undefined)).toBeUndefined();
    expect(prepared.get(CREATE, undefined)).not.toBe(first);
  });

  it('keys documents so that a name and a query never pass for another pair', () => {
    const prepared = new PreparedMutations(createSubgraphSchema(), {
      parseOptions: {},
      validationRules: [],
    });
    const named = `mutation A { createDocumentVerificationSession(input: { customer: { personId: "${PERSON_ID}" } }) { idempotencyKey } }`;
    expect(prepared.get(named, 'A')).toBeDefined();
    expect(prepared.get(`1:A:${named}`, undefined)).toBeUndefined();
    expect(prepared.get(`#x\n${named}`, 'A')).toBeDefined();
    expect(prepared.get(named, 'A\n#x')).toBeUndefined();
  });
});
