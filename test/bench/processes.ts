/**
 * The benchmark's processes: servers started from a script on a free loopback port, and the load
 * generator. Each one is stopped by its own handle.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { accepts, freePort, rssMiB } from '../helpers/process';
import { COLLECTED } from './collect-garbage';
import type { Job, JobResult } from './load-job';

/** A server started by the benchmark. */
export interface ServerProcess {
  readonly name: string;
  /** Such as `http://127.0.0.1:40123`. */
  readonly origin: string;
  readonly port: number;
  /** Resident set size now, in MiB (NaN where `/proc` is missing). */
  rssMb(): number;
  /** CPU time the process has used so far (user + system), in seconds (NaN without `/proc`). */
  cpuSeconds(): number;
  /**
   * A full garbage collection in the server, for a server started with the collect-garbage
   * preload (see {@link ServerSpec.collectsGarbage}); resolves with the heap bytes still used.
   */
  collectGarbage(): Promise<number>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/** How to start one server. */
export interface ServerSpec {
  readonly name: string;
  readonly script: string;
  /** The environment, besides PATH; `port` is the free port picked for it. */
  readonly env: (port: number) => Record<string, string>;
  readonly nodeArgs?: readonly string[];
  /** Preload `collect-garbage.js`, so that {@link ServerProcess.collectGarbage} works. */
  readonly collectsGarbage?: boolean;
}

/** The checkout the benchmark runs from (the tools are built to `.tools/test/bench`). */
const ROOT = resolve(__dirname, '../../..');

/** This checkout's subgraph build. */
export const SUBGRAPH_SCRIPT = resolve(ROOT, 'dist/main.js');

/** The emulator, answering each session after `latencyMs`. */
export function emulatorSpec(latencyMs = 0): ServerSpec {
  return {
    name: 'emulator',
    script: resolve(ROOT, 'dist/emulator/main.js'),
    env: (port) => ({ EMULATOR_PORT: String(port), EMULATOR_LATENCY_MS: String(latencyMs) }),
  };
}

/** The bare undici proxy in front of `upstreamOrigin`. */
export function bareProxySpec(upstreamOrigin: string): ServerSpec {
  return {
    name: 'bare proxy',
    script: resolve(__dirname, 'bare-proxy.js'),
    env: (port) => ({ PORT: String(port), UPSTREAM_ORIGIN: upstreamOrigin }),
  };
}

/**
 * A subgraph build (`script`) as deployed, in front of `upstreamUrl`: production mode, the default
 * log level, logs written to /dev/null; stopped between runs, so no drain for routers that are
 * not there. `env` adds variables.
 */
export function subgraphSpec(
  name: string,
  script: string,
  upstreamUrl: string,
  options: Pick<ServerSpec, 'nodeArgs' | 'collectsGarbage'> & {
    readonly env?: Readonly<Record<string, string>>;
  } = {},
): ServerSpec {
  return {
    name,
    script,
    env: (port) => ({
      PORT: String(port),
      NODE_ENV: 'production',
      SYNCTERA_BASE_URL: upstreamUrl,
      SHUTDOWN_DELAY_MS: '0',
      ...options.env,
    }),
    nodeArgs: options.nodeArgs,
    collectsGarbage: options.collectsGarbage,
  };
}

const READY_TIMEOUT_MS = 30_000;
const GC_TIMEOUT_MS = 10_000;

/**
 * Starts `spec.script` with a clean environment (PATH and `spec.env` only), stdout discarded,
 * and resolves once its port accepts connections.
 */
export async function startServer(spec: ServerSpec): Promise<ServerProcess> {
  const port = await freePort();
  const gcArgs = spec.collectsGarbage
    ? ['--expose-gc', '--require', resolve(__dirname, 'collect-garbage.js')]
    : [];
  const child = spawn(process.execPath, [...gcArgs, ...(spec.nodeArgs ?? []), spec.script], {
    env: { PATH: process.env.PATH ?? '', ...spec.env(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${spec.name} did not start:\n${stderr}`);
    }
    await sleep(50);
  }
  return {
    name: spec.name,
    port,
    origin: `http://127.0.0.1:${port}`,
    rssMb: () => rssMiB(child.pid) ?? Number.NaN,
    cpuSeconds: () => cpuSeconds(child.pid),
    collectGarbage: () => collectGarbage(child, spec),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Clock ticks per second of `/proc/<pid>/stat` (USER_HZ): 100 on every Linux Node supports. */
const USER_HZ = 100;

/** utime + stime of `pid` from `/proc/<pid>/stat`, in seconds. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return Number.NaN;
  }
}

/** Signals `child` to collect its garbage; resolves with the bytes its heap still uses. */
function collectGarbage(child: ChildProcess, spec: ServerSpec): Promise<number> {
  if (!spec.collectsGarbage) {
    return Promise.reject(
      new Error(`${spec.name} was not started with the collect-garbage preload`),
    );
  }
  return new Promise<number>((done, fail) => {
    let seen = '';
    const timer = setTimeout(
      () => finish(new Error(`${spec.name} did not collect garbage`)),
      GC_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-200);
      const line = new RegExp(`${COLLECTED} (\\d+)\n`).exec(seen);
      if (line !== null) finish(undefined, Number(line[1]));
    };
    function finish(error?: Error, heapUsed = Number.NaN) {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      if (error === undefined) done(heapUsed);
      else fail(error);
    }
    child.stderr?.on('data', onData);
    child.kill('SIGUSR2');
  });
}

/** The load generator: a child process that runs one {@link Job} at a time. */
export interface LoadGenerator {
  run<T extends JobResult>(job: Job): Promise<T>;
  stop(): Promise<void>;
}

type Answer = { ok: true; result: JobResult } | { ok: false; error: string };

/** Forks the load generator script. */
export function startLoadGenerator(script: string): LoadGenerator {
  const child = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    run<T extends JobResult>(job: Job): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const onExit = () => reject(new Error('the load generator exited'));
        child.once('exit', onExit);
        child.once('message', (answer: Answer) => {
          child.off('exit', onExit);
          if (answer.ok) resolve(answer.result as T);
          else reject(new Error(`load generator: ${answer.error}`));
        });
        child.send(job);
      });
    },
    async stop() {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}
