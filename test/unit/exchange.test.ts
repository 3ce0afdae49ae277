import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { exchange } from '../../src/synctera/exchange';

/** A loopback server whose answers the test decides, and the requests it saw. */
async function startServer(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.url ?? '');
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
    connections: 1,
    maxResponseSize: 1000,
  });
  return {
    pool,
    seen,
    async close() {
      await pool.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const post = (path: string) => ({ path, body: '{}' });

describe('exchange', () => {
  it('reads status, headers and the whole UTF-8 body', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(201, { 'x-request-id': 'up-1', 'retry-after': '3' });
      res.write(Buffer.from([0xe2, 0x82]));
      res.end(Buffer.from([0xac]));
    });
    try {
      const answer = await exchange(server.pool, post('/a'), 5000);
      expect(answer.status).toBe(201);
      expect(answer.headers['x-request-id']).toBe('up-1');
      expect(answer.headers['retry-after']).toBe('3');
      expect(answer.text).toBe('€');
    } finally {
      await server.close();
    }
  });

  it("stops reading past the dispatcher's maxResponseSize and gives no text", async () => {
    const server = await startServer((_req, res) => res.end('x'.repeat(100_000)));
    try {
      const answer = await exchange(server.pool, post('/big'), 5000);
      expect(answer).toMatchObject({ status: 200, text: undefined });
    } finally {
      await server.close();
    }
  });

  it('fails with a TimeoutError when the answer does not come in time', async () => {
    const server = await startServer(() => undefined);
    try {
      await expect(exchange(server.pool, post('/hang'), 100)).rejects.toMatchObject({
        name: 'TimeoutError',
      });
    } finally {
      await server.close();
    }
  });

  it('fails at once when its request is still queued, and never sends it', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/slow') setTimeout(() => res.end('slow'), 400);
      else res.end('queued');
    });
    try {
      // One connection: the second request waits in the pool behind the first.
      const slow = exchange(server.pool, post('/slow'), 5000);
      let slowAnswered = false;
      void slow.then(() => (slowAnswered = true));
      await expect(exchange(server.pool, post('/queued'), 50)).rejects.toMatchObject({
        name: 'TimeoutError',
      });
      expect(slowAnswered).toBe(false);
      await expect(slow).resolves.toMatchObject({ text: 'slow' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(server.seen).toEqual(['/slow']);
    } finally {
      await server.close();
    }
  });

  it('fails with the network error when the connection breaks', async () => {
    const server = await startServer((req) => req.socket.destroy());
    try {
      await expect(exchange(server.pool, post('/reset'), 5000)).rejects.toMatchObject({
        code: expect.stringMatching(/^(UND_ERR_SOCKET|ECONNRESET)$/),
      });
    } finally {
      await server.close();
    }
  });
});
