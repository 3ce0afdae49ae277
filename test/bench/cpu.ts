/**
 * `npm run bench -- --cpu`: CPU per request, the figure that compares builds on a shared machine
 * (throughput swings with whatever else runs; the CPU a process spends per request hardly does).
 *
 * The emulator, a bare undici proxy doing the same REST call, and the subgraph (plus, with
 * `--baseline <dist/main.js of another build>`, repeatable, those builds too) each get the same warm-up, then
 * take turns: per round, each serves a fixed number of requests at 10 connections while its
 * utime + stime are read from `/proc/<pid>/stat` before and after. Prints µs per request (median
 * of the rounds) and the ratio to the proxy, as a Markdown table and one JSON line.
 */
import { resolve } from 'node:path';
import type { LoadResult } from './load-job';
import {
  bareProxySpec,
  emulatorSpec,
  type LoadGenerator,
  type ServerProcess,
  startLoadGenerator,
  startServer,
  SUBGRAPH_SCRIPT,
  subgraphSpec,
} from './processes';
import { percentile } from './report';
import { type Api, BENCH_BASE_PATH } from './workload';

interface CpuSettings {
  readonly rounds: number;
  readonly warmupRequests: number;
  readonly requestsPerRound: number;
}

const FULL: CpuSettings = { rounds: 5, warmupRequests: 20_000, requestsPerRound: 20_000 };
const SMOKE: CpuSettings = { rounds: 1, warmupRequests: 200, requestsPerRound: 200 };

interface Target {
  readonly name: string;
  readonly api: Api;
  readonly server: ServerProcess;
}

/** One CPU figure per target: µs per request, median over the rounds, and each round's. */
export interface CpuFigures {
  readonly name: string;
  readonly usPerRequest: number;
  readonly rounds: readonly number[];
  readonly ratioToProxy: number;
  readonly errors: number;
}

async function startTargets(baselines: readonly string[]): Promise<{
  emulator: ServerProcess;
  targets: Target[];
}> {
  const emulator = await startServer(emulatorSpec());
  const upstreamUrl = emulator.origin + BENCH_BASE_PATH;
  const subgraph = (name: string, script: string) =>
    startServer(subgraphSpec(name, script, upstreamUrl));
  const targets: Target[] = [
    { name: 'bare proxy', api: 'rest', server: await startServer(bareProxySpec(emulator.origin)) },
    { name: 'subgraph', api: 'graphql', server: await subgraph('subgraph', SUBGRAPH_SCRIPT) },
  ];
  for (const [index, script] of baselines.entries()) {
    const name = baselines.length === 1 ? 'baseline' : `baseline ${index + 1}`;
    targets.push({ name, api: 'graphql', server: await subgraph(name, script) });
  }
  return { emulator, targets };
}

async function serve(load: LoadGenerator, target: Target, amount: number): Promise<LoadResult> {
  return load.run<LoadResult>({
    kind: 'load',
    origin: target.server.origin,
    api: target.api,
    connections: 10,
    amount,
  });
}

export async function runCpuBench(argv: readonly string[]): Promise<void> {
  const settings = argv.includes('--smoke') ? SMOKE : FULL;
  const baselines = argv.flatMap((arg, i) =>
    arg === '--baseline' ? [resolve(argv[i + 1] ?? '')] : [],
  );
  const load = startLoadGenerator(resolve(__dirname, 'load.js'));
  const { emulator, targets } = await startTargets(baselines);
  try {
    const samples = new Map<string, number[]>(targets.map((t) => [t.name, []]));
    const errors = new Map<string, number>(targets.map((t) => [t.name, 0]));
    for (const target of targets) await serve(load, target, settings.warmupRequests);
    for (let round = 0; round < settings.rounds; round++) {
      for (const target of targets) {
        const before = target.server.cpuSeconds();
        const result = await serve(load, target, settings.requestsPerRound);
        const used = target.server.cpuSeconds() - before;
        samples.get(target.name)?.push(Number(((used * 1e6) / result.requests).toFixed(1)));
        errors.set(target.name, (errors.get(target.name) ?? 0) + result.errors);
      }
    }
    const median = (name: string) => percentile(samples.get(name) ?? [], 50);
    const proxy = median('bare proxy');
    const figures: CpuFigures[] = targets.map((t) => ({
      name: t.name,
      usPerRequest: median(t.name),
      rounds: samples.get(t.name) ?? [],
      ratioToProxy: Number((median(t.name) / proxy).toFixed(2)),
      errors: errors.get(t.name) ?? 0,
    }));
    console.log(
      [
        `CPU per request on Node ${process.version}, ${settings.rounds} round(s) of ${settings.requestsPerRound} requests at 10 connections, median`,
        '',
        '| target | µs per request | × bare proxy | rounds | errors |',
        '| --- | --- | --- | --- | --- |',
        ...figures.map(
          (f) =>
            `| ${f.name} | ${f.usPerRequest} | ${f.ratioToProxy} | ${f.rounds.join(', ')} | ${f.errors} |`,
        ),
      ].join('\n'),
    );
    console.log(JSON.stringify({ node: process.version, cpu: figures, settings }));
  } finally {
    await load.stop();
    await Promise.all([emulator, ...targets.map((t) => t.server)].map((s) => s.stop()));
  }
}
