/** How Apollo Gateway talks to the subgraphs: header propagation and error pass-through. */
import type { IncomingHttpHeaders } from 'node:http';
import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { SUBGRAPH_REQUEST_HEADERS } from '../../src/graphql/context';
import { headerText } from '../../src/utils/headers';

/** The gateway's per-request context: the client's request headers. */
export interface GatewayContext {
  readonly headers: IncomingHttpHeaders;
}

/**
 * Passes a subgraph's GraphQL errors to the client whatever the HTTP status, as Apollo Router
 * does. Apollo Gateway's own data source turns an HTTP 400 (Apollo Server's status for input
 * that fails validation, such as a `@oneOf` refusal) into "400: Bad Request" with code
 * INTERNAL_SERVER_ERROR, hiding the subgraph's code.
 */
export class SubgraphErrorsDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override async process(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): ReturnType<RemoteGraphQLDataSource['process']> {
    try {
      return await super.process(options);
    } catch (error) {
      const errors = graphQLErrorsOfFailedResponse(error);
      if (errors === undefined) throw error;
      return { errors };
    }
  }
}

/** The `errors` of a non-2xx subgraph response that has a GraphQL body, if it has one. */
function graphQLErrorsOfFailedResponse(error: unknown): GraphQLFormattedError[] | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  const response = error.extensions.response as { body?: { errors?: unknown } } | undefined;
  const errors = response?.body?.errors;
  return Array.isArray(errors) && errors.length > 0
    ? (errors as GraphQLFormattedError[])
    : undefined;
}

/**
 * Sends the client's Authorization, Idempotency-Key and X-Request-Id to this subgraph, unchanged.
 * Used for this subgraph only: other subgraphs must not see a Synctera token or a write's key.
 */
export class HeaderPropagatingDataSource extends SubgraphErrorsDataSource {
  override willSendRequest({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Health checks and schema loads run without a client request, hence without headers.
    const headers = 'headers' in context ? context.headers : undefined;
    for (const name of Object.values(SUBGRAPH_REQUEST_HEADERS)) {
      const value = headerText(headers?.[name]);
      if (value !== undefined) request.http?.headers.set(name, value);
    }
  }
}
