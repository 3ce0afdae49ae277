/**
 * Serves the built page (build.ts) on its own origin, as a bank's web server would: a page on
 * one origin calling the gateway on another, so the browser applies CORS for real. The
 * gateway's endpoint is written into the page's `<meta name="graphql-endpoint">`.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Options of {@link serveWebPage}. */
export interface WebPageServerOptions {
  /** The built page's folder. */
  readonly dir: string;
  /** The GraphQL endpoint the page calls. */
  readonly graphqlUrl: string;
  readonly port?: number;
  readonly host?: string;
}

/** A running page server. */
export interface WebPageServer {
  /** The page's address, such as http://127.0.0.1:4200/. */
  readonly url: string;
  /** Its origin, as the browser sends it in `Origin`. */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves the files of `dir` (no listing, no subfolders) until `close()`. */
export async function serveWebPage({
  dir,
  graphqlUrl,
  port = 0,
  host = '127.0.0.1',
}: WebPageServerOptions): Promise<WebPageServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://page').pathname;
    const file = path === '/' ? 'index.html' : path.slice(1);
    const type = CONTENT_TYPES[extname(file)];
    // Only the build's own files: nothing outside the folder, nothing unknown.
    if (req.method !== 'GET' || type === undefined || file.includes('/') || file.includes('..')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    readFile(join(dir, file), 'utf8').then(
      (text) => {
        const body =
          file === 'index.html'
            ? text.replace(/(<meta name="graphql-endpoint" content=")[^"]*(")/, `$1${graphqlUrl}$2`)
            : text;
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
      },
      () => res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const origin = `http://${host}:${address.port}`;
  return {
    url: `${origin}/`,
    origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
