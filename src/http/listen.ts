import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Starts `server` listening on `port` and `host` (every interface when no host is given) and
 * resolves with the URL of `path` on it, named as a person would type it (`localhost` when no
 * host was given).
 */
export async function listenAt(
  server: Server,
  port: number,
  host: string | undefined,
  path: string,
): Promise<string> {
  server.listen(port, host);
  await once(server, 'listening');
  const { port: bound } = server.address() as AddressInfo;
  const shownHost = host ?? 'localhost';
  return `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${bound}${path}`;
}
