import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { CreateSessionDocument } from '../generated/graphql';
import { exitCode, startScript, waitForOutput } from '../helpers/process';
import { postGraphQL, PERSON_ID } from '../helpers/stack';
import { print } from 'graphql';

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
