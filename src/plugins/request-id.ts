import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';

/**
 * Returns the request id to the caller: as the `X-Request-Id` response header and in every
 * error's `extensions.requestId`, so a support request can be matched to the log lines.
 */
export function requestIdPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          response.http.headers.set('x-request-id', contextValue.requestId);
          if (response.body.kind !== 'single') return;
          const { errors } = response.body.singleResult;
          if (!errors) return;
          response.body.singleResult.errors = errors.map((error) => ({
            ...error,
            extensions: { ...error.extensions, requestId: contextValue.requestId },
          }));
        },
      };
    },
  };
}
