import fc from 'fast-check';
import type { EmulatorFault } from '../../src/emulator';
import { expectSameAnswers, type RawRequest, useTwins } from '../helpers/fast-path';
import { BUSINESS_ID, PERSON_ID, TEST_TOKEN, UNKNOWN_PERSON_ID } from '../helpers/stack';

/**
 * Differential test of the fast path: generated requests over this schema, valid and not, sent
 * to a subgraph with the fast path and to one without it, must get the same answer, byte for byte.
 */

const SESSION_FIELD = 'createDocumentVerificationSession';
const PAYLOAD_TYPE = 'CreateDocumentVerificationSessionPayload';

/**
 * Mostly `usual`, one time in twenty `unusual`: a request is refused as soon as one of its
 * parts is, so each part must be fine most of the time for a good share to run at all.
 */
function mostly<T>(usual: fc.Arbitrary<T>, unusual: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 19, arbitrary: usual }, { weight: 1, arbitrary: unusual });
}

/** Each variable a document may use: its type, and values mostly fit for it. */
const VARIABLES = {
  input: {
    type: 'CreateDocumentVerificationSessionInput!',
    values: mostly<unknown>(
      fc.constantFrom(
        { customer: { personId: PERSON_ID }, documentType: 'PASSPORT' },
        { customer: { businessId: BUSINESS_ID }, language: 'ES_MX', sendSms: true },
        { customer: { personId: UNKNOWN_PERSON_ID } },
      ),
      fc.constantFrom(
        { customer: { personId: PERSON_ID, businessId: BUSINESS_ID } },
        { customer: {} },
        { customer: { personId: 'not-a-uuid' } },
        { customer: { personId: PERSON_ID }, language: 'EN-US' },
        'a string',
      ),
    ),
  },
  id: { type: 'UUID', values: mostly<unknown>(fc.constant(PERSON_ID), fc.constantFrom(null, 7)) },
  key: {
    type: 'String',
    values: mostly<unknown>(fc.constant('variable-key'), fc.constantFrom('has space', '', null)),
  },
  language: {
    type: 'Language',
    values: mostly<unknown>(fc.constantFrom('EN_US', 'FR_CA'), fc.constantFrom('XX', 'en_us')),
  },
  skip: { type: 'Boolean!', values: mostly<unknown>(fc.boolean(), fc.constant(null)) },
} as const;
type VariableName = keyof typeof VARIABLES;

const inputArgument = mostly(
  fc.oneof(
    fc.constant('$input'),
    fc
      .tuple(
        fc.constantFrom(
          `{ personId: "${PERSON_ID}" }`,
          `{ businessId: "${BUSINESS_ID}" }`,
          `{ personId: "${UNKNOWN_PERSON_ID}" }`,
          '{ personId: $id }',
        ),
        fc.constantFrom('', ' documentType: PASSPORT'),
        fc.constantFrom('', ' language: FR_CA', ' language: $language'),
        fc.constantFrom('', ' sendSms: true'),
      )
      .map(([customer, ...rest]) => `{ customer: ${customer}${rest.join('')} }`),
  ),
  fc.constantFrom(
    `{ customer: { personId: "${PERSON_ID}", businessId: "${BUSINESS_ID}" } }`,
    '{ customer: {} }',
    '{ customer: { personId: "not-a-uuid" } }',
    `{ customer: { personId: "${PERSON_ID}" } documentType: SELFIE }`,
    `{ customer: { personId: "${PERSON_ID}" } language: "EN-US" }`,
    `{ customer: { personId: "${PERSON_ID}" } sendSms: "yes" }`,
  ),
);

const keyArgument = mostly(
  fc.constantFrom('', '', ', idempotencyKey: "argument-key"', ', idempotencyKey: $key'),
  fc.constantFrom(', idempotencyKey: "has space"', ', idempotencyKey: null'),
);

const directive = mostly(
  fc.constantFrom('', '', '', ' @skip(if: false)', ' @include(if: $skip)', ' @skip(if: true)'),
  fc.constantFrom(' @skip', ' @defer', ' @include(if: "yes")'),
);

const payloadSelection = mostly(
  fc
    .subarray(
      [
        'idempotencyKey',
        'session { id sessionId state url customer { __typename ... on Person { id } ... on Business { id } } }',
        'session { sessionId }',
        '__typename',
        '...Payload',
        `... on ${PAYLOAD_TYPE} { idempotencyKey }`,
      ],
      { minLength: 1, maxLength: 3 },
    )
    .map((selections) => selections.join(' ')),
  fc.constantFrom('nope', '', 'session', 'idempotencyKey { length }'),
);

const sessionField = (alias: string) =>
  fc
    .tuple(inputArgument, keyArgument, directive, payloadSelection)
    .map(
      ([input, key, directives, selection]) =>
        `${alias}${SESSION_FIELD}(input: ${input}${key})${directives} { ${selection} }`,
    );

/** The top-level selection: one or two session fields, sometimes too many, or a query field. */
const fields = mostly(
  fc.oneof(
    { weight: 2, arbitrary: fc.tuple(sessionField('')) },
    fc.tuple(sessionField('a: '), sessionField('b: ')),
  ),
  fc.oneof(
    fc.tuple(sessionField(''), sessionField('')),
    fc.tuple(...Array.from({ length: 6 }, (_, i) => sessionField(`f${i}: `))),
    fc.constant(['documentVerificationLanguages { language code name }']),
  ),
).map((selections: readonly string[]) => selections.join(' '));

/**
 * A document and its variables: mostly one mutation whose variables are declared as used and
 * given values, sometimes with another operation beside it, a declaration or a value that is
 * wrong or missing, another kind of operation, or broken text.
 */
const operation = fc
  .record({
    kind: mostly(fc.constant('mutation'), fc.constantFrom('query', 'subscription')),
    name: fc.constantFrom('', ' Create'),
    selection: fields,
    declarations: mostly(
      fc.constant('as used'),
      fc.constantFrom('input as String', 'one more', 'none'),
    ),
    other: fc.oneof(
      { weight: 8, arbitrary: fc.constant('') },
      fc.constantFrom(
        'query Other { documentVerificationLanguages { code } }',
        'query Other { __schema { queryType { name } } }',
      ),
    ),
    truncate: mostly(fc.constant(0), fc.integer({ min: 1, max: 30 })),
  })
  .chain(({ kind, name, selection, declarations, other, truncate }) => {
    const used = (Object.keys(VARIABLES) as VariableName[]).filter((variable) =>
      new RegExp(`\\$${variable}\\b`).test(selection),
    );
    const declared =
      declarations === 'none'
        ? []
        : declarations === 'one more'
          ? [...new Set<VariableName>([...used, 'key'])]
          : used;
    const definitions = declared.map((variable) =>
      declarations === 'input as String' && variable === 'input'
        ? '$input: String'
        : `$${variable}: ${VARIABLES[variable].type}`,
    );
    const text = [
      `${kind}${name}${definitions.length > 0 ? `(${definitions.join(', ')})` : ''} { ${selection} }`,
      selection.includes('...Payload')
        ? `fragment Payload on ${PAYLOAD_TYPE} { idempotencyKey }`
        : '',
      other,
    ]
      .filter(Boolean)
      .join('\n');
    const values = Object.fromEntries(
      used.map((variable) => [variable, VARIABLES[variable].values]),
    );
    // The name that picks the mutation, or none where it is the only operation.
    const usualNames: (string | null | undefined)[] = name ? ['Create'] : [];
    if (!other || !name) usualNames.push(undefined, null);
    return fc.record({
      query: fc.constant(truncate > 0 ? text.slice(0, -truncate) : text),
      operationName: mostly(
        fc.constantFrom(...usualNames),
        fc.constantFrom<unknown>('Other', 'Nope', 7, undefined),
      ),
      variables: mostly<unknown>(
        fc.record(values),
        fc.oneof(
          fc.record(values, { requiredKeys: [] }),
          fc.constantFrom(undefined, null, [], 'a string', {}),
        ),
      ),
    });
  });

/** The JSON body; an `undefined` field is left out. */
const body = fc
  .record({
    operation: mostly<{ query: unknown; variables: unknown; operationName: unknown }>(
      operation,
      fc.record({
        query: fc.constantFrom('', 7, undefined),
        variables: fc.constant(undefined),
        operationName: fc.constant(undefined),
      }),
    ),
    extensions: mostly(
      fc.constantFrom(undefined, undefined, {}, null),
      fc.constantFrom({ persistedQuery: { version: 1, sha256Hash: 'abc' } }, { other: true }, []),
    ),
  })
  .map(({ operation: { query, variables, operationName }, extensions }) =>
    JSON.stringify({ query, variables, operationName, extensions }),
  );

/** Request headers; an `undefined` one is left out. */
const headers = fc
  .record({
    accept: mostly(
      fc.constantFrom(
        undefined,
        undefined,
        '',
        '*/*',
        'application/json',
        'Application/JSON ',
        'application/json, application/graphql-response+json',
        'multipart/mixed, application/json;q=0.1',
      ),
      fc.constantFrom(
        'application/graphql-response+json',
        'application/graphql-response+json, application/json',
        'application/graphql-response+json;q=0.5, application/json;q=0.4',
        'application/json;q=0.5, application/graphql-response+json',
        'multipart/mixed',
        'text/html',
      ),
    ),
    authorization: fc.constantFrom(
      `Bearer ${TEST_TOKEN}`,
      `Bearer ${TEST_TOKEN}`,
      `bearer ${TEST_TOKEN}`,
      undefined,
      'Basic dXNlcjpwYXNz',
      'Bearer',
    ),
    'idempotency-key': fc.constantFrom(
      undefined,
      undefined,
      'header-key',
      'has space',
      'x'.repeat(300),
    ),
    'x-request-id': fc.constantFrom('property-request', 'property-request', undefined, 'has space'),
    'content-type': fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/graphql+json',
    ),
  })
  .map((all) => {
    const sent: Record<string, string> = {};
    for (const [name, value] of Object.entries(all)) if (value !== undefined) sent[name] = value;
    return sent;
  });

/** What the emulator does with every upstream call: its own answer, mostly. */
const fault = mostly(
  fc.constant(undefined),
  fc.constantFrom<EmulatorFault | undefined>(
    {
      kind: 'respond',
      status: 404,
      body: { type: 'about:blank', title: 'Not found', status: 404, detail: 'No such person' },
    },
    { kind: 'respond', status: 409, body: { title: 'Conflict', status: 409 } },
    { kind: 'respond', status: 503, body: { title: 'Unavailable', status: 503 } },
    { kind: 'respond', status: 201, body: { unexpected: true } },
  ),
);

const request = fc.record({ body, headers, fault });

describe.each([
  ['production', { NODE_ENV: 'production' }, 250],
  ['development', {}, 80],
])(
  'generated requests get the same answer with and without the fast path (%s)',
  (_mode, env, runs) => {
    const twins = useTwins(env);

    it(`${runs} requests`, async () => {
      let servedByFastPath = 0;
      await fc.assert(
        fc.asyncProperty(request, async ({ body, headers, fault }) => {
          const sent: RawRequest = { body, headers };
          const exchange = await twins().exchange(sent, fault);
          expectSameAnswers(exchange);
          if (exchange.servedByFastPath === true) servedByFastPath += 1;
        }),
        { numRuns: runs },
      );
      // Not a comparison of Apollo Server with itself: a good share took the fast path.
      expect(servedByFastPath).toBeGreaterThan(runs * 0.25);
      // Nor of the fast path with itself: a good share went to Apollo Server.
      expect(servedByFastPath).toBeLessThan(runs * 0.9);
    });
  },
);
