import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Context } from '../context';

/** The response header that carries the request id. */
export const REQUEST_ID_HEADER = 'x-request-id';

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
 * Returns the request id to the caller: as the `X-Request-Id` response header and in every
 * error's `extensions.requestId`, so a support request can be matched to the log lines.
 */
export function requestIdPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          response.http.headers.set(REQUEST_ID_HEADER, contextValue.requestId);
          if (response.body.kind !== 'single') return;
          const { errors } = response.body.singleResult;
          if (errors)
            response.body.singleResult.errors = withRequestId(errors, contextValue.requestId);
        },
      };
    },
  };
}
