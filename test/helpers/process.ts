import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';

/** A spawned Node script with its stdout and stderr collected together. */
export interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
}

/** Runs `script` with Node, with only PATH and `env` in its environment. */
export function startScript(script: string, env: Record<string, string>): Started {
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** Waits until the output matches `pattern`; fails if the process exits or time runs out first. */
export async function waitForOutput(
  started: Started,
  pattern: RegExp,
  timeoutMs = 15_000,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = started.output().match(pattern);
    if (match) return match;
    if (Date.now() > deadline || started.child.exitCode !== null) {
      throw new Error(`did not see ${pattern} in:\n${started.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
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
