import type { ApolloServerPlugin } from '@apollo/server';

/** The `Cache-Control` of every GraphQL answer. */
export const GRAPHQL_CACHE_CONTROL = 'no-store';

/**
 * Marks every GraphQL answer `Cache-Control: no-store`: an answer carries a session URL meant for
 * one customer. Apollo's cache control plugin sent the same header for this schema (it has no
 * cache hints), but it also runs a hook on every resolved field to collect hints, work the hot
 * path does not need; the server disables it and uses this instead.
 */
export function noStorePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', GRAPHQL_CACHE_CONTROL);
        },
      };
    },
  };
}
