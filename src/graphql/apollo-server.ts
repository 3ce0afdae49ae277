import type { GraphQLSchema } from 'graphql';
import {
  ApolloServer,
  type ApolloServerOptions,
  type ApolloServerPlugin,
  type HTTPGraphQLResponse,
} from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { DEFAULT_OPERATION_LIMITS, type OperationLimits } from '../config';
import type { Logger } from '../logger';
import type { Context } from './context';
import { createDocumentStore } from './document-store';
import { createFormatError } from './format-error';
import { operationRules, queryTextRefusal } from './limits';
import { landingPagePlugin } from './plugins/landing-page';
import { type GraphQLObserver, requestPlugin } from './plugins/request';
import { createSubgraphSchema } from './schema';

/** Options of {@link createApolloServer}. */
export interface ApolloServerFactoryOptions {
  /** Production mode: no introspection, no Sandbox, masked unexpected errors. */
  readonly production: boolean;
  readonly logger: Logger;
  /** Operation limits; defaults to {@link DEFAULT_OPERATION_LIMITS}. */
  readonly limits?: OperationLimits;
  /** The host's own plugins, such as its HTTP server's drain plugin. */
  readonly plugins?: readonly ApolloServerPlugin<Context>[];
  /** The schema to serve; defaults to a new {@link createSubgraphSchema}. */
  readonly schema?: GraphQLSchema;
  /** The upstream is the emulator (Sandbox's hint: any bearer token). */
  readonly emulatedUpstream?: boolean;
  /** Told each error by code and the operation that ran (the server's metrics and spans). */
  readonly observer?: GraphQLObserver;
}

/**
 * The Apollo Server of this subgraph, for its own HTTP server (src/http/server.ts) and for hosts
 * that bring their own HTTP integration.
 */
export function createApolloServer({
  production,
  logger,
  limits = DEFAULT_OPERATION_LIMITS,
  plugins = [],
  schema = createSubgraphSchema(),
  emulatedUpstream,
  observer,
}: ApolloServerFactoryOptions): ApolloServer<Context> {
  const rules = operationRules(limits, { production });
  return new SubgraphApolloServer(rules.maxQueryBytes, {
    schema,
    documentStore: createDocumentStore(),
    // Automatic persisted queries would keep every registered query text in a cache callers
    // fill; routers send subgraphs whole operations, so the subgraph does not offer them.
    persistedQueries: false,
    parseOptions: rules.parseOptions,
    validationRules: [...rules.validationRules],
    introspection: rules.introspection,
    includeStacktraceInErrorResponses: !production,
    formatError: createFormatError({ production, logger }),
    logger,
    // Shutdown belongs to the process (main.ts) or the host, which also close the upstream pool.
    stopOnTerminationSignals: false,
    plugins: [
      landingPagePlugin(production, { emulatedUpstream }),
      requestPlugin(observer),
      ApolloServerPluginCacheControlDisabled(),
      ...plugins,
    ],
  });
}

/**
 * Apollo Server with GRAPHQL_MAX_QUERY_BYTES applied to every HTTP request, whatever the
 * integration, before Apollo hashes, parses or caches the text. No plugin hook runs before
 * parsing, so the refusal is a context that cannot be created: Apollo answers it through
 * `formatError` with the error's status, and no request hook runs.
 */
class SubgraphApolloServer extends ApolloServer<Context> {
  constructor(
    private readonly maxQueryBytes: number,
    options: ApolloServerOptions<Context>,
  ) {
    super(options);
  }

  override executeHTTPGraphQLRequest(
    request: Parameters<ApolloServer<Context>['executeHTTPGraphQLRequest']>[0],
  ): Promise<HTTPGraphQLResponse> {
    const refusal = queryTextRefusal(request.httpGraphQLRequest, this.maxQueryBytes);
    return super.executeHTTPGraphQLRequest(
      refusal === undefined ? request : { ...request, context: () => Promise.reject(refusal) },
    );
  }
}
