import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type DirectiveNode,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLObjectType,
  GraphQLUnionType,
  Kind,
  type ObjectTypeDefinitionNode,
  parse,
  print,
} from 'graphql';
import { LANGUAGES } from '../../src/verification/language';
import { CUSTOMERS_SDL } from '../fixtures/customers-subgraph';
import { useStack } from '../helpers/stack';
import { type ComposedSupergraph, composeSupergraph, fetchSubgraphSdl } from './compose';
import { CUSTOMERS_SUBGRAPH_NAME, SUBGRAPH_NAME } from './supergraph-stack';

const COMMITTED_SDL = readFileSync(resolve(__dirname, '../../schema/schema.graphql'), 'utf8');
const CUSTOMERS = {
  name: CUSTOMERS_SUBGRAPH_NAME,
  url: 'http://customers.test/graphql',
  sdl: CUSTOMERS_SDL,
};

const composeWith = (sdl: string): ComposedSupergraph =>
  composeSupergraph([
    { name: SUBGRAPH_NAME, url: 'http://localhost:4000/graphql', sdl },
    CUSTOMERS,
  ]);

/** The subgraphs (`join__Graph` enum values) that declare `typeName` in the supergraph SDL. */
function joinedGraphs(supergraphSdl: string, typeName: string): string[] {
  const type = parse(supergraphSdl).definitions.find(
    (definition): definition is ObjectTypeDefinitionNode =>
      definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === typeName,
  );
  return (type?.directives ?? [])
    .filter((directive) => directive.name.value === 'join__type')
    .map((directive) => argumentText(directive, 'graph'))
    .sort();
}

function argumentText(directive: DirectiveNode, name: string): string {
  const value = directive.arguments?.find((argument) => argument.name.value === name)?.value;
  return value === undefined ? '' : print(value);
}

describe('composition with a customers subgraph', () => {
  const stack = useStack();
  let servedSdl: string;
  let supergraph: ComposedSupergraph;

  beforeAll(async () => {
    servedSdl = await fetchSubgraphSdl(stack().url);
    supergraph = composeWith(servedSdl);
  });

  it('composes the committed schema/schema.graphql, which is the SDL the subgraph serves', () => {
    expect(servedSdl.trim()).toBe(COMMITTED_SDL.trim());
    expect(composeWith(COMMITTED_SDL).sdl).toBe(supergraph.sdl);
  });

  it('has the mutation with its arguments', () => {
    const mutation = supergraph.apiSchema.getMutationType();
    const field = mutation?.getFields().createDocumentVerificationSession;
    expect(field?.args.map((arg) => `${arg.name}: ${String(arg.type)}`).sort()).toEqual([
      'idempotencyKey: String',
      'input: CreateDocumentVerificationSessionInput!',
    ]);
    expect(String(field?.type)).toBe('CreateDocumentVerificationSessionPayload!');
  });

  it('has the enums with all their values', () => {
    const values = (name: string) => {
      const type = supergraph.apiSchema.getType(name);
      expect(type).toBeInstanceOf(GraphQLEnumType);
      return (type as GraphQLEnumType).getValues().map((value) => value.name);
    };
    expect(values('DocumentType')).toEqual(['LICENSE', 'PASSPORT']);
    expect(values('SessionState')).toEqual(['PENDING', 'COMPLETE']);
    expect(values('Language')).toEqual(LANGUAGES.map((language) => language.value));
  });

  it('has the Customer union of Person and Business', () => {
    const customer = supergraph.apiSchema.getType('Customer');
    expect(customer).toBeInstanceOf(GraphQLUnionType);
    expect((customer as GraphQLUnionType).getTypes().map(String)).toEqual(['Person', 'Business']);
  });

  it.each([
    ['Person', ['id', 'firstName', 'lastName']],
    ['Business', ['id', 'legalName', 'tradeName']],
  ])('joins the %s stub with the customers subgraph and its fields', (typeName, fields) => {
    const type = supergraph.apiSchema.getType(typeName);
    expect(type).toBeInstanceOf(GraphQLObjectType);
    expect(Object.keys((type as GraphQLObjectType).getFields())).toEqual(fields);
    expect(joinedGraphs(supergraph.sdl, typeName)).toEqual(['CUSTOMERS', 'DOCUMENT_VERIFICATION']);
  });

  it('drops @oneOf from the API schema, although the subgraph declares it', () => {
    expect(servedSdl).toMatch(/input CustomerRefInput\s+@oneOf/);
    const input = supergraph.apiSchema.getType('CustomerRefInput');
    expect(input).toBeInstanceOf(GraphQLInputObjectType);
    expect((input as GraphQLInputObjectType).isOneOf).toBe(false);
    expect(supergraph.sdl).not.toContain('oneOf');
  });

  it('fails on a composition error, naming it', () => {
    const clashing = CUSTOMERS_SDL.replace(
      /type Person @key\(fields: "id"\) \{\n(\s+".*"\n)?\s+id: ID!/,
      'type Person @key(fields: "id") {\n  id: String!',
    );
    expect(clashing).not.toBe(CUSTOMERS_SDL);
    expect(() =>
      composeSupergraph([
        { name: SUBGRAPH_NAME, url: 'http://localhost:4000/graphql', sdl: servedSdl },
        { ...CUSTOMERS, sdl: clashing },
      ]),
    ).toThrow(/Composition failed:[\s\S]*Person\.id/);
  });
});
