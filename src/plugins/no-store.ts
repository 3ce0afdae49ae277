import type { ApolloServerPlugin } from '@apollo/server';

/**
 * Marks every GraphQL answer `Cache-Control: no-store`: an answer carries a session URL meant for
 * one customer. Apollo's cache control plugin sent the same header for this schema (it has no
 * cache hints), but it also wraps every field resolver to collect hints, which the hot path
 * paid for on each request; the server disables it and uses this instead.
 */
export function noStorePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}
