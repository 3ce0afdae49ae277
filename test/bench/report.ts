/** The benchmark's figures, the targets they are held to, and how they are printed. */

/** The benchmarked targets, in the order they take turns. */
export const TARGET_IDS = ['direct', 'bareProxy', 'subgraph', 'restDataSource'] as const;

/** One of {@link TARGET_IDS}. */
export type TargetId = (typeof TARGET_IDS)[number];

/** A target's figures in one scenario: throughput over all rounds, median latencies of rounds. */
export interface TargetFigures {
  readonly requests: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

/** Latency percentiles of sequential requests, with sub-millisecond resolution. */
export interface LatencyFigures {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

/** One load scenario's settings and figures. */
export interface ScenarioFigures {
  readonly title: string;
  readonly upstreamLatencyMs: number;
  readonly connections: number;
  readonly targets: Record<TargetId, TargetFigures>;
}

/**
 * The subgraph's resident memory after warm-up and after `requests` requests, each read after a
 * full garbage collection, and its range while the requests were served.
 */
export interface RssFigures {
  readonly afterWarmupMb: number;
  readonly afterRequestsMb: number;
  readonly underLoadMb: { readonly min: number; readonly max: number };
  readonly requests: number;
  readonly ratio: number;
  /** The heap's used bytes after the same collections, in MiB, and their ratio. */
  readonly heapAfterWarmupMb: number;
  readonly heapAfterRequestsMb: number;
  readonly heapRatio: number;
}

/** Every figure of one run. */
export interface BenchFigures {
  readonly smoke: boolean;
  /** With `--tracing`: how many OTLP exports the collector stand-in received; else null. */
  readonly traceExports: number | null;
  readonly machine: { readonly cpus: number; readonly node: string; readonly platform: string };
  readonly settings: Readonly<Record<string, number>>;
  readonly scenarios: {
    readonly cpuBound: ScenarioFigures;
    readonly latencyBound: ScenarioFigures;
  };
  readonly sequential: Record<TargetId, LatencyFigures>;
  readonly rss: RssFigures;
}

/** A performance target and whether this run met it. */
export interface TargetCheck {
  readonly name: string;
  readonly value: number;
  readonly limit: string;
  readonly pass: boolean;
}

/** Figures, derived ratios and target checks: the JSON line the benchmark prints last. */
export interface BenchReport extends BenchFigures {
  readonly ratios: Readonly<Record<string, number>>;
  readonly addedLatencyMs: { readonly p50: number; readonly p99: number };
  readonly checks: readonly TargetCheck[];
  readonly pass: boolean;
}

/** Percentile `p` (0–100) of `values` by the nearest-rank method; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ] as number;
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

/** Adds the ratios and the performance target checks to a run's figures. */
export function toReport(figures: BenchFigures): BenchReport {
  const cpu = figures.scenarios.cpuBound.targets;
  const slow = figures.scenarios.latencyBound.targets;
  const seq = figures.sequential;
  const ratios = {
    cpuSubgraphToDirect: round(cpu.subgraph.rps / cpu.direct.rps),
    cpuSubgraphToBareProxy: round(cpu.subgraph.rps / cpu.bareProxy.rps),
    cpuSubgraphToRestDataSource: round(cpu.subgraph.rps / cpu.restDataSource.rps),
    latencySubgraphToDirect: round(slow.subgraph.rps / slow.direct.rps),
    heapAfterRequestsToAfterWarmup: figures.rss.heapRatio,
  };
  const addedLatencyMs = {
    p50: round(seq.subgraph.p50Ms - seq.direct.p50Ms),
    p99: round(seq.subgraph.p99Ms - seq.direct.p99Ms),
  };
  const atLeast = (name: string, value: number, limit: number): TargetCheck => ({
    name,
    value,
    limit: `>= ${limit}`,
    pass: value >= limit,
  });
  const atMost = (name: string, value: number, limit: number): TargetCheck => ({
    name,
    value,
    limit: `<= ${limit}`,
    pass: value <= limit,
  });
  const checks = [
    atLeast('CPU-bound: subgraph / direct', ratios.cpuSubgraphToDirect, 0.2),
    atLeast('CPU-bound: subgraph / bare proxy', ratios.cpuSubgraphToBareProxy, 0.5),
    atLeast('CPU-bound: subgraph / RESTDataSource', ratios.cpuSubgraphToRestDataSource, 1.3),
    atMost('added latency p50 (ms)', addedLatencyMs.p50, 0.5),
    atMost('added latency p99 (ms)', addedLatencyMs.p99, 2),
    atLeast('latency-bound: subgraph / direct', ratios.latencySubgraphToDirect, 0.95),
    atMost('latency-bound: subgraph errors', slow.subgraph.errors, 0),
    atMost('heap used after requests / after warm-up', ratios.heapAfterRequestsToAfterWarmup, 1.2),
  ];
  return { ...figures, ratios, addedLatencyMs, checks, pass: checks.every((check) => check.pass) };
}

const TARGET_NAMES: Record<TargetId, string> = {
  direct: 'emulator, direct',
  bareProxy: 'bare undici proxy',
  subgraph: 'this subgraph',
  restDataSource: 'Apollo + RESTDataSource',
};

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, i) =>
    Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((width, i) => (i === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** The human-readable report: Markdown tables, ready to paste into the README. */
export function formatReport(report: BenchReport): string {
  const loadRows = (['cpuBound', 'latencyBound'] as const).flatMap((id) => {
    const scenario = report.scenarios[id];
    return TARGET_IDS.map((target) => {
      const figures = scenario.targets[target];
      return [
        scenario.title,
        TARGET_NAMES[target],
        figures.rps.toFixed(0),
        String(figures.p50Ms),
        String(figures.p99Ms),
        String(figures.errors),
      ];
    });
  });
  const sequentialRows = TARGET_IDS.map((target) => {
    const figures = report.sequential[target];
    return [
      TARGET_NAMES[target],
      String(figures.samples),
      figures.p50Ms.toFixed(3),
      figures.p99Ms.toFixed(3),
      String(figures.errors),
    ];
  });
  const checkRows = report.checks.map((check) => [
    check.name,
    String(check.value),
    check.limit,
    check.pass ? 'pass' : 'FAIL',
  ]);
  const { rss, machine } = report;
  return [
    `Machine: ${machine.cpus} CPUs, Node ${machine.node}, ${machine.platform}${report.smoke ? ' (SMOKE RUN: figures mean nothing)' : ''}`,
    '',
    table(['scenario', 'target', 'req/s', 'p50 ms', 'p99 ms', 'errors'], loadRows),
    '',
    table(['one connection, sequential', 'requests', 'p50 ms', 'p99 ms', 'errors'], sequentialRows),
    '',
    `Added latency of the subgraph (subgraph - direct): p50 ${report.addedLatencyMs.p50} ms, p99 ${report.addedLatencyMs.p99} ms`,
    `Subgraph RSS after a full GC: ${rss.afterWarmupMb.toFixed(1)} MiB after warm-up, ${rss.afterRequestsMb.toFixed(1)} MiB after ${rss.requests} requests (x${rss.ratio}); ${rss.underLoadMb.min.toFixed(1)}–${rss.underLoadMb.max.toFixed(1)} MiB while they were served`,
    `Subgraph heap used after a full GC: ${rss.heapAfterWarmupMb.toFixed(1)} MiB after warm-up, ${rss.heapAfterRequestsMb.toFixed(1)} MiB after ${rss.requests} requests (x${rss.heapRatio})`,
    '',
    table(['target', 'value', 'limit', 'result'], checkRows),
  ].join('\n');
}
