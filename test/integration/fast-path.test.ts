import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap } from '@apollo/server';
import { GraphQLError, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { DEFAULT_OPERATION_LIMITS, loadConfig } from '../../src/config';
import { createContextFunction } from '../../src/graphql/context';
import { startEmulator, type Emulator, type EmulatorFault } from '../../src/emulator';
import { createFastPath } from '../../src/graphql/fast-path';
import { createFormatError } from '../../src/graphql/format-error';
import { readJsonBody } from '../../src/http/request-body';
import { createLogger } from '../../src/logger';
import { operationRules } from '../../src/graphql/operation-rules';
import { PreparedMutations } from '../../src/graphql/prepared-mutations';
import { createSubgraphSchema } from '../../src/graphql/schema';
import { createUpstream } from '../../src/synctera/upstream';
import { expectSameAnswers, useTwins } from '../helpers/fast-path';
import { AUTH, BUSINESS_ID, PERSON_ID } from '../helpers/stack';

const CREATE = `mutation Create($input: CreateDocumentVerificationSessionInput!) {
  createDocumentVerificationSession(input: $input) {
    idempotencyKey
    session { id sessionId state url customer { __typename ... on Person { id } ... on Business { id } } }
  }
}`;
const PERSON = { input: { customer: { personId: PERSON_ID }, documentType: 'PASSPORT' } };
const HEADERS = { ...AUTH, 'x-request-id': 'fast-path-test' };

type Mode = 'development' | 'production';

/** One request, sent as is (body text, headers) to both subgraphs. */
interface Case {
  readonly name: string;
  readonly body: unknown;
  /** Besides `Content-Type: application/json`; default {@link HEADERS}, and no Accept. */
  readonly headers?: Record<string, string>;
  /** Applied by the emulator to every upstream call. */
  readonly fault?: EmulatorFault;
  /** Which path must serve it: the fast path, Apollo Server, or the fast path in one mode. */
  readonly servedBy: 'fast path' | 'Apollo Server' | Mode;
}

const CASES: readonly Case[] = [
  { name: 'a created session', body: { query: CREATE, variables: PERSON }, servedBy: 'fast path' },
  {
    name: 'a created session, Accept: */*',
    body: { query: CREATE, variables: PERSON },
    headers: { ...HEADERS, accept: '*/*' },
    servedBy: 'fast path',
  },
  {
    name: 'no X-Request-Id and no Idempotency-Key (both generated)',
    body: { query: CREATE, variables: PERSON },
    headers: AUTH,
    servedBy: 'fast path',
  },
  {
    name: 'two aliased fields under one Idempotency-Key header',
    body: {
      query: `mutation {
        a: createDocumentVerificationSession(input: { customer: { personId: "${PERSON_ID}" } }) { idempotencyKey session { sessionId } }
        b: createDocumentVerificationSession(input: { customer: { businessId: "${BUSINESS_ID}" } }) { idempotencyKey session { customer { __typename } } }
      }`,
    },
    headers: { ...HEADERS, 'idempotency-key': 'fast-path-key' },
    servedBy: 'fast path',
  },
  {
    name: 'an operation picked by operationName',
    body: {
      query: `${CREATE}\nquery Other { documentVerificationLanguages { code } }`,
      operationName: 'Create',
      variables: PERSON,
    },
    servedBy: 'fast path',
  },
  {
    name: 'an introspection query beside the mutation that runs',
    body: {
      query: `${CREATE}\nquery Other { __schema { queryType { name } } }`,
      operationName: 'Create',
      variables: PERSON,
    },
    // In production Apollo Server refuses the whole document.
    servedBy: 'development',
  },
  {
    name: 'no Authorization',
    body: { query: CREATE, variables: PERSON },
    headers: {},
    servedBy: 'fast path',
  },
  {
    name: 'an Idempotency-Key with a space',
    body: { query: CREATE, variables: PERSON },
    headers: { ...HEADERS, 'idempotency-key': 'has space' },
    servedBy: 'fast path',
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
    servedBy: 'fast path',
  },
  {
    name: 'upstream 503',
    body: { query: CREATE, variables: PERSON },
    fault: { kind: 'respond', status: 503, body: { title: 'Unavailable', status: 503 } },
    servedBy: 'fast path',
  },
  {
    name: 'an upstream 201 without a session',
    body: { query: CREATE, variables: PERSON },
    fault: { kind: 'respond', status: 201, body: { unexpected: true } },
    servedBy: 'fast path',
  },
  {
    name: 'a null id through a variable inside a literal',
    body: {
      query: `mutation ($id: UUID) { createDocumentVerificationSession(input: { customer: { personId: $id } }) { idempotencyKey } }`,
      variables: { id: null },
    },
    servedBy: 'fast path',
  },
  {
    name: 'two ids in the variables (@oneOf)',
    body: {
      query: CREATE,
      variables: { input: { customer: { personId: PERSON_ID, businessId: BUSINESS_ID } } },
    },
    servedBy: 'Apollo Server',
  },
  {
    name: 'two ids in a literal (@oneOf)',
    body: {
      query: `mutation { createDocumentVerificationSession(input: { customer: { personId: "${PERSON_ID}", businessId: "${BUSINESS_ID}" } }) { idempotencyKey } }`,
    },
    servedBy: 'Apollo Server',
  },
  { name: 'a missing variable', body: { query: CREATE }, servedBy: 'Apollo Server' },
  {
    name: 'a missing variable and no X-Request-Id (one generated, once)',
    body: { query: CREATE },
    headers: AUTH,
    servedBy: 'Apollo Server',
  },
  {
    name: 'an unknown operationName',
    body: { query: CREATE, variables: PERSON, operationName: 'Nope' },
    servedBy: 'Apollo Server',
  },
  { name: 'a syntax error', body: { query: 'mutation {' }, servedBy: 'Apollo Server' },
  {
    name: 'six session fields (over the limit)',
    body: {
      query: `mutation { ${Array.from({ length: 6 }, (_, i) => `f${i}: createDocumentVerificationSession(input: { customer: { personId: "${PERSON_ID}" } }) { idempotencyKey }`).join(' ')} }`,
    },
    servedBy: 'Apollo Server',
  },
  {
    name: 'a query',
    body: { query: '{ documentVerificationLanguages { language code name } }' },
    servedBy: 'Apollo Server',
  },
  {
    name: 'empty extensions',
    body: { query: CREATE, variables: PERSON, extensions: {} },
    servedBy: 'fast path',
  },
  {
    name: 'a persisted-query extension',
    body: {
      query: CREATE,
      variables: PERSON,
      extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } },
    },
    servedBy: 'Apollo Server',
  },
  { name: 'a batch', body: [{ query: CREATE, variables: PERSON }], servedBy: 'Apollo Server' },
  {
    name: "Apollo Router's Accept",
    body: { query: CREATE, variables: PERSON },
    headers: { ...HEADERS, accept: 'application/json, application/graphql-response+json' },
    servedBy: 'fast path',
  },
  {
    name: 'Accept: application/graphql-response+json',
    body: { query: CREATE, variables: { input: { customer: {} } } },
    headers: { ...HEADERS, accept: 'application/graphql-response+json' },
    servedBy: 'Apollo Server',
  },
];

/** Whether the fast path must serve `testCase` in `mode`. */
function servedByFastPath({ servedBy }: Case, mode: Mode): boolean {
  return servedBy === 'fast path' || servedBy === mode;
}

describe.each<[Mode, Record<string, string>]>([
  ['development', {}],
  ['production', { NODE_ENV: 'production' }],
])('the fast path answers exactly as Apollo Server (%s)', (mode, env) => {
  const twins = useTwins(env);

  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))(
    '%s',
    async (_name, testCase) => {
      const exchange = await twins().exchange(
        {
          body: JSON.stringify(testCase.body),
          headers: { 'content-type': 'application/json', ...(testCase.headers ?? HEADERS) },
        },
        testCase.fault,
      );
      expectSameAnswers(exchange);
      expect(exchange.servedByFastPath).toBe(servedByFastPath(testCase, mode));
    },
  );
});

/** A field whose resolver refuses as a rate limiter would: status and headers in `extensions.http`. */
function rateLimited(headers: Map<string, string>) {
  return {
    type: GraphQLString,
    resolve: () => {
      throw new GraphQLError('Slow down.', {
        extensions: {
          code: 'RATE_LIMITED',
          // Apollo Server reads a Map here; graphql-yoga (a dependency of the Hive Gateway
          // tests) declares the field globally as a plain record.
          http: { status: 429, headers: headers as unknown as Record<string, string> },
        },
      });
    },
  };
}

/**
 * Answers this project's schema never gives, but a schema served by `createServer` may: an error
 * whose `extensions.http` sets the status and headers, and a `formatError` that throws (here the
 * logger it calls for an unexpected error).
 */
describe.each<[Mode, Record<string, string>]>([
  ['development', {}],
  ['production', { NODE_ENV: 'production' }],
])('the fast path answers as Apollo Server where this schema never errs so (%s)', (mode, env) => {
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: { ok: { type: GraphQLString, resolve: () => 'ok' } },
    }),
    mutation: new GraphQLObjectType({
      name: 'Mutation',
      fields: {
        limited: rateLimited(
          new HeaderMap([
            ['Retry-After', '7'],
            ['cache-control', 'private'],
          ]),
        ),
        // Any Map will do for Apollo Server, which lower-cases the names it reads.
        limitedByPlainMap: rateLimited(
          new Map([
            ['Retry-After', '9'],
            ['Content-Type', 'application/json'],
          ]),
        ),
        broken: {
          type: GraphQLString,
          resolve: () => {
            throw new Error('Something unexpected.');
          },
        },
        fine: { type: GraphQLString, resolve: () => 'fine' },
      },
    }),
  });
  const logger = createLogger('silent');
  logger.error = () => {
    throw new Error('The log is full.');
  };
  const twins = useTwins(env, { schema, logger });
  const post = (query: string) =>
    twins().exchange({
      body: JSON.stringify({ query }),
      headers: { 'content-type': 'application/json', 'x-request-id': 'unusual-errors' },
    });

  it("takes the status and headers of an error's extensions.http, which the body drops", async () => {
    const exchange = await post('mutation { fine limited }');
    expectSameAnswers(exchange);
    expect(exchange.servedByFastPath).toBe(true);
    expect(exchange.fast.status).toBe(429);
    expect(exchange.fast.headers).toContain('retry-after: 7');
    expect(exchange.fast.body).not.toContain('"http"');
  });

  it('takes headers from a plain Map in extensions.http, whatever the case of their names', async () => {
    const exchange = await post('mutation { fine limitedByPlainMap }');
    expectSameAnswers(exchange);
    expect(exchange.servedByFastPath).toBe(true);
    expect(exchange.fast.headers).toContain('retry-after: 9');
    expect(exchange.fast.headers).toContain('content-type: application/json');
  });

  it('answers as Apollo Server when formatError throws', async () => {
    const exchange = await post('mutation { fine broken }');
    expect(exchange.servedByFastPath).toBe(true);
    expectSameAnswers(exchange);
    // Outside production Apollo shows the error formatError threw instead of the one it got.
    expect(JSON.parse(exchange.fast.body).errors[0].message).toBe(
      mode === 'production' ? 'Internal server error' : 'The log is full.',
    );
  });
});

/** A server that answers only through the fast path, and records whether it took each request. */
async function startFastPathOnly(emulator: Emulator) {
  const config = loadConfig({ SYNCTERA_BASE_URL: emulator.url, SYNCTERA_MAX_RETRIES: '0' });
  const logger = createLogger('silent');
  const schema = createSubgraphSchema();
  const upstream = createUpstream(config.upstream, emulator.url, logger);
  const context = createContextFunction(upstream);
  const fastPath = createFastPath({
    schema,
    mutations: new PreparedMutations(schema, {
      rules: operationRules(config.limits, { production: false }),
    }),
    errors: {
      formatError: createFormatError({ production: false, logger }),
      includeStacktrace: true,
    },
  });
  const taken: boolean[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readJsonBody(req, 1 << 20);
      const handled = await fastPath(req, res, body, () => context({ req }));
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
    ['a query', { query: '{ documentVerificationLanguages { code } }' }, {}],
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
      rules: ANY_OPERATION,
      maxEntries: 2,
    });
    const first = prepared.get(CREATE, undefined);
    expect(first).toBeDefined();
    expect(prepared.get(CREATE, undefined)).toBe(first);
    expect(prepared.get(CREATE, 'Create')).toBeDefined();
    expect(prepared.get(CREATE, 'Create')).not.toBe(first);
    // A third mutation drops the oldest.
    expect(prepared.get(`# another text\n${CREATE}`, undefined)).toBeDefined();
    expect(prepared.get(CREATE, undefined)).not.toBe(first);
  });

  it('remembers refused texts apart: ever new ones never evict the mutations', () => {
    const prepared = new PreparedMutations(createSubgraphSchema(), {
      rules: ANY_OPERATION,
      maxEntries: 2,
    });
    const mutation = prepared.get(CREATE, undefined);
    for (let i = 0; i < 10; i++) {
      expect(prepared.get(`{ documentVerificationLanguages { code } } # ${i}`, undefined)).toBe(
        undefined,
      );
    }
    expect(prepared.get(CREATE, undefined)).toBe(mutation);
  });

  it('keys documents so that a name and a query never pass for another pair', () => {
    const prepared = new PreparedMutations(createSubgraphSchema(), { rules: ANY_OPERATION });
    const named = `mutation A { createDocumentVerificationSession(input: { customer: { personId: "${PERSON_ID}" } }) { idempotencyKey } }`;
    expect(prepared.get(named, 'A')).toBeDefined();
    expect(prepared.get(`1:A:${named}`, undefined)).toBeUndefined();
    expect(prepared.get(`#x\n${named}`, 'A')).toBeDefined();
    expect(prepared.get(named, 'A\n#x')).toBeUndefined();
  });

  it('leaves a document with __schema or __type anywhere when introspection is off', () => {
    const document = `${CREATE}\nquery Other { __type(name: "Query") { name } }`;
    const prepared = (production: boolean) =>
      new PreparedMutations(createSubgraphSchema(), {
        rules: operationRules(DEFAULT_OPERATION_LIMITS, { production }),
      }).get(document, 'Create');
    expect(prepared(false)).toBeDefined();
    expect(prepared(true)).toBeUndefined();
  });
});

/** Rules that let any valid document through. */
const ANY_OPERATION = { parseOptions: {}, validationRules: [], introspection: true };
