/**
 * `npm run bench`: the subgraph against the limit (the emulator called directly, and a bare undici
 * proxy in front of it) and against the usual alternative (Apollo Server with RESTDataSource), in
 * one run. Targets take turns, round after round, so drift of the machine hits them alike.
 *
 * Every server and the load generator run in processes of their own. Prints Markdown tables,
 * then one JSON line with every figure. `--smoke` runs a short version (figures mean nothing);
 * `--profile <dir>` writes CPU profiles of the subgraph processes there; `--tracing` runs the
 * subgraph with tracing on, exporting to a collector stand-in that drops what it gets; `--cpu`
 * measures CPU per request instead (cpu.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCpuBench } from './cpu';
import type { LoadResult, SequentialResult } from './load-job';
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
import {
  type BenchFigures,
  formatReport,
  type LatencyFigures,
  percentile,
  type RssFigures,
  type ScenarioFigures,
  TARGET_IDS,
  type TargetFigures,
  type TargetId,
  toReport,
} from './report';
import { type Api, BENCH_BASE_PATH } from './workload';

interface Settings {
  /** Times each target takes its turn per scenario. */
  readonly rounds: number;
  /** Load per target before measuring, in seconds. */
  readonly warmupSec: number;
  /** Length of one turn, in seconds. */
  readonly turnSec: number;
  /** Sequential requests per target per round (at one connection). */
  readonly sequentialPerRound: number;
  /** Requests the subgraph has served when its RSS is compared with the one after warm-up. */
  readonly rssAfterRequests: number;
  /** How long the RSS is left to fall after a collection, as V8 hands freed pages back. */
  readonly rssSettleMs: number;
}

const FULL: Settings = {
  rounds: 8,
  warmupSec: 4,
  turnSec: 2,
  sequentialPerRound: 150,
  rssAfterRequests: 100_000,
  rssSettleMs: 1000,
};
const SMOKE: Settings = {
  rounds: 1,
  warmupSec: 0.1,
  turnSec: 0.1,
  sequentialPerRound: 10,
  rssAfterRequests: 300,
  rssSettleMs: 0,
};

interface Scenario {
  readonly id: 'cpuBound' | 'latencyBound';
  readonly title: string;
  readonly upstreamLatencyMs: number;
  readonly connections: number;
}

const SCENARIOS: readonly Scenario[] = [
  { id: 'cpuBound', title: 'instant upstream, 10 conn.', upstreamLatencyMs: 0, connections: 10 },
  { id: 'latencyBound', title: '50 ms upstream, 50 conn.', upstreamLatencyMs: 50, connections: 50 },
];

const API: Record<TargetId, Api> = {
  direct: 'rest',
  bareProxy: 'rest',
  subgraph: 'graphql',
  restDataSource: 'graphql',
};

/** The servers of one scenario; `direct` is the emulator itself. */
type Servers = Record<TargetId, ServerProcess>;

async function startServers(
  scenario: Scenario,
  { profileDir, subgraphEnv }: Options,
): Promise<Servers> {
  const started: ServerProcess[] = [];
  const start = async (spec: Parameters<typeof startServer>[0]) => {
    const server = await startServer(spec);
    started.push(server);
    return server;
  };
  try {
    const emulator = await start(emulatorSpec(scenario.upstreamLatencyMs));
    const upstreamUrl = emulator.origin + BENCH_BASE_PATH;
    const [bareProxy, subgraph, restDataSource] = await Promise.all([
      start(bareProxySpec(emulator.origin)),
      start(
        subgraphSpec('subgraph', SUBGRAPH_SCRIPT, upstreamUrl, {
          env: subgraphEnv,
          nodeArgs: profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
          collectsGarbage: true,
        }),
      ),
      start({
        name: 'RESTDataSource server',
        script: resolve(__dirname, 'rest-datasource-server.js'),
        env: (port) => ({ PORT: String(port), NODE_ENV: 'production', UPSTREAM_URL: upstreamUrl }),
      }),
    ]);
    return { direct: emulator, bareProxy, subgraph, restDataSource };
  } catch (error) {
    await Promise.all(started.map((server) => server.stop()));
    throw error;
  }
}

/** Requests each target has been sent, for the RSS check. */
type Served = Record<TargetId, number>;

async function runLoadScenario(
  scenario: Scenario,
  servers: Servers,
  load: LoadGenerator,
  settings: Settings,
  served: Served,
): Promise<ScenarioFigures> {
  const turn = async (target: TargetId, durationSec: number) => {
    const result = await load.run<LoadResult>({
      kind: 'load',
      origin: servers[target].origin,
      api: API[target],
      connections: scenario.connections,
      durationSec,
    });
    served[target] += result.requests;
    return result;
  };
  const results = Object.fromEntries(TARGET_IDS.map((id) => [id, [] as LoadResult[]])) as Record<
    TargetId,
    LoadResult[]
  >;
  for (let round = 0; round < settings.rounds; round++) {
    for (const target of TARGET_IDS) results[target].push(await turn(target, settings.turnSec));
  }
  const targets = Object.fromEntries(
    TARGET_IDS.map((id) => [id, summarizeLoad(results[id])]),
  ) as Record<TargetId, TargetFigures>;
  return {
    title: scenario.title,
    upstreamLatencyMs: scenario.upstreamLatencyMs,
    connections: scenario.connections,
    targets,
  };
}

async function warmUp(
  scenario: Scenario,
  servers: Servers,
  load: LoadGenerator,
  settings: Settings,
  served: Served,
): Promise<void> {
  for (const target of TARGET_IDS) {
    const result = await load.run<LoadResult>({
      kind: 'load',
      origin: servers[target].origin,
      api: API[target],
      connections: scenario.connections,
      durationSec: settings.warmupSec,
    });
    served[target] += result.requests;
  }
}

function summarizeLoad(results: readonly LoadResult[]): TargetFigures {
  const requests = results.reduce((sum, result) => sum + result.requests, 0);
  const seconds = results.reduce((sum, result) => sum + result.durationSec, 0);
  return {
    requests,
    rps: Number((requests / seconds).toFixed(1)),
    p50Ms: percentile(
      results.map((result) => result.p50Ms),
      50,
    ),
    p99Ms: percentile(
      results.map((result) => result.p99Ms),
      50,
    ),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
  };
}

async function runSequential(
  servers: Servers,
  load: LoadGenerator,
  settings: Settings,
  served: Served,
): Promise<Record<TargetId, LatencyFigures>> {
  const samples = Object.fromEntries(TARGET_IDS.map((id) => [id, [] as number[]])) as Record<
    TargetId,
    number[]
  >;
  const errors = Object.fromEntries(TARGET_IDS.map((id) => [id, 0])) as Record<TargetId, number>;
  for (let round = 0; round < settings.rounds; round++) {
    for (const target of TARGET_IDS) {
      const result = await load.run<SequentialResult>({
        kind: 'sequential',
        origin: servers[target].origin,
        api: API[target],
        count: settings.sequentialPerRound,
      });
      samples[target].push(...result.samplesMs);
      errors[target] += result.errors;
      served[target] += settings.sequentialPerRound;
    }
  }
  return Object.fromEntries(
    TARGET_IDS.map((id) => [
      id,
      {
        samples: samples[id].length,
        p50Ms: Number(percentile(samples[id], 50).toFixed(3)),
        p99Ms: Number(percentile(samples[id], 99).toFixed(3)),
        errors: errors[id],
      },
    ]),
  ) as Record<TargetId, LatencyFigures>;
}

/** How often the subgraph's RSS is sampled while it is loaded, for the range under load. */
const RSS_SAMPLE_MS = 100;

/** The subgraph's memory after a full garbage collection in it (see `collect-garbage.ts`). */
async function settledMemory(subgraph: ServerProcess, settings: Settings): Promise<Memory> {
  const heapUsed = await subgraph.collectGarbage();
  await sleep(settings.rssSettleMs);
  return { rssMb: subgraph.rssMb(), heapMb: heapUsed / 2 ** 20 };
}

interface Memory {
  readonly rssMb: number;
  /** What the heap still holds: what grows when something leaks, whatever V8 keeps reserved. */
  readonly heapMb: number;
}

/**
 * Loads the subgraph until it has served `settings.rssAfterRequests`, sampling its RSS as it
 * goes, then reads its memory after a full garbage collection.
 */
async function soakSubgraph(
  servers: Servers,
  load: LoadGenerator,
  settings: Settings,
  served: Served,
  afterWarmup: Memory,
): Promise<RssFigures> {
  const remaining = settings.rssAfterRequests - served.subgraph;
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(servers.subgraph.rssMb()), RSS_SAMPLE_MS);
  try {
    if (remaining > 0) {
      const result = await load.run<LoadResult>({
        kind: 'load',
        origin: servers.subgraph.origin,
        api: 'graphql',
        connections: 10,
        amount: remaining,
      });
      served.subgraph += result.requests;
      if (result.errors > 0) throw new Error(`the subgraph failed ${result.errors} soak requests`);
    }
  } finally {
    clearInterval(sampler);
  }
  samples.push(servers.subgraph.rssMb());
  const afterRequests = await settledMemory(servers.subgraph, settings);
  return {
    afterWarmupMb: Number(afterWarmup.rssMb.toFixed(1)),
    afterRequestsMb: Number(afterRequests.rssMb.toFixed(1)),
    underLoadMb: { min: Math.min(...samples), max: Math.max(...samples) },
    requests: served.subgraph,
    ratio: Number((afterRequests.rssMb / afterWarmup.rssMb).toFixed(3)),
    heapAfterWarmupMb: Number(afterWarmup.heapMb.toFixed(1)),
    heapAfterRequestsMb: Number(afterRequests.heapMb.toFixed(1)),
    heapRatio: Number((afterRequests.heapMb / afterWarmup.heapMb).toFixed(3)),
  };
}

/** What a run is asked for on the command line. */
interface Options {
  readonly smoke: boolean;
  readonly profileDir?: string;
  /** Extra environment of the subgraph (tracing on, with `--tracing`). */
  readonly subgraphEnv: Readonly<Record<string, string>>;
}

function parseArgs(argv: readonly string[], traceSink: string | undefined): Options {
  const smoke = argv.includes('--smoke');
  const at = argv.indexOf('--profile');
  const profileDir = at === -1 ? undefined : argv[at + 1];
  if (at !== -1 && profileDir === undefined) throw new Error('--profile needs a directory');
  return {
    smoke,
    profileDir: profileDir === undefined ? undefined : resolve(profileDir),
    subgraphEnv:
      traceSink === undefined
        ? {}
        : { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: traceSink },
  };
}

/**
 * With `--tracing`, a collector stand-in in this process that takes OTLP/HTTP exports and drops
 * them, so the subgraph pays for making and exporting spans and nothing else.
 */
async function startTraceSink(
  argv: readonly string[],
): Promise<{ server: Server; exports: () => number } | undefined> {
  if (!argv.includes('--tracing')) return undefined;
  let exports = 0;
  const sink = createServer((req, res) => {
    exports += 1;
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((done) => sink.listen(0, '127.0.0.1', done));
  return { server: sink, exports: () => exports };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--cpu')) return runCpuBench(argv);
  const sink = await startTraceSink(argv);
  const sinkAddress = sink?.server.address() as AddressInfo | undefined;
  const options = parseArgs(
    argv,
    sinkAddress === undefined ? undefined : `http://127.0.0.1:${sinkAddress.port}`,
  );
  const settings = options.smoke ? SMOKE : FULL;
  const load = startLoadGenerator(resolve(__dirname, 'load.js'));
  try {
    const scenarios: Partial<Record<Scenario['id'], ScenarioFigures>> = {};
    let sequential: Record<TargetId, LatencyFigures> | undefined;
    let rss: RssFigures | undefined;
    for (const scenario of SCENARIOS) {
      const servers = await startServers(scenario, options);
      try {
        const served = Object.fromEntries(TARGET_IDS.map((id) => [id, 0])) as Served;
        await warmUp(scenario, servers, load, settings, served);
        // Both scenarios start measuring from a collected heap; the CPU-bound one keeps the RSS.
        const afterWarmup = await settledMemory(servers.subgraph, settings);
        scenarios[scenario.id] = await runLoadScenario(scenario, servers, load, settings, served);
        if (scenario.id === 'cpuBound') {
          sequential = await runSequential(servers, load, settings, served);
          rss = await soakSubgraph(servers, load, settings, served, afterWarmup);
        }
      } finally {
        await Promise.all(Object.values(servers).map((server) => server.stop()));
      }
    }
    const { cpuBound, latencyBound } = scenarios;
    if (!cpuBound || !latencyBound || !sequential || !rss) throw new Error('a phase did not run');
    const figures: BenchFigures = {
      smoke: options.smoke,
      traceExports: sink?.exports() ?? null,
      machine: {
        cpus: cpus().length,
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
      },
      settings: { ...settings },
      scenarios: { cpuBound, latencyBound },
      sequential,
      rss,
    };
    const report = toReport(figures);
    console.log(formatReport(report));
    console.log(JSON.stringify(report));
  } finally {
    await load.stop();
    sink?.server.close();
  }
}

main().catch((error: unknown) => {
  console.error('Benchmark failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
