import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { type BenchReport, TARGET_IDS } from '../bench/report';

/** Built by `npm run build:tools`, which the test script runs first. */
const BENCH = resolve(__dirname, '../../.tools/test/bench/bench.js');

describe('npm run bench -- --smoke', () => {
  let stdout: string;
  let report: BenchReport;

  beforeAll(async () => {
    ({ stdout } = await promisify(execFile)(process.execPath, [BENCH, '--smoke'], {
      timeout: 120_000,
    }));
    const lines = stdout.trim().split('\n');
    report = JSON.parse(lines[lines.length - 1] ?? '') as BenchReport;
  }, 150_000);

  it('loads every target in both scenarios without a single error', () => {
    expect(report.smoke).toBe(true);
    for (const scenario of [report.scenarios.cpuBound, report.scenarios.latencyBound]) {
      for (const target of TARGET_IDS) {
        const figures = scenario.targets[target];
        expect(figures.requests).toBeGreaterThan(0);
        expect(figures.rps).toBeGreaterThan(0);
        expect(figures.errors).toBe(0);
      }
    }
    expect(report.scenarios.cpuBound.connections).toBe(10);
    expect(report.scenarios.latencyBound).toMatchObject({ connections: 50, upstreamLatencyMs: 50 });
  });

  it('times sequential requests to every target and reads the subgraph’s memory', () => {
    for (const target of TARGET_IDS) {
      expect(report.sequential[target].samples).toBeGreaterThan(0);
      expect(report.sequential[target].errors).toBe(0);
      expect(report.sequential[target].p99Ms).toBeGreaterThanOrEqual(
        report.sequential[target].p50Ms,
      );
    }
    expect(report.rss.afterWarmupMb).toBeGreaterThan(0);
    expect(report.rss.afterRequestsMb).toBeGreaterThan(0);
    expect(report.rss.underLoadMb.min).toBeGreaterThan(0);
    expect(report.rss.underLoadMb.max).toBeGreaterThanOrEqual(report.rss.underLoadMb.min);
    expect(report.rss.requests).toBeGreaterThanOrEqual(report.settings.rssAfterRequests ?? 0);
    // The heap's used bytes, read after the same collections: a figure in MiB, not a NaN.
    expect(report.rss.heapAfterWarmupMb).toBeGreaterThan(1);
    expect(report.rss.heapAfterRequestsMb).toBeGreaterThan(1);
  });

  it('reports every performance target, pass or fail, and prints the table first', () => {
    expect(report.checks.map((check) => check.name)).toHaveLength(8);
    for (const check of report.checks) {
      expect(Number.isFinite(check.value)).toBe(true);
      // Each verdict follows from its figure and its limit.
      const [, sign, limit] = /^(>=|<=) (\S+)$/.exec(check.limit) ?? [];
      expect(sign).toBeDefined();
      const met = sign === '>=' ? check.value >= Number(limit) : check.value <= Number(limit);
      expect(check.pass).toBe(met);
    }
    expect(Object.keys(report.ratios)).toEqual(
      expect.arrayContaining(['cpuSubgraphToDirect', 'cpuSubgraphToRestDataSource']),
    );
    expect(stdout).toContain('| scenario');
    expect(stdout).toContain('Apollo + RESTDataSource');
  });
});
