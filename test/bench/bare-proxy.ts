/**
 * The bare Node proxy of the benchmark: the least any Node hop costs. It reads the request,
 * forwards method, path, body and the session headers with undici over a keep-alive pool, and
 * streams the answer back. No parsing, no validation, no logging.
 *
 * Environment: `PORT`, `UPSTREAM_ORIGIN` (such as `http://127.0.0.1:4010`).
 */
import { createServer, type IncomingMessage } from 'node:http';
import { Pool } from 'undici';
import { stopOnSignals } from './signals';

const FORWARDED = ['authorization', 'idempotency-key', 'content-type', 'x-request-id'];

const pool = new Pool(process.env.UPSTREAM_ORIGIN ?? '', { keepAliveTimeout: 30_000 });

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const server = createServer((req, res) => {
  void (async () => {
    try {
      const headers: Record<string, string> = {};
      for (const name of FORWARDED) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const upstream = await pool.request({
        method: req.method === 'POST' ? 'POST' : 'GET',
        path: req.url ?? '/',
        headers,
        body: req.method === 'POST' ? await readBody(req) : undefined,
      });
      const type = upstream.headers['content-type'];
      res.writeHead(upstream.statusCode, typeof type === 'string' ? { 'content-type': type } : {});
      for await (const chunk of upstream.body) res.write(chunk);
      res.end();
    } catch {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    }
  })();
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
stopOnSignals(async () => {
  server.close();
  await pool.close();
});
