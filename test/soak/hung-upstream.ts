/**
 * Hung-upstream run (`npm run hung-upstream -- --callers N --cap N`): an upstream that accepts
 * connections and never answers, the built subgraph (`dist/main.js`) in its own process in front
 * of it, and N concurrent callers — once with SYNCTERA_MAX_CONNECTIONS=cap, once without a useful
 * cap. Prints, for each: the subgraph's peak open file descriptors, upstream connections (peak
 * open, total opened), /health latency during the hang, the time until every caller had an
 * answer, and the answers by code.
 */
import { readdirSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { print } from 'graphql';
import { PERSON_ID } from '../fixtures/customer-ids';
import { exitCode, freePort, startScript } from '../helpers/process';
import { CreateSessionDocument } from '../generated/graphql';

const MAIN = resolve(__dirname, '../../../dist/main.js');
const BODY = JSON.stringify({
  query: print(CreateSessionDocument),
  variables: { input: { customer: { personId: PERSON_ID } } },
});
/** The config's highest cap: with a few hundred callers, the same as none (undici's default). */
const NO_CAP = 10_000;

interface Options {
  readonly callers: number;
  readonly cap: number;
  readonly timeoutMs: number;
  readonly retries: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      callers: { type: 'string', default: '300' },
      cap: { type: 'string', default: '16' },
      'timeout-ms': { type: 'string', default: '2000' },
      retries: { type: 'string', default: '1' },
    },
  });
  const count = (name: string, raw: string) => {
    if (!/^\d+$/.test(raw)) throw new Error(`--${name} must be a whole number, got "${raw}"`);
    return Number(raw);
  };
  return {
    callers: count('callers', values.callers),
    cap: count('cap', values.cap),
    timeoutMs: count('timeout-ms', values['timeout-ms']),
    retries: count('retries', values.retries),
  };
}

/** An upstream that accepts and reads, and never answers. */
async function startHungUpstream() {
  const sockets = new Set<Socket>();
  const stats = { opened: 0, peakOpen: 0 };
  const server = createServer((socket) => {
    stats.opened += 1;
    sockets.add(socket);
    stats.peakOpen = Math.max(stats.peakOpen, sockets.size);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.resume();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v0`,
    stats,
    reset() {
      stats.opened = 0;
      stats.peakOpen = sockets.size;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return Number.NaN;
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function runScenario(
  name: string,
  cap: number,
  options: Options,
  upstream: Awaited<ReturnType<typeof startHungUpstream>>,
) {
  const port = await freePort();
  const subgraph = startScript(MAIN, {
    PORT: String(port),
    SYNCTERA_BASE_URL: upstream.url,
    SYNCTERA_MAX_CONNECTIONS: String(cap),
    SYNCTERA_TIMEOUT_MS: String(options.timeoutMs),
    SYNCTERA_MAX_RETRIES: String(options.retries),
    LOG_LEVEL: 'warn',
    SHUTDOWN_DELAY_MS: '0',
  });
  try {
    const origin = `http://127.0.0.1:${port}`;
    for (;;) {
      try {
        if ((await fetch(`${origin}/health`)).ok) break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
      if (subgraph.child.exitCode !== null) throw new Error(subgraph.output());
    }
    const pid = subgraph.child.pid ?? 0;
    upstream.reset();
    const baselineFds = openFds(pid);
    let peakFds = baselineFds;
    const sampler = setInterval(() => (peakFds = Math.max(peakFds, openFds(pid))), 20);
    const healthMs: number[] = [];
    let hanging = true;
    const probing = (async () => {
      while (hanging) {
        const started = performance.now();
        await fetch(`${origin}/health`).then((r) => r.text());
        healthMs.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const codes = new Map<string, number>();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.callers }, async () => {
        let code: string;
        try {
          const response = await fetch(`${origin}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: 'Bearer hung-run' },
            body: BODY,
          });
          const body = (await response.json()) as {
            errors?: Array<{ extensions?: { code?: string } }>;
          };
          code = body.errors?.[0]?.extensions?.code ?? `HTTP ${response.status}`;
        } catch (error) {
          code = `no answer (${(error as Error).message})`;
        }
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }),
    );
    const allAnsweredMs = Math.round(performance.now() - started);
    hanging = false;
    await probing;
    clearInterval(sampler);
    healthMs.sort((a, b) => a - b);
    return {
      scenario: name,
      maxConnections: cap === NO_CAP ? 'none' : cap,
      callers: options.callers,
      subgraphFds: { before: baselineFds, peak: peakFds },
      upstreamConnections: { peakOpen: upstream.stats.peakOpen, opened: upstream.stats.opened },
      healthLatencyMs: {
        samples: healthMs.length,
        p50: Math.round(percentile(healthMs, 50)),
        p99: Math.round(percentile(healthMs, 99)),
        max: Math.round(healthMs.at(-1) ?? Number.NaN),
      },
      allAnsweredMs,
      codes: Object.fromEntries(codes),
    };
  } finally {
    subgraph.child.kill('SIGTERM');
    await exitCode(subgraph);
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  const upstream = await startHungUpstream();
  try {
    const capped = await runScenario('capped', options.cap, options, upstream);
    const uncapped = await runScenario('uncapped', NO_CAP, options, upstream);
    console.log(
      JSON.stringify(
        { timeoutMs: options.timeoutMs, retries: options.retries, runs: [capped, uncapped] },
        null,
        2,
      ),
    );
  } finally {
    upstream.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
