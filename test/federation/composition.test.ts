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
import { printSubgraphSdl } from '../../src/graphql/schema';
import { LANGUAGES } from '../../src/verification/language';
import { CUSTOMERS_SDL } from '../fixtures/customers-subgraph';
import { useStack } from '../helpers/stack';
import {
  type ComposedSupergraph,
  composeSupergraph,
  composeSupergraphTheGuildWay,
  fetchSubgraphSdl,
  type SubgraphSource,
} from './compose';
import { CUSTOMERS_SUBGRAPH_NAME, SUBGRAPH_NAME } from './supergraph-stack';

const COMMITTED_SDL = readFileSync(resolve(__dirname, '../../schema/schema.graphql'), 'utf8');
const CUSTOMERS = {
  name: CUSTOMERS_SUBGRAPH_NAME,
  url: 'http://customers.test/graphql',
  sdl: CUSTOMERS_SDL,
};

/** Both compositions a supergraph of this subgraph may come from. */
const COMPOSITIONS = [
  { name: "Apollo's composition", compose: composeSupergraph },
  { name: "The Guild's composition", compose: composeSupergraphTheGuildWay },
];

const composeWith = (
  compose: (subgraphs: readonly SubgraphSource[]) => ComposedSupergraph,
  sdl: string,
): ComposedSupergraph =>
  compose([{ name: SUBGRAPH_NAME, url: 'http://localhost:4000/graphql', sdl }, CUSTOMERS]);

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

  beforeAll(async () => {
    servedSdl = await fetchSubgraphSdl(stack().url);
  });

  it('starts from the SDL the subgraph serves: printSubgraphSdl() and schema/schema.graphql', () => {
    expect(servedSdl.trim()).toBe(printSubgraphSdl().trim());
    expect(servedSdl.trim()).toBe(COMMITTED_SDL.trim());
  });

  describe.each(COMPOSITIONS)('$name', ({ compose }) => {
    let supergraph: ComposedSupergraph;

    beforeAll(() => {
      supergraph = composeWith(compose, servedSdl);
    });

    it('composes the committed SDL into the same supergraph', () => {
      expect(composeWith(compose, COMMITTED_SDL).sdl).toBe(supergraph.sdl);
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
      expect(joinedGraphs(supergraph.sdl, typeName)).toEqual([
        'CUSTOMERS',
        'DOCUMENT_VERIFICATION',
      ]);
    });

    it('fails on a composition error, naming it', () => {
      const clashing = CUSTOMERS_SDL.replace(
        /type Person @key\(fields: "id"\) \{\n(\s+".*"\n)?\s+id: ID!/,
        'type Person @key(fields: "id") {\n  id: String!',
      );
      expect(clashing).not.toBe(CUSTOMERS_SDL);
      expect(() =>
        compose([
          { name: SUBGRAPH_NAME, url: 'http://localhost:4000/graphql', sdl: servedSdl },
          { ...CUSTOMERS, sdl: clashing },
        ]),
      ).toThrow(/Composition failed:[\s\S]*Person\.id/);
    });
  });

  describe('@oneOf on CustomerRefInput, which the subgraph declares', () => {
    const customerRefInput = ({ apiSchema }: ComposedSupergraph) => {
      const input = apiSchema.getType('CustomerRefInput');
      expect(input).toBeInstanceOf(GraphQLInputObjectType);
      return input as GraphQLInputObjectType;
    };

    it('is in the served SDL', () => {
      expect(servedSdl).toMatch(/input CustomerRefInput\s+@oneOf/);
    });

    it("is dropped by Apollo's composition, from the supergraph and its API schema", () => {
      const supergraph = composeWith(composeSupergraph, servedSdl);
      expect(customerRefInput(supergraph).isOneOf).toBe(false);
      expect(supergraph.sdl).not.toContain('oneOf');
    });

    it("is kept by The Guild's composition, in the supergraph and its API schema", () => {
      const supergraph = composeWith(composeSupergraphTheGuildWay, servedSdl);
      expect(customerRefInput(supergraph).isOneOf).toBe(true);
      expect(supergraph.sdl).toMatch(/^directive @oneOf on INPUT_OBJECT$/m);
      expect(supergraph.sdl).toMatch(/^input CustomerRefInput @join__type\([^)]*\) @oneOf \{$/m);
    });
  });
});
