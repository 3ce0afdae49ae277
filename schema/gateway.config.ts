/**
 * Hive Gateway configuration for this subgraph: copy it next to the supergraph and run
 * `npx hive-gateway supergraph supergraph.graphql`, or merge `gatewayConfig` into yours. The
 * federation tests start Hive Gateway with this very object (test/federation/hive-gateway.ts).
 *
 * The object is what `defineConfig` from `@graphql-hive/gateway` takes (it returns it as is), so
 * wrapping it in `defineConfig(…)` changes nothing. Its type comes from
 * `@graphql-hive/gateway-runtime`, which the gateway CLI depends on; the import is erased when the
 * CLI loads this file.
 *
 * Left at Hive Gateway's defaults on purpose (docs/federation.md says why):
 * - `requestId` is on: the gateway takes the client's X-Request-Id (or makes up a UUID), sends it
 *   to EVERY subgraph and answers with it. Set `requestId: false` to keep it from the other
 *   subgraphs; the rule below still sends a client's X-Request-Id to this subgraph.
 * - `upstreamRetry` stays off for this subgraph: it retries Synctera itself with one
 *   Idempotency-Key, while a gateway retry of a request without one gets a fresh key and may
 *   create a second session.
 * - No `upstreamTimeout`. If you set one, give this subgraph more than its longest upstream call
 *   with retries (`upstreamBudgetMs` in its start-up log).
 * - `maskedErrors` is on: it hides unexpected errors only, so this subgraph's errors still reach
 *   clients with their `extensions.code`.
 */
import type { GatewayConfigSupergraph } from '@graphql-hive/gateway-runtime';

/** This subgraph's name in the supergraph (`schema/supergraph.yaml`). */
export const DOCUMENT_VERIFICATION_SUBGRAPH = 'document-verification';

/**
 * The request headers this subgraph reads (`SUBGRAPH_REQUEST_HEADERS`, exported by its package).
 * When the gateway does not trace requests itself, add `traceparent` and `tracestate`, so a
 * caller's trace continues through this subgraph into the upstream call.
 */
export const DOCUMENT_VERIFICATION_HEADERS = ['authorization', 'idempotency-key', 'x-request-id'];

export const gatewayConfig: Partial<GatewayConfigSupergraph> = {
  propagateHeaders: {
    fromClientToSubgraphs({ request, subgraphName }) {
      // This subgraph only: the others need no Synctera credential, and would see one key for
      // unrelated writes. Give another subgraph that needs credentials its own rule.
      if (subgraphName !== DOCUMENT_VERIFICATION_SUBGRAPH) return;
      const headers: Record<string, string> = {};
      for (const name of DOCUMENT_VERIFICATION_HEADERS) {
        const value = request.headers.get(name);
        if (value !== null) headers[name] = value;
      }
      return headers;
    },
  },
};
