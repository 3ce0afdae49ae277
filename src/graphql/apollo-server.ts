import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import {
  ApolloServer,
  type ApolloServerOptions,
  type ApolloServerPlugin,
  type ContextThunk,
  type HTTPGraphQLRequest,
  type HTTPGraphQLResponse,
} from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { DEFAULT_OPERATION_LIMITS, type OperationLimits } from '../config';
import type { Logger } from '../logger';
import type { Context } from './context';
import { createDocumentStore } from './document-store';
import { createFormatError } from './format-error';
import { queryTextRefusal } from './limits';
import { type OperationRules, operationRules } from './operation-rules';
import { landingPagePlugin } from './plugins/landing-page';
import { noStorePlugin } from './plugins/no-store';
import { requestIdPlugin } from './plugins/request-id';
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
}

/** Builds the Apollo Server for this subgraph, for hosts that bring their own HTTP integration. */
export function createApolloServer({
  production,
  logger,
  limits = DEFAULT_OPERATION_LIMITS,
  plugins = [],
  schema = createSubgraphSchema(),
}: ApolloServerFactoryOptions): ApolloServer<Context> {
  return buildApolloServer({
    production,
    schema,
    logger,
    plugins,
    rules: operationRules(limits, { production }),
    errors: errorFormatting(production, logger),
  });
}

/** How errors are formatted: the server's `formatError`, and whether stacks are shown. */
export interface ErrorFormatting {
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Adds each error's stack as `extensions.stacktrace` (outside production, as Apollo does). */
  readonly includeStacktrace: boolean;
}

/** The error formatting of a server. */
export function errorFormatting(production: boolean, logger: Logger): ErrorFormatting {
  return {
    formatError: createFormatError({ production, logger }),
    includeStacktrace: !production,
  };
}

/**
 * The Apollo Server of the subgraph's HTTP server (src/http/server.ts), with its rules and error
 * formatting.
 */
export function buildApolloServer({
  production,
  schema,
  logger,
  plugins,
  rules,
  errors,
  emulatedUpstream,
}: {
  readonly production: boolean;
  /** The upstream is the emulator (Sandbox's hint: any bearer token). */
  readonly emulatedUpstream?: boolean;
  readonly schema: GraphQLSchema;
  readonly logger: Logger;
  readonly plugins: readonly ApolloServerPlugin<Context>[];
  readonly rules: OperationRules;
  readonly errors: ErrorFormatting;
}): ApolloServer<Context> {
  return new SubgraphApolloServer(rules.maxQueryBytes, {
    schema,
    documentStore: createDocumentStore(),
    // Automatic persisted queries would keep every registered query text in a cache callers
    // fill; routers send subgraphs whole operations, so the subgraph does not offer them.
    persistedQueries: false,
    parseOptions: rules.parseOptions,
    validationRules: [...rules.validationRules],
    introspection: rules.introspection,
    includeStacktraceInErrorResponses: errors.includeStacktrace,
    formatError: errors.formatError,
    logger,
    // Shutdown belongs to the process (main.ts) or the host, which also close the upstream pool.
    stopOnTerminationSignals: false,
    plugins: [
      landingPagePlugin(production, { emulatedUpstream }),
      requestIdPlugin(),
      noStorePlugin(),
      ApolloServerPluginCacheControlDisabled(),
      ...plugins,
    ],
  });
}

/**
 * Apollo Server with the query text limit (GRAPHQL_MAX_QUERY_BYTES) applied to every HTTP
 * request, whatever the integration, before Apollo hashes, parses or caches the text. No plugin
 * hook can answer a request before parsing, so the refusal takes the path of a context that
 * cannot be created: Apollo answers it as its own early refusals, through the server's
 * `formatError` and with the error's status. No context is created and no request hook runs;
 * plugins' `contextCreationDidFail` hooks see the refusal.
 */
class SubgraphApolloServer extends ApolloServer<Context> {
  constructor(
    private readonly maxQueryBytes: number,
    options: ApolloServerOptions<Context>,
  ) {
    super(options);
  }

  override async executeHTTPGraphQLRequest({
    httpGraphQLRequest,
    context,
  }: {
    httpGraphQLRequest: HTTPGraphQLRequest;
    context: ContextThunk<Context>;
  }): Promise<HTTPGraphQLResponse> {
    const refusal = queryTextRefusal(httpGraphQLRequest, this.maxQueryBytes);
    return super.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: refusal === undefined ? context : () => Promise.reject(refusal),
    });
  }
}
