import { resolve } from 'node:path';
import { print } from 'graphql';
import { CreateSessionDocument } from '../generated/graphql';
import { accepts, exitCode, freePort, startScript, waitForOutput } from '../helpers/process';
import { PERSON_ID, postGraphQL } from '../helpers/stack';
import { startEmulator } from '../../src/emulator';

/** `npm start` runs this file after `npm run build`. */
const MAIN = resolve(__dirname, '../../dist/main.js');

const mutation = {
  query: print(CreateSessionDocument),
  variables: { input: { customer: { personId: PERSON_ID } } },
};

async function probe(base: string, path: string) {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('probes and the shutdown sequence (the process)', () => {
  it('/ready and /health answer without calling the upstream, even when it is down', async () => {
    const started = startScript(MAIN, {
      PORT: '0',
      SYNCTERA_BASE_URL: `http://127.0.0.1:${await freePort()}/v0`,
    });
    try {
      const [, url] = await waitForOutput(started, /Subgraph ready at (http:\/\/\S+)\/graphql/);
      expect(await probe(url as string, '/ready')).toEqual({
        status: 200,
        body: { status: 'ready' },
      });
      expect(await probe(url as string, '/health')).toEqual({
        status: 200,
        body: { status: 'ok' },
      });
      // The upstream is unreachable: a mutation fails, the probes do not.
      const { body } = await postGraphQL(`${url}/graphql`, mutation, { authorization: 'Bearer t' });
      expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
      expect((await probe(url as string, '/ready')).status).toBe(200);
    } finally {
      started.child.kill('SIGKILL');
    }
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s: /ready 503 at once, still serving for SHUTDOWN_DELAY_MS, then stops accepting and exits 0',
    async (signal) => {
      const emulator = await startEmulator();
      const delayMs = 2_000;
      const started = startScript(MAIN, {
        PORT: '0',
        SYNCTERA_BASE_URL: emulator.url,
        SHUTDOWN_DELAY_MS: String(delayMs),
        SHUTDOWN_GRACE_MS: '5000',
      });
      try {
        const [, base] = await waitForOutput(started, /Subgraph ready at (http:\/\/\S+)\/graphql/);
        const url = base as string;
        const port = Number(new URL(url).port);
        const probesBefore = emulator.requests.length;

        const signalled = Date.now();
        started.child.kill(signal);
        await waitForOutput(started, /draining/);
        expect(await probe(url, '/ready')).toEqual({ status: 503, body: { status: 'draining' } });
        expect(await probe(url, '/health')).toEqual({ status: 200, body: { status: 'ok' } });
        const served = await postGraphQL(`${url}/graphql`, mutation, {
          authorization: 'Bearer t',
        });
        expect(served.body.errors).toBeUndefined();
        expect(served.headers.get('connection')).toBe('close');
        expect(await accepts(port)).toBe(true);
        expect(Date.now() - signalled).toBeLessThan(delayMs);

        expect(await exitCode(started)).toBe(0);
        expect(Date.now() - signalled).toBeGreaterThanOrEqual(delayMs);
        expect(await accepts(port)).toBe(false);
        expect(emulator.requests.length - probesBefore).toBe(1);
      } finally {
        started.child.kill('SIGKILL');
        await emulator.close();
      }
    },
  );
});
