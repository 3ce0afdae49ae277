import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { until } from './until';

/** A spawned Node script with its stdout and stderr collected together. */
export interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
}

/** Runs `script` with Node, with only PATH and `env` in its environment. */
export function startScript(
  script: string,
  env: Record<string, string>,
  { cwd }: { cwd?: string } = {},
): Started {
  const child = spawn(process.execPath, [script], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/**
 * `output` without the warnings Node itself prints on stderr (a deprecation in a dependency, an
 * experimental feature of a newer Node): a test about this project's own output must not fail
 * on them.
 */
export function withoutNodeWarnings(output: string): string {
  return output
    .split('\n')
    .filter((line) => !/^\(node:\d+\) (\[\w+\] )?(Deprecation|Experimental)Warning: /.test(line))
    .filter((line) => !line.startsWith('(Use `node --trace-'))
    .join('\n');
}

/** Waits until the output matches `pattern`; fails if the process exits or time runs out first. */
export async function waitForOutput(
  started: Started,
  pattern: RegExp,
  timeoutMs = 15_000,
): Promise<RegExpMatchArray> {
  const failure = () => `did not see ${pattern} in:\n${started.output()}`;
  await until(() => started.output().match(pattern) !== null || started.child.exitCode !== null, {
    timeoutMs,
    intervalMs: 50,
    failure,
  });
  const match = started.output().match(pattern);
  if (match === null) throw new Error(failure());
  return match;
}

/** The process's exit code, once it has exited. */
export async function exitCode(started: Started): Promise<number | null> {
  if (started.child.exitCode !== null) return started.child.exitCode;
  const [code] = (await once(started.child, 'exit')) as [number | null];
  return code;
}

/** Whether a TCP connection to the port on loopback is accepted. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** A process's resident set size in MiB (Linux `/proc`), or undefined where there is none. */
export function rssMiB(pid: number | undefined): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 102.4) / 10 : undefined;
  } catch {
    return undefined;
  }
}
