import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { CreateSessionDocument } from '../generated/graphql';
import { accepts, exitCode, startScript, waitForOutput } from '../helpers/process';
import { AUTH, postGraphQL, PERSON_ID } from '../helpers/stack';
import { print } from 'graphql';
import { startEmulator } from '../../src/emulator';

/** `npm start` runs this file after `npm run build` (the test script builds first). */
const MAIN = resolve(__dirname, '../../dist/main.js');

const start = (env: Record<string, string>) => startScript(MAIN, env);

describe('the process (npm start)', () => {
  it('starts with the embedded emulator, serves a mutation and exits 0 on SIGTERM', async () => {
    const started = start({ PORT: '0' });
    try {
      const [, url] = await waitForOutput(started, /Subgraph ready at (http:\/\/\S+\/graphql)/);
      expect(started.output()).toContain('EMBEDDED EMULATOR');
      expect(started.output()).toContain('NOT real document verifications');
      const { body } = await postGraphQL(
        url as string,
        {
          query: print(CreateSessionDocument),
          variables: { input: { customer: { personId: PERSON_ID } } },
        },
        { authorization: 'Bearer dev-token' },
      );
      expect(body.errors).toBeUndefined();
      expect(started.output()).not.toContain('dev-token');
      started.child.kill('SIGTERM');
      expect(await exitCode(started)).toBe(0);
    } finally {
      started.child.kill('SIGKILL');
    }
  });

  it('on SIGTERM refuses new connections, finishes the mutations in flight and exits 0', async () => {
    const emulator = await startEmulator();
    const inFlight = 4;
    emulator.injectFault({ kind: 'delay', ms: 1_500 }, inFlight);
    const started = start({
      PORT: '0',
      SYNCTERA_BASE_URL: emulator.url,
      SHUTDOWN_GRACE_MS: '10000',
      SHUTDOWN_DELAY_MS: '0',
    });
    try {
      const [, url] = await waitForOutput(started, /Subgraph ready at (http:\/\/\S+\/graphql)/);
      const port = Number(new URL(url as string).port);
      let settled = 0;
      const mutations = Array.from({ length: inFlight }, (_, i) =>
        postGraphQL<{ createDocumentVerificationSession: { idempotencyKey: string } }>(
          url as string,
          {
            query: print(CreateSessionDocument),
            variables: { input: { customer: { personId: PERSON_ID } } },
          },
          { ...AUTH, 'idempotency-key': `drain-${i}` },
        ).finally(() => (settled += 1)),
      );
      while (emulator.requests.length < inFlight) await new Promise((r) => setTimeout(r, 10));

      started.child.kill('SIGTERM');
      await waitForOutput(started, /shutting down/);
      while (await accepts(port)) await new Promise((r) => setTimeout(r, 10));
      expect(settled).toBe(0);

      const results = await Promise.all(mutations);
      expect(results.map((r) => r.body.errors)).toEqual(results.map(() => undefined));
      expect(
        results.map((r) => r.body.data?.createDocumentVerificationSession.idempotencyKey),
      ).toEqual(Array.from({ length: inFlight }, (_, i) => `drain-${i}`));
      expect(emulator.sessionsCreated).toBe(inFlight);
      expect(await exitCode(started)).toBe(0);
      expect(started.output()).not.toContain('grace period over');
    } finally {
      started.child.kill('SIGKILL');
      await emulator.close();
    }
  });

  it('exits anyway, with a log line, when a request outlives SHUTDOWN_GRACE_MS', async () => {
    const emulator = await startEmulator();
    emulator.injectFault({ kind: 'hang' });
    const started = start({
      PORT: '0',
      SYNCTERA_BASE_URL: emulator.url,
      SHUTDOWN_GRACE_MS: '300',
      SHUTDOWN_DELAY_MS: '0',
    });
    try {
      const [, url] = await waitForOutput(started, /Subgraph ready at (http:\/\/\S+\/graphql)/);
      const pending = postGraphQL(url as string, {
        query: print(CreateSessionDocument),
        variables: { input: { customer: { personId: PERSON_ID } } },
      }).catch((error: Error) => error);
      while (emulator.requests.length < 1) await new Promise((r) => setTimeout(r, 10));
      started.child.kill('SIGTERM');
      expect(await exitCode(started)).toBe(1);
      expect(started.output()).toContain('shutdown grace period over');
      await pending;
    } finally {
      started.child.kill('SIGKILL');
      await emulator.close();
    }
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ SYNCTERA_TIMEOUT_MS: '-5' }, 'SYNCTERA_TIMEOUT_MS'],
    [{ SYNCTERA_BASE_URL: 'ftp://example.test' }, 'SYNCTERA_BASE_URL'],
    [{ NODE_ENV: 'production' }, 'SYNCTERA_BASE_URL'],
  ])('refuses to start with %j, naming %s', async (env, variable) => {
    const started = start(env);
    expect(await exitCode(started)).toBe(1);
    expect(started.output()).toContain(`Configuration error: ${variable}:`);
  });
});

describe('the module (src/index.ts)', () => {
  it('has no side effects when imported: no output, no listener, no open handle', async () => {
    const child = spawn(
      process.execPath,
      ['-e', `require(${JSON.stringify(resolve(__dirname, '../../dist/index.js'))})`],
      { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(output).toBe('');
  });
});
