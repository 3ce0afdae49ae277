/**
 * Composition of subgraph SDLs into a supergraph, as `rover supergraph compose` does (Apollo's
 * composition) or as Hive's tooling does (The Guild's `@theguild/federation-composition`).
 */
import { composeServices } from '@apollo/composition';
import { composeServices as composeServicesTheGuildWay } from '@theguild/federation-composition';
import { buildASTSchema, type GraphQLSchema, parse } from 'graphql';

/** One subgraph to compose: its name, routing URL and SDL. */
export interface SubgraphSource {
  readonly name: string;
  readonly url: string;
  readonly sdl: string;
}

/** Asks a running subgraph for its SDL, as `rover subgraph introspect` does. */
export async function fetchSubgraphSdl(url: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await response.json()) as { data?: { _service?: { sdl?: string } } };
  const sdl = body.data?._service?.sdl;
  if (typeof sdl !== 'string') {
    throw new Error(`${url} did not answer _service { sdl }: ${JSON.stringify(body)}`);
  }
  return sdl;
}

/** A composed supergraph. */
export interface ComposedSupergraph {
  /** The supergraph SDL, for a gateway or router. */
  readonly sdl: string;
  /** The API schema: what clients of the supergraph see (no join or federation machinery). */
  readonly apiSchema: GraphQLSchema;
}

/** Composes the subgraphs with Apollo's composition; throws with every composition error. */
export function composeSupergraph(subgraphs: readonly SubgraphSource[]): ComposedSupergraph {
  const result = composeServices(serviceDefinitions(subgraphs));
  if (result.errors !== undefined) throw compositionError(result.errors);
  return {
    sdl: result.supergraphSdl,
    apiSchema: result.schema.toAPISchema().toGraphQLJSSchema(),
  };
}

/**
 * Composes the subgraphs with The Guild's composition, which Hive Gateway and Hive's registry
 * use; throws with every composition error.
 */
export function composeSupergraphTheGuildWay(
  subgraphs: readonly SubgraphSource[],
): ComposedSupergraph {
  const result = composeServicesTheGuildWay(serviceDefinitions(subgraphs));
  if (result.errors !== undefined) throw compositionError(result.errors);
  return { sdl: result.supergraphSdl, apiSchema: buildASTSchema(result.publicDocumentNode) };
}

function serviceDefinitions(subgraphs: readonly SubgraphSource[]) {
  return subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) }));
}

function compositionError(errors: readonly { message: string }[]): Error {
  return new Error(
    `Composition failed:\n${errors.map((error) => `- ${error.message}`).join('\n')}`,
  );
}
