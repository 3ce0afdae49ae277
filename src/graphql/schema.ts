import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { type GraphQLSchema, graphqlSync, parse } from 'graphql';
import { buildSchemaSync, createResolversMap } from 'type-graphql';
import { DocumentVerificationSessionResolver } from '../verification/document-verification-session.resolver';
import { LanguageResolver } from '../verification/language.resolver';

/**
 * The resolver map `buildSubgraphSchema` takes, named through its public signature: the package
 * exports no name for it.
 */
export type SubgraphResolverMap = NonNullable<
  Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>['resolvers']
>;

export const FEDERATION_SPEC_URL = 'https://specs.apollo.dev/federation/v2.5';

/**
 * Declarations prepended to the type-graphql SDL. `@apollo/subgraph` does not predeclare `@oneOf`;
 * declaring it makes graphql-js enforce it, for literals and variables alike.
 */
const SUBGRAPH_HEADER = `
extend schema @link(url: "${FEDERATION_SPEC_URL}", import: ["@key"])

directive @oneOf on INPUT_OBJECT
`;

/** type-graphql classes → SDL with directives → the federation header → `buildSubgraphSchema`. */
export function createSubgraphSchema(): GraphQLSchema {
  const schema = buildSchemaSync({
    resolvers: [DocumentVerificationSessionResolver, LanguageResolver],
    skipCheck: true,
  });
  // type-graphql has no option for root type descriptions.
  schema.getQueryType()!.description = 'Document verification reference data.';
  schema.getMutationType()!.description = 'Document verification sessions at Synctera.';
  return buildSubgraphSchema({
    typeDefs: parse(`${SUBGRAPH_HEADER}\n${printSchemaWithDirectives(schema)}`),
    resolvers: createResolversMap(schema) as SubgraphResolverMap,
  });
}

/** The SDL this subgraph serves as `_service { sdl }`: what a router or `rover` composes. */
export function printSubgraphSdl(schema: GraphQLSchema = createSubgraphSchema()): string {
  const result = graphqlSync({ schema, source: '{ _service { sdl } }' });
  const sdl = (result.data as { _service?: { sdl?: unknown } } | null)?._service?.sdl;
  if (typeof sdl !== 'string') throw new Error('The subgraph schema did not serve its SDL.');
  return sdl;
}
