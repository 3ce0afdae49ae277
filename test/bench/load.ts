/**
 * The load generator, run by the benchmark as a child process of its own so that it does not
 * share an event loop with the orchestrator. It takes {@link Job}s over IPC and answers each one.
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Client } from 'undici';
import type {
  Job,
  JobResult,
  LoadJob,
  LoadResult,
  SequentialJob,
  SequentialResult,
} from './load-job';
import { benchRequest, idempotencyKeys, isCreatedSession } from './workload';

const nextKey = idempotencyKeys(`bench-${process.pid}-${Date.now()}`);

async function runLoad(job: LoadJob): Promise<LoadResult> {
  const { path, headers, body } = benchRequest(job.api);
  let wrongAnswers = 0;
  const result = await autocannon({
    url: job.origin,
    connections: job.connections,
    ...(job.amount === undefined ? { duration: job.durationSec } : { amount: job.amount }),
    requests: [
      {
        method: 'POST',
        path,
        headers,
        body,
        setupRequest: (request) => ({
          ...request,
          headers: { ...headers, 'idempotency-key': nextKey() },
        }),
        onResponse: (status, text) => {
          if (!isCreatedSession(job.api, status, text)) wrongAnswers++;
        },
      },
    ],
  });
  return {
    kind: 'load',
    requests: result.requests.total,
    durationSec: result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + wrongAnswers,
  };
}

async function runSequential(job: SequentialJob): Promise<SequentialResult> {
  const { path, headers, body } = benchRequest(job.api);
  const client = new Client(job.origin);
  const samplesMs: number[] = [];
  let errors = 0;
  try {
    for (let i = 0; i < job.count; i++) {
      const started = performance.now();
      try {
        const response = await client.request({
          method: 'POST',
          path,
          headers: { ...headers, 'idempotency-key': nextKey() },
          body,
        });
        const text = await response.body.text();
        const elapsed = performance.now() - started;
        if (isCreatedSession(job.api, response.statusCode, text)) samplesMs.push(elapsed);
        else errors++;
      } catch {
        errors++;
      }
    }
  } finally {
    await client.close();
  }
  return { kind: 'sequential', samplesMs, errors };
}

function run(job: Job): Promise<JobResult> {
  return job.kind === 'load' ? runLoad(job) : runSequential(job);
}

process.on('message', (job: Job) => {
  run(job).then(
    (result) => process.send?.({ ok: true, result }),
    (error: unknown) =>
      process.send?.({ ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
