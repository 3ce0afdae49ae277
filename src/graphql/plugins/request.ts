import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { type Context, SUBGRAPH_REQUEST_HEADERS } from '../context';

/** The request id's header: read from the request, written on every answer. */
export const REQUEST_ID_HEADER = SUBGRAPH_REQUEST_HEADERS.requestId;

/** What the server's telemetry learns from Apollo Server about one request. */
export interface GraphQLObserver {
  /** An error of the answer, by its `extensions.code`. */
  error(code: unknown): void;
  /** The operation Apollo resolved, such as `mutation CreateSession`. */
  operation(type: string, name: string | null | undefined): void;
}

/** `errors`, each with the request id in its `extensions.requestId`. */
export function withRequestId(
  errors: readonly GraphQLFormattedError[],
  requestId: string,
): GraphQLFormattedError[] {
  return errors.map((error) => ({
    ...error,
    extensions: { ...error.extensions, requestId },
  }));
}

/**
 * The per-request concerns that belong to GraphQL, in one place: the request id in the
 * `X-Request-Id` header and in every error's `extensions.requestId` (so a support request can be
 * matched to the log lines), `Cache-Control: no-store`, and, for the telemetry, each error by
 * code and the operation that ran.
 */
export function requestPlugin(observer?: GraphQLObserver): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, operationName }) {
          if (operation !== undefined) observer?.operation(operation.operation, operationName);
        },
        async willSendResponse({ response, contextValue }) {
          response.http.headers.set(REQUEST_ID_HEADER, contextValue.requestId);
          // An answer carries a session URL meant for one customer. Apollo's cache control plugin
          // is disabled (this schema has no cache hints, and it runs a hook on every field).
          response.http.headers.set('cache-control', 'no-store');
          if (response.body.kind !== 'single') return;
          const { errors } = response.body.singleResult;
          if (errors === undefined) return;
          for (const error of errors) observer?.error(error.extensions?.code);
          response.body.singleResult.errors = withRequestId(errors, contextValue.requestId);
        },
      };
    },
  };
}
