/**
 * Hive Gateway (The Guild's gateway runtime, as `hive-gateway supergraph` runs it) serving a
 * supergraph on loopback with the configuration platform teams copy (`schema/gateway.config.ts`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime, type GatewayConfigSupergraph } from '@graphql-hive/gateway-runtime';
import { gatewayConfig } from '../../schema/gateway.config';

/** A running Hive Gateway. */
export interface HiveGateway {
  /** Its GraphQL endpoint. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `supergraphSdl` with `schema/gateway.config.ts` (Hive Gateway's defaults otherwise, error
 * masking included) over node:http on `host`, at a free port. `overrides` replace options of the
 * file, for what the documentation tells teams they may change.
 */
export async function startHiveGateway(
  supergraphSdl: string,
  {
    host = '127.0.0.1',
    overrides = {},
  }: { host?: string; overrides?: Partial<GatewayConfigSupergraph> } = {},
): Promise<HiveGateway> {
  const gateway = createGatewayRuntime({
    ...gatewayConfig,
    ...overrides,
    supergraph: supergraphSdl,
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
