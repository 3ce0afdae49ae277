import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Agent, request } from 'undici';
import { startEmulator } from '../../src/emulator';
import { ERROR_CODES } from '../../src/verification/errors';
import { PERSON_ID } from '../fixtures/customer-ids';
import { readManifests, single } from '../helpers/kubernetes';
import { rssMiB, startScript, waitForOutput } from '../helpers/process';

/** `npm test` builds `dist/` first; this is the file the image runs. */
const MAIN = resolve(__dirname, '../../dist/main.js');

/** The V8 heap flags the Deployment starts the process with (its `NODE_OPTIONS`). */
const NODE_OPTIONS = deploymentNodeOptions();

function deploymentNodeOptions(): string {
  const deployment = single<{
    spec: {
      template: { spec: { containers: Array<{ env?: Array<{ name: string; value?: string }> }> } };
    };
  }>(readManifests(), 'Deployment');
  const container = deployment.spec.template.spec.containers[0];
  const value = container?.env?.find((e) => e.name === 'NODE_OPTIONS')?.value;
  if (typeof value !== 'string') throw new Error('the Deployment sets no NODE_OPTIONS');
  return value;
}

/**
 * Resident memory the process must stay under while flooded: the Deployment's limit less a
 * margin for what the kernel and Node count beyond the heap.
 */
const RSS_BUDGET_MIB = 200;

/** Requests in flight at once, each on its own keep-alive connection. */
const CONCURRENCY = 8;

/** The default query text limit: a query this long or longer is refused before parsing. */
const QUERY_LIMIT_BYTES = 16 * 1024;

/** A request that is unique in the flood, so that nothing a cache keyed by text holds repeats. */
const unique = (i: number) => `${process.pid}-${i}-${Math.random().toString(36).slice(2)}`;

/** A flood: `count` distinct requests, `concurrency` in flight (default {@link CONCURRENCY}). */
interface Flood {
  readonly name: string;
  readonly count: number;
  readonly body: (i: number) => unknown;
  readonly concurrency?: number;
  readonly headers?: (i: number) => Record<string, string>;
  /** How long the upstream takes to answer each of the flood's requests. */
  readonly upstreamDelayMs?: number;
}

/**
 * The longest Authorization the subgraph takes (8 KiB), with a random token: every run of its
 * characters is distinct, as in a real token, so nothing made from it is smaller than it can be.
 */
function longAuthorization(): string {
  const length = 8 * 1024 - 'Bearer '.length;
  return `Bearer ${randomBytes(length).toString('base64').slice(0, length)}`;
}

/** The floods: each request is distinct, every one must be answered. */
const FLOODS: readonly Flood[] = [
  {
    // An anonymous query carrying a large comment, far over any query text limit.
    name: 'queries with a 900 KB comment',
    count: 150,
    body: (i) => ({ query: `# ${unique(i)} ${'x'.repeat(900 * 1024)}\n{ __typename }` }),
  },
  {
    // Under the query text limit, but every empty comment line is a token graphql-js keeps with
    // the parsed document, uncounted by the token limit and by a cache sized by the document's
    // JSON: each such document holds far more memory than its text.
    name: 'queries of empty comment lines, under the text limit',
    count: 400,
    body: (i) => {
      const head = `# ${unique(i)}\n{ __typename }\n`;
      return { query: head + '#\n'.repeat((QUERY_LIMIT_BYTES - 64 - head.length) / 2) };
    },
  },
  {
    // Valid mutations, sent without Authorization: each is parsed and validated, then refused.
    name: 'valid 19 KB mutations without Authorization',
    count: 300,
    body: (i) => mutation(i, 19 * 1024),
  },
  {
    name: 'valid mutations without Authorization, under the text limit',
    count: 400,
    body: (i) => mutation(i, QUERY_LIMIT_BYTES - 64),
  },
  {
    // Everything made from a caller's token lives at most as long as its call: a slow upstream
    // must not let many calls each hold what an 8 KiB token's redaction needs.
    name: 'mutations with an 8 KiB token while the upstream takes 500 ms',
    count: 48,
    concurrency: 16,
    upstreamDelayMs: 500,
    headers: () => ({ authorization: longAuthorization() }),
    body: () => ({
      query: `mutation { createDocumentVerificationSession(input: { customer: { personId: "${PERSON_ID}" } }) { idempotencyKey } }`,
    }),
  },
];

/**
 * A valid mutation named after `i`, `bytes` long: many `__typename` selections (as many as
 * graphql-js's validation accepts), then empty comment lines.
 */
function mutation(i: number, bytes: number) {
  const head =
    `mutation M${unique(i).replace(/\W/g, '_')} { createDocumentVerificationSession(` +
    `input: { customer: { personId: "${PERSON_ID}" } }) { idempotencyKey ` +
    `${'__typename '.repeat(700)}\n`;
  return { query: `${head}${'#\n'.repeat((bytes - head.length - 4) / 2)}} }` };
}

/** Whether `body` is a data answer or a refusal of the contract (a known code, a request id). */
function answered(status: number, body: unknown): boolean {
  const { data, errors } = body as {
    data?: unknown;
    errors?: { extensions?: { code?: unknown; requestId?: unknown } }[];
  };
  if (errors === undefined) return status === 200 && data !== null && data !== undefined;
  return errors.every(
    ({ extensions }) =>
      (ERROR_CODES as readonly unknown[]).includes(extensions?.code) &&
      typeof extensions?.requestId === 'string',
  );
}

describe('memory under a flood of distinct requests (the built process)', () => {
  it(`stays under ${RSS_BUDGET_MIB} MiB resident and answers every request`, async () => {
    const emulator = await startEmulator();
    const started = startScript(MAIN, {
      PORT: '0',
      NODE_ENV: 'production',
      SYNCTERA_BASE_URL: emulator.url,
      LOG_LEVEL: 'info',
      SHUTDOWN_DELAY_MS: '0',
      NODE_OPTIONS,
    });
    const connections = Math.max(...FLOODS.map((flood) => flood.concurrency ?? CONCURRENCY));
    const agent = new Agent({ connections, keepAliveTimeout: 30_000 });
    const pid = started.child.pid;
    let peakMiB = 0;
    const sampler = setInterval(() => (peakMiB = Math.max(peakMiB, rssMiB(pid) ?? 0)), 50);
    try {
      const [, url = ''] = await waitForOutput(
        started,
        /Subgraph ready at (http:\/\/\S+\/graphql)/,
      );
      const report: Record<string, { answered: number; peakMiB: number; failures: string[] }> = {};
      for (const flood of FLOODS) {
        let next = 0;
        const result = { answered: 0, failures: [] as string[] };
        if (flood.upstreamDelayMs !== undefined) {
          emulator.injectFault({ kind: 'delay', ms: flood.upstreamDelayMs }, flood.count);
        }
        const worker = async () => {
          while (next < flood.count && started.child.exitCode === null) {
            const i = next++;
            try {
              const response = await request(url, {
                method: 'POST',
                dispatcher: agent,
                headers: { 'content-type': 'application/json', ...flood.headers?.(i) },
                body: JSON.stringify(flood.body(i)),
              });
              const body: unknown = await response.body.json();
              if (answered(response.statusCode, body)) result.answered += 1;
              else
                result.failures.push(
                  `${response.statusCode} ${JSON.stringify(body).slice(0, 300)}`,
                );
            } catch (error) {
              result.failures.push(String(error));
            }
          }
        };
        await Promise.all(Array.from({ length: flood.concurrency ?? CONCURRENCY }, worker));
        peakMiB = Math.max(peakMiB, rssMiB(pid) ?? 0);
        report[flood.name] = { ...result, peakMiB, failures: result.failures.slice(0, 2) };
      }
      // A process that ran out of heap may still be writing its core: ask it to answer.
      const health = await request(new URL('/health', url), { dispatcher: agent }).then(
        async (response) => {
          await response.body.dump();
          return response.statusCode;
        },
        () => 0,
      );
      expect({ alive: started.child.exitCode === null && health === 200, report }).toEqual({
        alive: true,
        report: Object.fromEntries(
          FLOODS.map(({ name, count }) => [
            name,
            { answered: count, peakMiB: expect.any(Number), failures: [] },
          ]),
        ),
      });
      expect(peakMiB).toBeLessThan(RSS_BUDGET_MIB);
      // Only the authorized mutations reached the upstream: the others lacked Authorization, and
      // each query was local.
      const authorized = FLOODS.filter((flood) => flood.headers !== undefined);
      expect(emulator.requests).toHaveLength(authorized.reduce((n, f) => n + f.count, 0));
    } finally {
      clearInterval(sampler);
      started.child.kill('SIGKILL');
      await agent.close();
      await emulator.close();
    }
  }, 90_000);
});
