import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CreateSessionDocument } from '../generated/graphql';
import {
  accepts,
  exitCode,
  startScript,
  waitForOutput,
  withoutNodeWarnings,
} from '../helpers/process';
import { AUTH, postGraphQL, PERSON_ID } from '../helpers/stack';
import { until } from '../helpers/until';
import { print } from 'graphql';
import { startEmulator } from '../../src/emulator';

/** `npm start` runs this file after `npm run build` (the test script builds first). */
const MAIN = resolve(__dirname, '../../dist/main.js');

const start = (env: Record<string, string>) => startScript(MAIN, env);

/** Preloaded, it prints how many files of the tracing SDK and of the emulator were loaded. */
const REPORT_LOADED_FILES = `--require "${resolve(__dirname, '../fixtures/report-loaded-files.js')}"`;

describe('the process (npm start)', () => {
  it('starts with the embedded emulator, serves a mutation and exits 0 on SIGTERM', async () => {
    // The drain before shutdown has tests of its own (probes.test.ts).
    const started = start({
      PORT: '0',
      SHUTDOWN_DELAY_MS: '0',
      NODE_OPTIONS: REPORT_LOADED_FILES,
    });
    try {
      const [, url] = await waitForOutput(started, /Subgraph ready at (http:\/\/\S+\/graphql)/);
      expect(started.output()).toContain('EMBEDDED EMULATOR');
      expect(started.output()).toContain('NOT real document verifications');
      // The default grace outlasts the upstream budget: no warning.
      expect(started.output()).not.toContain('SHUTDOWN_GRACE_MS');
      const { body } = await postGraphQL(
        url as string,
        {
          query: print(CreateSessionDocument),
          variables: { input: { customer: { personId: PERSON_ID } } },
        },
        { authorization: 'Bearer dev-token' },
      );
      expect(body.errors).toBeUndefined();
      started.child.kill('SIGTERM');
      expect(await exitCode(started)).toBe(0);
      // Once it has exited, every line it logged has been written.
      expect(started.output()).toContain('upstream attempt');
      expect(started.output()).not.toContain('dev-token');
      // Tracing is off: the SDK is never loaded. The emulator, loaded the same way, is counted.
      const [, loaded = '{}'] = started.output().match(/loaded files: (\{.*\})/) ?? [];
      const files = JSON.parse(loaded) as { tracingSdk: number; emulator: number };
      expect(files.tracingSdk).toBe(0);
      expect(files.emulator).toBeGreaterThan(0);
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
      await until(() => emulator.requests.length >= inFlight);

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
      await until(() => emulator.requests.length >= 1);
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

  it.each(['staging', 'prod', ' Production '])(
    'never starts the emulator when NODE_ENV is %j: exits 1 naming SYNCTERA_BASE_URL and NODE_ENV',
    async (nodeEnv) => {
      const started = start({ PORT: '0', NODE_ENV: nodeEnv });
      expect(await exitCode(started)).toBe(1);
      expect(started.output()).toContain('Configuration error: SYNCTERA_BASE_URL: is required');
      expect(started.output()).toContain(`NODE_ENV is "${nodeEnv.trim().toLowerCase()}"`);
      expect(started.output()).not.toContain('EMBEDDED EMULATOR');
    },
  );

  it('warns at start-up when SHUTDOWN_GRACE_MS does not exceed the upstream budget', async () => {
    const started = start({ PORT: '0', SHUTDOWN_GRACE_MS: '20000', SYNCTERA_TIMEOUT_MS: '5000' });
    try {
      const line = await waitForOutput(started, /\{[^\n]*"level":40[^\n]*\}/);
      // 3 attempts of 5 s and 2 waits of at most 5 s: 25 s.
      expect(JSON.parse(line[0])).toMatchObject({
        shutdownGraceMs: 20_000,
        upstreamBudgetMs: 25_000,
        msg: expect.stringMatching(/SHUTDOWN_GRACE_MS \(20000 ms\).*upstream budget \(25000 ms\)/),
      });
    } finally {
      started.child.kill('SIGKILL');
    }
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
    expect(withoutNodeWarnings(output)).toBe('');
  });

  it('exports, through the package name, exactly what docs/embedding.md documents', () => {
    const exported = execFileSync(
      process.execPath,
      [
        '-e',
        `console.log(JSON.stringify(Object.keys(require('synctera-document-verification-subgraph'))))`,
      ],
      { cwd: resolve(__dirname, '../..'), encoding: 'utf8' },
    );
    const names = (JSON.parse(exported) as string[]).sort();
    const errorClasses = names.filter((name) => name.endsWith('Error') && name !== 'ConfigError');
    expect(names).toEqual(
      [
        'ConfigError',
        'DEFAULT_SESSION_PATH',
        'ERROR_CODES',
        'FEDERATION_SPEC_URL',
        'GRAPHQL_PATH',
        'LANGUAGES',
        'SUBGRAPH_REQUEST_HEADERS',
        'createApolloServer',
        'createContextFunction',
        'createLogger',
        'createServer',
        'createSubgraphSchema',
        'createUpstream',
        'errorFromUpstreamStatus',
        'loadConfig',
        'printSubgraphSdl',
        'readTracingConfig',
        'startTracing',
        ...errorClasses,
      ].sort(),
    );
    // One class per contract code, and their base.
    expect(errorClasses).toHaveLength(9);
    const page = readFileSync(resolve(__dirname, '../../docs/embedding.md'), 'utf8');
    const documented = names.filter(
      (name) => !errorClasses.includes(name) || name === 'ContractError',
    );
    for (const name of documented) expect(page).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it('offers the emulator as the subpath export /emulator only, never loaded by the main entry', () => {
    const loaded = (entry: string) =>
      execFileSync(
        process.execPath,
        [
          '-e',
          `const m = require(${JSON.stringify(entry)});` +
            `console.log(JSON.stringify({ startEmulator: typeof m.startEmulator, startTracing: typeof m.startTracing,` +
            ` emulatorFiles: Object.keys(require.cache).filter((f) => f.includes('/dist/emulator/')).length }))`,
        ],
        { cwd: resolve(__dirname, '../..'), encoding: 'utf8' },
      );
    const name = 'synctera-document-verification-subgraph';
    expect(JSON.parse(loaded(name))).toEqual({
      startEmulator: 'undefined',
      startTracing: 'function',
      emulatorFiles: 0,
    });
    expect(JSON.parse(loaded(`${name}/emulator`))).toMatchObject({ startEmulator: 'function' });
  });
});
