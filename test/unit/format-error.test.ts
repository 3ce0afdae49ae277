import {
  buildSchema,
  graphql,
  GraphQLError,
  type GraphQLFormattedError,
  parse,
  validate,
} from 'graphql';
import { createFormatError } from '../../src/graphql/format-error';
import { createLogger } from '../../src/logger';

const schema = buildSchema(`
  input CustomerRefInput @oneOf {
    personId: ID
    businessId: ID
  }
  type Query {
    session(customer: CustomerRefInput!): Boolean
  }
`);

/** The validation messages graphql-js itself produces for a document (as Apollo would format them). */
function validationErrors(query: string): GraphQLFormattedError[] {
  return validate(schema, parse(query)).map((error) => ({
    ...error.toJSON(),
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
  }));
}

function setup(production: boolean) {
  const logger = createLogger('silent');
  const logError = jest.spyOn(logger, 'error');
  return { formatError: createFormatError({ production, logger }), logError };
}

const ONE_OF_MESSAGES = {
  'no key': validationErrors('{ session(customer: {}) }'),
  'two keys': validationErrors('{ session(customer: { personId: "p", businessId: "b" }) }'),
  'a null key': validationErrors('{ session(customer: { personId: null }) }'),
};

describe('createFormatError: @oneOf literals', () => {
  it('gets the messages it expects from graphql-js', () => {
    expect(ONE_OF_MESSAGES['no key'].map((e) => e.message)).toEqual([
      'OneOf Input Object "CustomerRefInput" must specify exactly one key.',
    ]);
    expect(ONE_OF_MESSAGES['two keys'].map((e) => e.message)).toEqual([
      'OneOf Input Object "CustomerRefInput" must specify exactly one key.',
    ]);
    expect(ONE_OF_MESSAGES['a null key'].map((e) => e.message)).toEqual([
      'Field "CustomerRefInput.personId" must be non-null.',
    ]);
  });

  it.each(Object.entries(ONE_OF_MESSAGES))(
    'turns the validation error for %s into BAD_USER_INPUT, keeping the rest',
    (_label, errors) => {
      for (const production of [false, true]) {
        const { formatError, logError } = setup(production);
        for (const formatted of errors) {
          const result = formatError(formatted, new GraphQLError(formatted.message));
          expect(result).toEqual({
            ...formatted,
            extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' },
          });
          expect(result.message).toBe(formatted.message);
          expect(result.locations).toEqual(formatted.locations);
        }
        expect(logError).not.toHaveBeenCalled();
      }
    },
  );

  it('keeps other extensions of a @oneOf violation', () => {
    const { formatError } = setup(false);
    const formatted: GraphQLFormattedError = {
      message: 'OneOf Input Object "CustomerRefInput" must specify exactly one key.',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', requestId: 'req-1' },
    };
    expect(formatError(formatted, undefined).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      requestId: 'req-1',
    });
  });

  it('does not touch the input it was given', () => {
    const { formatError } = setup(false);
    const [formatted] = ONE_OF_MESSAGES['no key'];
    if (formatted === undefined) throw new Error('no validation error');
    formatError(formatted, undefined);
    expect(formatted.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('leaves the @oneOf messages alone when the code is not GRAPHQL_VALIDATION_FAILED', () => {
    const { formatError } = setup(false);
    for (const code of ['BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED', undefined]) {
      const formatted: GraphQLFormattedError = {
        message: 'OneOf Input Object "CustomerRefInput" must specify exactly one key.',
        ...(code === undefined ? {} : { extensions: { code } }),
      };
      expect(formatError(formatted, undefined)).toEqual(formatted);
    }
  });
});

describe('createFormatError: other validation errors', () => {
  it.each([
    '{ nope }',
    '{ session }',
    '{ session(customer: { unknown: "p" }) }',
    '{ session(customer: { personId: 1.5 }) }',
  ])('keeps GRAPHQL_VALIDATION_FAILED for %s', (query) => {
    const errors = validationErrors(query);
    expect(errors.length).toBeGreaterThan(0);
    const { formatError } = setup(true);
    for (const formatted of errors) {
      expect(formatError(formatted, undefined)).toEqual(formatted);
    }
  });

  it.each([
    'Field "Query.session" must be non-null in some other way.',
    'OneOf Input Object "CustomerRefInput" must specify exactly one key. Really.',
    'Prefix: OneOf Input Object "CustomerRefInput" must specify exactly one key.',
  ])('does not rewrite the look-alike message %j', (message) => {
    const { formatError } = setup(false);
    const formatted = { message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
    expect(formatError(formatted, undefined).extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('createFormatError: unexpected errors', () => {
  const internal: GraphQLFormattedError = {
    message: 'Cannot read properties of undefined (reading "token") at /srv/app/secret.ts',
    locations: [{ line: 1, column: 3 }],
    path: ['createDocumentVerificationSession'],
    extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at /srv/app/secret.ts:1:1'] },
  };
  const cause = new Error('boom');

  it('masks INTERNAL_SERVER_ERROR in production and logs the original error', () => {
    const { formatError, logError } = setup(true);
    const result = formatError(internal, cause);
    expect(result.message).toBe('Internal server error');
    expect(result.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(JSON.stringify(result)).not.toContain('secret');
    expect(logError).toHaveBeenCalledTimes(1);
    expect(logError.mock.calls[0]?.[0]).toEqual({ err: cause });
  });

  it('passes INTERNAL_SERVER_ERROR through outside production, and logs it', () => {
    const { formatError, logError } = setup(false);
    expect(formatError(internal, cause)).toEqual(internal);
    expect(logError).toHaveBeenCalledTimes(1);
  });

  it.each(['UNAUTHENTICATED', 'BAD_USER_INPUT', 'UPSTREAM_UNAVAILABLE', 'NOT_FOUND'])(
    'does not mask or log the contract error %s in production',
    (code) => {
      const { formatError, logError } = setup(true);
      const formatted: GraphQLFormattedError = {
        message: 'Synctera says no',
        path: ['createDocumentVerificationSession'],
        extensions: { code, upstream: { status: 400, type: null, code: null, requestId: null } },
      };
      expect(formatError(formatted, undefined)).toEqual(formatted);
      expect(logError).not.toHaveBeenCalled();
    },
  );
});

describe('createFormatError: invalid argument values found during execution', () => {
  /** What graphql-js throws when a variable inside a literal coerces to an invalid value. */
  async function argumentError(): Promise<GraphQLFormattedError> {
    const result = await graphql({
      schema,
      source: 'query ($id: ID) { session(customer: { personId: $id }) }',
      variableValues: { id: null },
    });
    const [error] = result.errors ?? [];
    if (!error) throw new Error('graphql-js accepted a null @oneOf member');
    return { ...error.toJSON(), extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }

  it('recodes them as BAD_USER_INPUT, unmasked and unlogged, even in production', async () => {
    const formatted = await argumentError();
    expect(formatted.message).toMatch(/^Argument "customer" has invalid value /);
    const { formatError, logError } = setup(true);
    const result = formatError(formatted, undefined);
    expect(result.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.message).toBe(formatted.message);
    expect(logError).not.toHaveBeenCalled();
  });
});
