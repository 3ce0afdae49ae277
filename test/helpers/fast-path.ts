import crypto from 'node:crypto';
import { request } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { loadConfig } from '../../src/config';
import {
  type Emulator,
  type EmulatorFault,
  type RecordedRequest,
  startEmulator,
} from '../../src/emulator';
import * as fastPathModule from '../../src/graphql/fast-path';
import { createLogger, type Logger } from '../../src/logger';
import { createServer } from '../../src/http/server';

/** A POST as the tests send it: the body text and every header, nothing added but framing. */
export interface RawRequest {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** An answer as it came off the wire. */
export interface RawAnswer {
  readonly status: number;
  /** `name: value` lines in the order and letter case sent, `Date` left out. */
  readonly headers: readonly string[];
  readonly body: string;
}

/** A subgraph's answer, and the requests the emulator received meanwhile. */
export interface Answer extends RawAnswer {
  readonly upstream: readonly RecordedRequest[];
}

/** One request sent to both subgraphs. */
export interface Exchange {
  readonly fast: Answer;
  readonly apollo: Answer;
  /** Whether the fast path served the request; undefined when it was never asked (not JSON). */
  readonly servedByFastPath: boolean | undefined;
}

/** Two subgraphs over one emulator: the same configuration, the fast path on in one only. */
export interface Twins {
  readonly emulator: Emulator;
  /**
   * Sends `request` to each subgraph in turn, each time from the same start: a reset emulator
   * (given `fault` for every upstream call, if any) and the same sequence of generated UUIDs.
   */
  exchange(request: RawRequest, fault?: EmulatorFault): Promise<Exchange>;
}

/** More upstream calls than one request can make: a fault applies to all of them. */
const EVERY_CALL = 1000;

/**
 * Starts twin subgraphs for the enclosing `describe` block and closes them after. Random ids
 * (request ids, idempotency keys, the emulator's session ids) are the one thing two runs of the
 * same request may not share, so `node:crypto`'s `randomUUID` counts from zero again before each
 * request: whatever path served it, each subgraph then generates the same ids in the same order.
 */
export function useTwins(
  env: Record<string, string> = {},
  options: { readonly schema?: GraphQLSchema; readonly logger?: Logger } = {},
): () => Twins {
  let twins: (Twins & { close(): Promise<void> }) | undefined;
  let uuids = 0;
  const countedUuids = () =>
    jest
      .spyOn(crypto, 'randomUUID')
      .mockImplementation(
        () => `00000000-0000-4000-8000-${(uuids++).toString(16).padStart(12, '0')}` as const,
      );
  let uuidSpy: ReturnType<typeof countedUuids> | undefined;
  beforeAll(async () => {
    uuidSpy = countedUuids();
    const emulator = await startEmulator();
    const decisions: boolean[] = [];
    const start = async (settings: Record<string, string>) => {
      const subgraph = await createServer({
        config: loadConfig({
          SYNCTERA_BASE_URL: emulator.url,
          SYNCTERA_MAX_RETRIES: '0',
          ...env,
          ...settings,
        }),
        logger: options.logger ?? createLogger('silent'),
        schema: options.schema,
      });
      return { subgraph, url: await subgraph.listen(0, '127.0.0.1') };
    };
    const fast = await recordingDecisions(decisions, () => start({}));
    const apollo = await start({ GRAPHQL_FAST_PATH: 'off' });
    const answerOf = async (url: string, req: RawRequest, fault?: EmulatorFault) => {
      emulator.reset();
      if (fault !== undefined) emulator.injectFault(fault, EVERY_CALL);
      uuids = 0;
      const answer = await rawPost(url, req);
      return { ...answer, upstream: [...emulator.requests] };
    };
    twins = {
      emulator,
      async exchange(req, fault) {
        decisions.length = 0;
        const fastAnswer = await answerOf(fast.url, req, fault);
        const apolloAnswer = await answerOf(apollo.url, req, fault);
        if (decisions.length > 1) throw new Error('useTwins: one request, several decisions');
        return { fast: fastAnswer, apollo: apolloAnswer, servedByFastPath: decisions[0] };
      },
      async close() {
        await Promise.all([fast.subgraph.close(), apollo.subgraph.close()]);
        await emulator.close();
      },
    };
  });
  afterAll(async () => {
    await twins?.close();
    uuidSpy?.mockRestore();
  });
  return () => {
    if (twins === undefined) throw new Error('useTwins: the subgraphs start in beforeAll');
    return twins;
  };
}

/** Runs `start` with each fast path it creates recording, in `decisions`, what it served. */
async function recordingDecisions<T>(decisions: boolean[], start: () => Promise<T>): Promise<T> {
  const create = fastPathModule.createFastPath;
  const spy = jest.spyOn(fastPathModule, 'createFastPath').mockImplementation((options) => {
    const fastPath = create(options);
    return async (...args) => {
      const served = await fastPath(...args);
      decisions.push(served);
      return served;
    };
  });
  try {
    return await start();
  } finally {
    spy.mockRestore();
  }
}

/** POSTs with `node:http`, which adds no header of its own but `Host` and the framing. */
export function rawPost(url: string, { body, headers }: RawRequest): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const sent = res.rawHeaders;
        const headers: string[] = [];
        for (let i = 0; i < sent.length; i += 2) {
          if (sent[i]?.toLowerCase() !== 'date') headers.push(`${sent[i]}: ${sent[i + 1]}`);
        }
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString() });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Requires the same answer from both subgraphs: status, headers but `Date`, body bytes and the
 * upstream calls. Outside production an error's `extensions.stacktrace` lists the frames of the
 * code that ran, and the callers of a resolver or of `formatError` are Apollo's pipeline on one
 * side and the fast path on the other: there only each stack's first line (the error and its
 * message) is compared, and `Content-Length`, which counts the frames, is checked on each side.
 */
export function expectSameAnswers({ fast, apollo }: Exchange): void {
  expect(comparable(fast)).toEqual(comparable(apollo));
}

function comparable(answer: Answer): Answer {
  if (!answer.body.includes('"stacktrace":[')) return answer;
  expect(answer.headers).toContain(`content-length: ${Buffer.byteLength(answer.body)}`);
  return {
    ...answer,
    headers: answer.headers.filter((line) => !line.startsWith('content-length:')),
    body: `${JSON.stringify(JSON.parse(answer.body, firstStackLine))}\n`,
  };
}

function firstStackLine(key: string, value: unknown): unknown {
  return key === 'stacktrace' && Array.isArray(value) ? value.slice(0, 1) : value;
}
