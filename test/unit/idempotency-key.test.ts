import { type GraphQLResolveInfo, Kind, type OperationDefinitionNode, parse } from 'graphql';
import { idempotencyKeyForField } from '../../src/verification/idempotency-key';

/** The resolve info of `responseKey` in the only operation of `query`, with these variables. */
function infoOf(
  query: string,
  responseKey: string,
  variableValues: Record<string, unknown>,
): GraphQLResolveInfo {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  return {
    operation,
    fragments: {},
    variableValues,
    path: { prev: undefined, key: responseKey, typename: 'Mutation' },
  } as unknown as GraphQLResolveInfo;
}

const ONE = 'mutation { a: createDocumentVerificationSession { idempotencyKey } }';
const TWO =
  'mutation { a: createDocumentVerificationSession { idempotencyKey } b: createDocumentVerificationSession { idempotencyKey } }';

describe('idempotencyKeyForField', () => {
  it('reads each operation on its own, whatever object holds its variables', () => {
    // graphql-js makes a fresh variables object per execution today; nothing here may depend
    // on it, so two operations that share one object still get their own keys.
    const variables = {};
    const header = 'caller-key';
    expect(idempotencyKeyForField(infoOf(ONE, 'a', variables), { argument: null, header })).toBe(
      header,
    );
    expect(idempotencyKeyForField(infoOf(TWO, 'b', variables), { argument: null, header })).toBe(
      `${header}:b`,
    );
  });

  it('counts only the fields that run after @skip and @include', () => {
    const query =
      'mutation($s: Boolean!) { a: createDocumentVerificationSession { idempotencyKey } b: createDocumentVerificationSession @skip(if: $s) { idempotencyKey } }';
    const header = 'k';
    expect(
      idempotencyKeyForField(infoOf(query, 'a', { s: true }), { argument: null, header }),
    ).toBe('k');
    expect(
      idempotencyKeyForField(infoOf(query, 'a', { s: false }), { argument: null, header }),
    ).toBe('k:a');
  });
});
