import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../../src/config';
import { argsOf, commandOf, envOf, readDockerfile } from '../helpers/dockerfile';
import { readManifests, single } from '../helpers/kubernetes';

const ROOT = resolve(__dirname, '../..');
const read = (file: string) => readFileSync(resolve(ROOT, file), 'utf8');

/** The Node version of the image, the one CI runs the suite on besides the machine's. */
const NODE_VERSION = read('.nvmrc').trim();

/**
 * No container engine runs where the tests run, so the image is never built here: these tests
 * keep the Dockerfile in line with what is tested (the artifact test runs its script and CMD).
 */
describe('the Dockerfile', () => {
  const { stages } = readDockerfile();
  const [build, runtime] = stages;

  it('builds and runs on the Node version of .nvmrc, which CI tests and engines allows', () => {
    expect(NODE_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(stages.map((s) => s.from)).toEqual([
      `node:${NODE_VERSION}-bookworm-slim AS build`,
      `node:${NODE_VERSION}-bookworm-slim`,
    ]);
    expect(read('.ci/run')).toContain('.nvmrc');
    const major = NODE_VERSION.split('.')[0];
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines;
    expect(engines.node.split(' || ')).toContain(`^${major}.0.0`);
  });

  it('builds the artifact with deploy/build-artifact.sh after a full install and build', () => {
    expect(argsOf(build, 'WORKDIR')).toEqual(['/src']);
    expect(argsOf(build, 'RUN')).toEqual([
      'npm ci --no-audit --no-fund',
      'npm run build',
      'bash deploy/build-artifact.sh /src /app',
    ]);
  });

  it('ships only the artifact, as the node user, in production mode on the configured port', () => {
    expect(argsOf(runtime, 'COPY')).toEqual(['--from=build /app ./']);
    expect(argsOf(runtime, 'WORKDIR')).toEqual(['/app']);
    expect(argsOf(runtime, 'USER')).toEqual(['node']);
    expect(envOf(runtime)).toEqual({ NODE_ENV: 'production' });
    expect(commandOf(runtime)).toEqual(['node', 'dist/main.js']);

    const { port } = loadConfig({ ...envOf(runtime), SYNCTERA_BASE_URL: 'https://example.test' });
    expect(argsOf(runtime, 'EXPOSE')).toEqual([String(port)]);
    const deployment = single<{
      spec: {
        template: { spec: { containers: Array<{ ports: Array<{ containerPort: number }> }> } };
      };
    }>(readManifests(), 'Deployment');
    expect(deployment.spec.template.spec.containers[0]?.ports[0]?.containerPort).toBe(port);
  });

  it('gets no local install or build through .dockerignore', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules/', 'dist/', '.tools/', '.git']));
  });
});
