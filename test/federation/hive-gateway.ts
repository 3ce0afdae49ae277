/**
 * Hive Gateway (The Guild's gateway runtime, as `hive-gateway supergraph` runs it) serving a
 * supergraph on loopback, with this subgraph's request headers sent to this subgraph only.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { SUBGRAPH_REQUEST_HEADERS } from '../../src/graphql/context';
import { SUBGRAPH_NAME } from './supergraph-stack';

/**
 * Hive Gateway's `propagateHeaders.fromClientToSubgraphs`: the client's Authorization,
 * Idempotency-Key and X-Request-Id for this subgraph, nothing for the others (they must not see
 * a Synctera token or a write's key).
 */
export function headersForSubgraph({
  request,
  subgraphName,
}: {
  request: Request;
  subgraphName: string;
}): Record<string, string> | undefined {
  if (subgraphName !== SUBGRAPH_NAME) return undefined;
  const headers: Record<string, string> = {};
  for (const name of Object.values(SUBGRAPH_REQUEST_HEADERS)) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return headers;
}

/** A running Hive Gateway. */
export interface HiveGateway {
  /** Its GraphQL endpoint. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `supergraphSdl` with Hive Gateway's defaults (error masking on: subgraphs' GraphQL errors
 * still reach the client with their codes) over node:http on `host`, at a free port.
 */
export async function startHiveGateway(
  supergraphSdl: string,
  { host = '127.0.0.1' }: { host?: string } = {},
): Promise<HiveGateway> {
  const gateway = createGatewayRuntime({
    supergraph: supergraphSdl,
    propagateHeaders: { fromClientToSubgraphs: headersForSubgraph },
    logging: false,
  });
  const server = createServer(gateway);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}${gateway.graphqlEndpoint}`,
    async close() {
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error === undefined ? resolve() : reject(error))),
      );
      await gateway.dispose();
    },
  };
}
