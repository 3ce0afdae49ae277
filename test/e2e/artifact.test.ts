import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { print } from 'graphql';
import { type Emulator, startEmulator } from '../../src/emulator';
import { CreateSessionDocument } from '../generated/graphql';
import { argsOf, commandOf, envOf, readDockerfile } from '../helpers/dockerfile';
import { readManifests, single } from '../helpers/kubernetes';
import { exitCode, startScript, waitForOutput } from '../helpers/process';
import { postGraphQL, PERSON_ID } from '../helpers/stack';

const ROOT = resolve(__dirname, '../..');
const API_KEY = 'artifact-test-key-5b8e0c4a91';

/**
 * The container image's steps, read from the Dockerfile and run in a temporary directory: the
 * build stage's artifact script on this checkout (`npm test` has just built it), then the runtime
 * stage's ENV and CMD in the artifact. The only network is the npm registry (through npm's cache).
 */
describe('the production artifact (the container image, without a container engine)', () => {
  const [build, runtime] = readDockerfile().stages;
  let app: string;
  let emulator: Emulator;

  beforeAll(() => {
    // `RUN bash <script> <checkout> <artifact>`, then `COPY --from=build <artifact> ./`.
    const step = argsOf(build, 'RUN').find((run) => run.includes('build-artifact.sh'));
    const [, script, checkout, artifact] = /^bash (\S+) (\S+) (\S+)$/.exec(step ?? '') ?? [];
    expect(argsOf(build, 'WORKDIR')).toEqual([checkout]);
    expect(argsOf(runtime, 'COPY')).toEqual([`--from=build ${artifact} ./`]);
    app = mkdtempSync(join(tmpdir(), 'artifact-'));
    const run = spawnSync('bash', [join(ROOT, script as string), ROOT, app], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${script} failed:\n${run.stdout}${run.stderr}`);
  }, 180_000);
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator?.close();
    rmSync(app, { recursive: true, force: true });
  });

  it('holds the build, what it reads and production dependencies only', () => {
    expect(readdirSync(app).sort()).toEqual([
      'dist',
      'node_modules',
      'package-lock.json',
      'package.json',
      'schema',
      'scripts',
    ]);
    for (const development of ['typescript', 'jest', 'ts-jest', '@graphql-inspector/core']) {
      expect([development, existsSync(join(app, 'node_modules', development))]).toEqual([
        development,
        false,
      ]);
    }
  });

  it('serves a session in production mode, answers the probes of the manifests and stops cleanly', async () => {
    const [node, main] = commandOf(runtime);
    expect(node).toBe('node');
    const started = startScript(
      main as string,
      {
        ...envOf(runtime),
        PORT: '0',
        SYNCTERA_BASE_URL: emulator.url,
        SYNCTERA_API_KEY: API_KEY,
        // The drain before shutdown has tests of its own.
        SHUTDOWN_DELAY_MS: '0',
      },
      { cwd: app },
    );
    try {
      const [, url] = await waitForOutput(started, /Subgraph ready at (http:\/\/\S+\/graphql)/);
      expect(started.output()).not.toContain('EMBEDDED EMULATOR');

      const { body } = await postGraphQL<{
        createDocumentVerificationSession: { session: { sessionId: string } };
      }>(
        url as string,
        {
          query: print(CreateSessionDocument),
          variables: { input: { customer: { personId: PERSON_ID } } },
        },
        { authorization: 'Bearer caller-token-ignored' },
      );
      expect(body.errors).toBeUndefined();
      expect(emulator.sessionsCreated).toBe(1);
      expect(emulator.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);

      const deployment = single<{
        spec: {
          template: {
            spec: {
              containers: Array<{
                livenessProbe: { httpGet: { path: string } };
                readinessProbe: { httpGet: { path: string } };
              }>;
            };
          };
        };
      }>(readManifests(), 'Deployment');
      const [container] = deployment.spec.template.spec.containers;
      for (const probe of [container?.livenessProbe, container?.readinessProbe]) {
        const path = probe?.httpGet.path as string;
        expect((await fetch(new URL(path, url as string))).status).toBe(200);
      }

      started.child.kill('SIGTERM');
      expect(await exitCode(started)).toBe(0);
      expect(started.output()).not.toContain(API_KEY);
    } finally {
      started.child.kill('SIGKILL');
    }
  });

  it('lets `npm start` run there without building, and refuses clearly where there is no build', () => {
    // `npm run prestart` is what `npm start` runs first.
    const prestart = (cwd: string) =>
      spawnSync('npm', ['run', 'prestart', '--silent'], { cwd, encoding: 'utf8' });
    expect(prestart(app).status).toBe(0);

    const unbuilt = mkdtempSync(join(tmpdir(), 'unbuilt-'));
    try {
      cpSync(join(app, 'package.json'), join(unbuilt, 'package.json'));
      cpSync(join(app, 'scripts'), join(unbuilt, 'scripts'), { recursive: true });
      const refused = prestart(unbuilt);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('npm ci && npm run build');
    } finally {
      rmSync(unbuilt, { recursive: true, force: true });
    }
  });
});
