/**
 * Soak run (`npm run soak -- --requests N --concurrency N`): the built subgraph (`dist/main.js`)
 * in its own process, in front of an emulator in this process that injects a mix of faults.
 * Prints requests, errors by code, sessions created versus distinct keys, and the subgraph's RSS.
 * Exits 1 on a duplicate session, a session shared by two keys, or a non-contract error.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { print } from 'graphql';
import { type Emulator, type EmulatorFault, startEmulator } from '../../src/emulator';
import { ERROR_CODES } from '../../src/verification/errors';
import { PERSON_ID } from '../fixtures/customer-ids';
import { freePort, rssMiB } from '../helpers/process';
import { CreateSessionDocument } from '../generated/graphql';

const MAIN = resolve(__dirname, '../../../dist/main.js');
const QUERY = print(CreateSessionDocument);
const CONTRACT_CODES = new Set<string>(ERROR_CODES);

/** The fault mix: a fault (or none) per request, with these odds. */
const FAULTS: ReadonlyArray<readonly [number, EmulatorFault]> = [
  [0.05, { kind: 'delay', ms: 20 }],
  [0.02, { kind: 'reset-before' }],
  [0.02, { kind: 'reset-after' }],
  [0.03, { kind: 'respond', status: 503, body: { status: 503, title: 'Unavailable' } }],
  [0.01, { kind: 'respond', status: 502, body: '<html>bad gateway</html>' }],
  [0.02, { kind: 'respond', status: 429, body: {}, headers: { 'retry-after': '0' } }],
  [0.005, { kind: 'respond', status: 201, body: '{"session_id": ' }],
  [0.005, { kind: 'respond', status: 201, body: { session_id: 1, state: 'DONE' } }],
  [0.005, { kind: 'respond', status: 500, body: { detail: 'boom' } }],
];
/** Share of requests that resend an earlier key and body, as a client retry would. */
const REPEAT_SHARE = 0.05;

interface Options {
  readonly requests: number;
  readonly concurrency: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '50000' },
      concurrency: { type: 'string', default: '50' },
    },
  });
  const count = (name: string, raw: string) => {
    if (!/^[1-9]\d*$/.test(raw))
      throw new Error(`--${name} must be a positive integer, got "${raw}"`);
    return Number(raw);
  };
  return {
    requests: count('requests', values.requests),
    concurrency: count('concurrency', values.concurrency),
  };
}

function pickFault(): EmulatorFault | undefined {
  let roll = Math.random();
  for (const [odds, fault] of FAULTS) {
    if (roll < odds) return fault;
    roll -= odds;
  }
  return undefined;
}

async function waitUntilHealthy(origin: string, subgraph: ChildProcess): Promise<void> {
  for (let tries = 0; tries < 300; tries++) {
    if (subgraph.exitCode !== null) throw new Error(`subgraph exited with ${subgraph.exitCode}`);
    try {
      if ((await fetch(`${origin}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('subgraph did not become healthy');
}

interface Tally {
  readonly codes: Map<string, number>;
  /** Session id returned per key; a second, different one is a duplicate. */
  readonly sessionByKey: Map<string, string>;
  /** Key per session id; a second key is a session shared between callers. */
  readonly keyBySession: Map<string, string>;
  readonly done: Array<{ key: string; token: string }>;
  duplicates: number;
  shared: number;
  nonContract: number;
  sent: number;
}

function count(tally: Tally, code: string): void {
  tally.codes.set(code, (tally.codes.get(code) ?? 0) + 1);
  if (code !== 'OK' && !CONTRACT_CODES.has(code)) tally.nonContract += 1;
}

async function sendOne(
  url: string,
  emulator: Emulator,
  tally: Tally,
  index: number,
): Promise<void> {
  const earlier = tally.done[Math.floor(Math.random() * tally.done.length)];
  const repeat = earlier !== undefined && Math.random() < REPEAT_SHARE;
  const { key, token } = repeat
    ? earlier
    : { key: `soak-${index}`, token: `soak-token-${index % 97}` };
  const fault = pickFault();
  if (fault !== undefined) emulator.injectFault(fault);
  let code: string;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'idempotency-key': key,
      },
      body: JSON.stringify({
        query: QUERY,
        variables: { input: { customer: { personId: PERSON_ID } } },
      }),
    });
    const body = (await response.json()) as {
      data?: {
        createDocumentVerificationSession: {
          idempotencyKey: string;
          session: { sessionId: string };
        };
      };
      errors?: Array<{ extensions?: { code?: string } }>;
    };
    const payload = body.data?.createDocumentVerificationSession;
    if (payload !== undefined && payload.idempotencyKey === key) {
      code = 'OK';
      const sessionId = payload.session.sessionId;
      const known = tally.sessionByKey.get(key);
      if (known !== undefined && known !== sessionId) tally.duplicates += 1;
      tally.sessionByKey.set(key, sessionId);
      const owner = tally.keyBySession.get(sessionId);
      if (owner !== undefined && owner !== key) tally.shared += 1;
      tally.keyBySession.set(sessionId, key);
    } else {
      code = String(body.errors?.[0]?.extensions?.code ?? `HTTP_${response.status}_WITHOUT_CODE`);
    }
  } catch (error) {
    code = `TRANSPORT_${(error as Error).name}`;
  }
  count(tally, code);
  if (!repeat) tally.done.push({ key, token });
}

async function main(): Promise<number> {
  const options = readOptions();
  const emulator = await startEmulator({ maxRecordedRequests: 0 });
  const port = await freePort();
  const subgraph = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      SYNCTERA_BASE_URL: emulator.url,
      SYNCTERA_TIMEOUT_MS: '2000',
      LOG_LEVEL: 'error',
      SHUTDOWN_DELAY_MS: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const origin = `http://127.0.0.1:${port}`;
    await waitUntilHealthy(origin, subgraph);
    const rssBefore = rssMiB(subgraph.pid);
    const tally: Tally = {
      codes: new Map(),
      sessionByKey: new Map(),
      keyBySession: new Map(),
      done: [],
      duplicates: 0,
      shared: 0,
      nonContract: 0,
      sent: 0,
    };
    const started = performance.now();
    // RSS every tenth of the run: a leak shows as steady growth, warm-up as an early plateau.
    const step = Math.max(1, Math.floor(options.requests / 10));
    const rssSamples: Array<number | undefined> = [];
    const worker = async () => {
      while (tally.sent < options.requests) {
        tally.sent += 1;
        if (tally.sent % step === 0) rssSamples.push(rssMiB(subgraph.pid));
        await sendOne(`${origin}/graphql`, emulator, tally, tally.sent);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    const rssAfter = rssMiB(subgraph.pid);

    const distinctKeys = new Set(tally.done.map((d) => d.key)).size;
    const report = {
      requests: options.requests,
      concurrency: options.concurrency,
      seconds: Math.round(seconds * 10) / 10,
      requestsPerSecond: Math.round(options.requests / seconds),
      outcomes: Object.fromEntries([...tally.codes].sort(([a], [b]) => a.localeCompare(b))),
      distinctKeys,
      keysWithSession: tally.sessionByKey.size,
      sessionsCreatedUpstream: emulator.sessionsCreated,
      duplicates: tally.duplicates,
      sessionsSharedByKeys: tally.shared,
      nonContractErrors: tally.nonContract,
      subgraphRssMiB: {
        before: rssBefore ?? 'n/a',
        everyTenth: rssSamples.map((rss) => rss ?? 'n/a'),
        after: rssAfter ?? 'n/a',
      },
    };
    console.log(JSON.stringify(report, null, 2));
    const failed =
      tally.duplicates > 0 ||
      tally.shared > 0 ||
      tally.nonContract > 0 ||
      emulator.sessionsCreated > distinctKeys;
    console.log(failed ? 'SOAK FAILED' : 'SOAK PASSED');
    return failed ? 1 : 0;
  } finally {
    if (subgraph.exitCode === null) {
      subgraph.kill('SIGTERM');
      await new Promise((r) => subgraph.once('exit', r));
    }
    await emulator.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('Soak failed to run:', error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
