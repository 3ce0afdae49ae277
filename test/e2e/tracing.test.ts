import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { print } from 'graphql';
import { CreateSessionDocument } from '../generated/graphql';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { exitCode, freePort, startScript, waitForOutput } from '../helpers/process';
import { AUTH, PERSON_ID, postGraphQL, type Stack, startStack, TEST_TOKEN } from '../helpers/stack';
import { until } from '../helpers/until';
import { startEmulator } from '../../src/emulator';

/** One span as an OTLP/HTTP JSON export carries it, attributes flattened. */
interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Record<string, unknown>;
  readonly status: { code?: number; message?: string };
  readonly events: Array<{ name: string; attributes: Record<string, unknown> }>;
}

interface OtlpKeyValue {
  key: string;
  value: Record<string, unknown>;
}

const flatten = (attributes: OtlpKeyValue[] = []) =>
  Object.fromEntries(attributes.map(({ key, value }) => [key, Object.values(value)[0]]));

/** An OTLP/HTTP receiver on loopback: what the exporter posts to /v1/traces, decoded. */
async function startReceiver() {
  const bodies: string[] = [];
  const paths: string[] = [];
  const authorizations: Array<string | undefined> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      authorizations.push(req.headers.authorization);
      bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    paths,
    bodies,
    authorizations,
    resources: () =>
      bodies.flatMap((body) =>
        (
          JSON.parse(body) as { resourceSpans: Array<{ resource: { attributes: OtlpKeyValue[] } }> }
        ).resourceSpans.map((r) => flatten(r.resource.attributes)),
      ),
    spans: (): ReceivedSpan[] =>
      bodies.flatMap((body) =>
        (
          JSON.parse(body) as {
            resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }>;
          }
        ).resourceSpans.flatMap((r) =>
          r.scopeSpans.flatMap((s) =>
            s.spans.map((span) => ({
              traceId: span.traceId as string,
              spanId: span.spanId as string,
              parentSpanId: (span.parentSpanId as string | undefined) || undefined,
              name: span.name as string,
              kind: span.kind as number,
              attributes: flatten(span.attributes as OtlpKeyValue[]),
              status: (span.status ?? {}) as ReceivedSpan['status'],
              events: (
                (span.events ?? []) as Array<{ name: string; attributes: OtlpKeyValue[] }>
              ).map((e) => ({ name: e.name, attributes: flatten(e.attributes) })),
            })),
          ),
        ),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const SERVER = 2;
const CLIENT = 3;
const CALLER_SPAN = '00f067aa0ba902b7';
const CALLER_HEADERS = {
  ...AUTH,
  traceparent: `00-4bf92f3577b34da6a3ce929d0e0e4736-${CALLER_SPAN}-01`,
  tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
};
const MUTATION = print(CreateSessionDocument);
const variables = { input: { customer: { personId: PERSON_ID } } };

/** dist/main.js (built by `npm run build`), with tracing on towards `receiverUrl`. */
const MAIN = resolve(__dirname, '../../dist/main.js');

/** A process of the subgraph exporting to the receiver, with its emulator and JSON log lines. */
async function startTracedProcess(receiverUrl: string, env: Record<string, string> = {}) {
  const emulator = await startEmulator();
  const started = startScript(MAIN, {
    PORT: '0',
    SYNCTERA_BASE_URL: emulator.url,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl.replace(/\/v1\/traces$/, ''),
    OTEL_SERVICE_NAME: 'dv-test',
    OTEL_BSP_SCHEDULE_DELAY: '50',
    SHUTDOWN_DELAY_MS: '0',
    ...env,
  });
  const [, url] = await waitForOutput(started, /Subgraph ready at (http:\/\/\S+\/graphql)/);
  const entries = (msg: string) =>
    started
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.msg === msg);
  return {
    url: url as string,
    emulator,
    output: started.output,
    /** The log lines `msg` that `keep` keeps, once there are `count` (lines are written in batches). */
    async entries(msg: string, count: number, keep: (entry: Record<string, unknown>) => boolean) {
      await until(() => entries(msg).filter(keep).length >= count, {
        failure: () => `${entries(msg).filter(keep).length} of ${count} "${msg}" lines logged`,
      });
      return entries(msg).filter(keep);
    },
    async close() {
      started.child.kill('SIGTERM');
      await exitCode(started);
      await emulator.close();
    },
  };
}

describe('tracing on (the process, OTLP over HTTP to a receiver of our own)', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let traced: Awaited<ReturnType<typeof startTracedProcess>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    traced = await startTracedProcess(receiver.url);
  });
  afterAll(async () => {
    await traced?.close();
    await receiver.close();
  });
  beforeEach(() => traced.emulator.reset());

  /** The spans of `traceId` once `count` of them have arrived. */
  async function spansOf(traceId: string, count: number): Promise<ReceivedSpan[]> {
    const spans = () => receiver.spans().filter((s) => s.traceId === traceId);
    await until(() => spans().length >= count, {
      timeoutMs: 10_000,
      failure: () => `${spans().length} of ${count} spans arrived`,
    });
    return spans();
  }

  it.each([
    ['with its operationName', { query: MUTATION, variables, operationName: 'CreateSession' }],
    ['without operationName in the body', { query: MUTATION, variables }],
  ])(
    'continues the caller’s trace, a request %s, into every upstream attempt',
    async (_case, request) => {
      const { url, emulator, entries } = traced;
      const traceId = randomBytes(16).toString('hex');
      const headers = { ...CALLER_HEADERS, traceparent: `00-${traceId}-${CALLER_SPAN}-01` };
      emulator.injectFault({ kind: 'respond', status: 503, body: { title: 'busy' } });
      const { body } = await postGraphQL(url, request, headers);
      expect(body.errors).toBeUndefined();

      const spans = await spansOf(traceId, 3);
      expect(receiver.paths[0]).toBe('POST /v1/traces application/json');
      expect(receiver.resources()[0]?.['service.name']).toBe('dv-test');
      const server = spans.find((s) => s.kind === SERVER);
      expect(server).toMatchObject({
        name: 'mutation CreateSession',
        parentSpanId: CALLER_SPAN,
        attributes: {
          'graphql.operation.name': 'CreateSession',
          'graphql.operation.type': 'mutation',
          'http.request.method': 'POST',
          'http.response.status_code': 200,
        },
      });
      const attempts = spans
        .filter((s) => s.kind === CLIENT)
        .sort(
          (a, b) =>
            Number(a.attributes['upstream.attempt']) - Number(b.attributes['upstream.attempt']),
        );
      expect(attempts.map((s) => s.attributes)).toEqual([
        {
          'http.request.method': 'POST',
          'http.request.resend_count': 0,
          'upstream.attempt': 1,
          'http.response.status_code': 503,
          'upstream.retry_reason': 'status-503',
        },
        {
          'http.request.method': 'POST',
          'http.request.resend_count': 1,
          'upstream.attempt': 2,
          'http.response.status_code': 201,
        },
      ]);
      for (const attempt of attempts) expect(attempt.parentSpanId).toBe(server?.spanId);

      // What the upstream received: the same trace, each attempt's span as parent.
      expect(emulator.requests.map((r) => r.headers.traceparent)).toEqual(
        attempts.map((s) => `00-${traceId}-${s.spanId}-01`),
      );
      expect(emulator.requests.map((r) => r.headers.tracestate)).toEqual(
        attempts.map(() => CALLER_HEADERS.tracestate),
      );

      // Log lines of the request carry its trace.
      const lines = await entries('upstream attempt', 2, (line) => line.trace_id === traceId);
      expect(lines).toHaveLength(2);
      for (const line of lines) expect(line.span_id).toBe(server?.spanId);
      expect(receiver.bodies.join('\n')).not.toContain(TEST_TOKEN);
    },
  );

  it('starts a new trace without a caller traceparent, and marks errors by code only', async () => {
    traced.emulator.injectFault({
      kind: 'respond',
      status: 404,
      body: { detail: 'no such person' },
    });
    const { body } = await postGraphQL(traced.url, { query: MUTATION, variables });
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const sent = traced.emulator.requests[0]?.headers.traceparent as string;
    const [, traceId] = /^00-([\da-f]{32})-[\da-f]{16}-01$/.exec(sent) ?? [];
    const server = (await spansOf(traceId ?? '', 2)).find((s) => s.kind === SERVER);
    expect(server?.parentSpanId).toBeUndefined();
    expect(server?.status.code).toBe(2);
    expect(server?.events).toEqual([
      { name: 'graphql.error', attributes: { 'graphql.error.code': 'NOT_FOUND' } },
    ]);
    expect(receiver.bodies.join('\n')).not.toContain('no such person');
  });
});

describe('tracing towards an endpoint with credentials in its URL', () => {
  it('exports there, and never prints the userinfo or the query', async () => {
    const receiver = await startReceiver();
    const authorizations: Array<string | undefined> = [];
    const secret = 's3cr3t-otlp';
    const base = new URL(receiver.url.replace(/\/v1\/traces$/, ''));
    base.username = 'collector-user';
    base.password = secret;
    base.search = `?token=${secret}-q`;
    const traced = await startTracedProcess(receiver.url, {
      OTEL_EXPORTER_OTLP_ENDPOINT: base.href,
    });
    try {
      const traceId = randomBytes(16).toString('hex');
      const headers = { ...CALLER_HEADERS, traceparent: `00-${traceId}-${CALLER_SPAN}-01` };
      const { body } = await postGraphQL(traced.url, { query: MUTATION, variables }, headers);
      expect(body.errors).toBeUndefined();
      await until(() => receiver.spans().some((s) => s.traceId === traceId), { timeoutMs: 10_000 });
      expect(receiver.paths[0]).toBe(`POST /v1/traces?token=${secret}-q application/json`);
      authorizations.push(...receiver.authorizations);
    } finally {
      await traced.close();
      await receiver.close();
    }
    expect(authorizations[0]).toBe(
      `Basic ${Buffer.from(`collector-user:${secret}`).toString('base64')}`,
    );
    const startLine = traced
      .output()
      .split('\n')
      .find((line) => line.includes('Subgraph ready'));
    expect(JSON.parse(startLine ?? '{}').tracing).toBe(
      `http://***@127.0.0.1:${base.port}/v1/traces?***`,
    );
    expect(traced.output()).not.toContain(secret);
    expect(traced.output()).not.toContain('collector-user');
  });
});

/** A collector that accepts connections and never answers. */
async function startSilentCollector() {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The process's JSON log lines. */
const logLines = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('SIGTERM with the trace collector down', () => {
  const GRACE_MS = 1_000;
  /** The exporter's own bound at shutdown, and what the process and the machine may add. */
  const FLUSH_BOUND_MS = 5_000;
  const SLACK_MS = 2_000;
  const secret = 's3cr3t-collector';

  it.each([
    [
      'a closed port',
      async () => ({ url: `http://127.0.0.1:${await freePort()}`, close: async () => {} }),
    ],
    ['a collector that never answers', startSilentCollector],
  ])(
    'exits 0 with "shut down" once requests are done, the export failure logged: %s',
    async (_label, startCollector) => {
      const collector = await startCollector();
      const endpoint = new URL(collector.url);
      endpoint.username = 'user';
      endpoint.password = secret;
      const emulator = await startEmulator();
      const started = startScript(MAIN, {
        PORT: '0',
        SYNCTERA_BASE_URL: emulator.url,
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint.href,
        SHUTDOWN_DELAY_MS: '0',
        SHUTDOWN_GRACE_MS: String(GRACE_MS),
      });
      try {
        const [, url] = await waitForOutput(started, /Subgraph ready at (http:\/\/\S+\/graphql)/);
        const { body } = await postGraphQL(url as string, { query: MUTATION, variables });
        expect(body.errors).toBeUndefined();
        const signalled = Date.now();
        started.child.kill('SIGTERM');
        expect(await exitCode(started)).toBe(0);
        expect(Date.now() - signalled).toBeLessThan(GRACE_MS + FLUSH_BOUND_MS + SLACK_MS);
        const lines = logLines(started.output());
        expect(lines.map((line) => line.msg)).toContain('shut down');
        const warnings = lines.filter(
          (line) => line.level === 40 && /^trace export/.test(String(line.msg)),
        );
        expect(warnings).toEqual([
          expect.objectContaining({
            msg: 'trace export at shutdown failed: the last spans are lost',
            tracesUrl: `http://***@${endpoint.host}/v1/traces`,
          }),
        ]);
        expect(started.output()).not.toContain(secret);
        expect(started.output()).not.toMatch(/unhandled|UnhandledPromiseRejection/i);
      } finally {
        started.child.kill('SIGKILL');
        await emulator.close();
        await collector.close();
      }
    },
  );

  it('logs once, without the credentials, that exporting fails while serving', async () => {
    const endpoint = new URL(`http://127.0.0.1:${await freePort()}/?token=${secret}`);
    const emulator = await startEmulator();
    const started = startScript(MAIN, {
      PORT: '0',
      SYNCTERA_BASE_URL: emulator.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint.href,
      OTEL_BSP_SCHEDULE_DELAY: '20',
      OTEL_EXPORTER_OTLP_TIMEOUT: '200',
      SHUTDOWN_DELAY_MS: '0',
    });
    try {
      const [, url] = await waitForOutput(started, /Subgraph ready at (http:\/\/\S+\/graphql)/);
      for (let i = 0; i < 3; i++) {
        await postGraphQL(url as string, { query: MUTATION, variables });
        await waitForOutput(started, /trace export failed/);
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      const failures = logLines(started.output()).filter((line) =>
        String(line.msg).startsWith('trace export failed'),
      );
      expect(failures).toEqual([
        expect.objectContaining({
          level: 40,
          tracesUrl: `http://${endpoint.host}/v1/traces?***`,
          reason: expect.any(String),
        }),
      ]);
      started.child.kill('SIGTERM');
      expect(await exitCode(started)).toBe(0);
      expect(started.output()).not.toContain(secret);
    } finally {
      started.child.kill('SIGKILL');
      await emulator.close();
    }
  });

  it('lets a request that ends near the grace export its spans, then exits 0', async () => {
    // The collector answers slowly: the spans of a request that ends just before the grace is
    // over are exported after it.
    const exported: string[] = [];
    const slow = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
          exported.push(body);
        }, GRACE_MS);
      });
    });
    slow.listen(0, '127.0.0.1');
    await once(slow, 'listening');
    const emulator = await startEmulator();
    emulator.injectFault({ kind: 'delay', ms: GRACE_MS - 300 });
    const started = startScript(MAIN, {
      PORT: '0',
      SYNCTERA_BASE_URL: emulator.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`,
      SHUTDOWN_DELAY_MS: '0',
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
    });
    try {
      const [, url] = await waitForOutput(started, /Subgraph ready at (http:\/\/\S+\/graphql)/);
      const pending = postGraphQL(url as string, { query: MUTATION, variables });
      await until(() => emulator.requests.length === 1);
      started.child.kill('SIGTERM');
      expect((await pending).body.errors).toBeUndefined();
      expect(await exitCode(started)).toBe(0);
      expect(exported.join('\n')).toContain('"name":"mutation CreateSession"');
      expect(logLines(started.output()).map((line) => line.msg)).toContain('shut down');
      expect(started.output()).not.toContain('grace period over');
    } finally {
      started.child.kill('SIGKILL');
      await emulator.close();
      slow.closeAllConnections();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });
});

describe('tracing off (the default)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.emulator.reset());

  it('forwards the caller’s traceparent and tracestate upstream unchanged', async () => {
    stack.emulator.injectFault({ kind: 'respond', status: 503, body: { title: 'busy' } });
    const { body } = await postGraphQL(stack.url, { query: MUTATION, variables }, CALLER_HEADERS);
    expect(body.errors).toBeUndefined();
    expect(stack.emulator.requests).toHaveLength(2);
    for (const request of stack.emulator.requests) {
      expect(request.headers.traceparent).toBe(CALLER_HEADERS.traceparent);
      expect(request.headers.tracestate).toBe(CALLER_HEADERS.tracestate);
    }
  });

  it('sends no trace context when the caller sent none, or a malformed one', async () => {
    await postGraphQL(stack.url, { query: MUTATION, variables });
    await postGraphQL(
      stack.url,
      { query: MUTATION, variables },
      {
        ...AUTH,
        traceparent: 'not-a-traceparent',
        tracestate: 'rojo=1',
      },
    );
    expect(stack.emulator.requests).toHaveLength(2);
    for (const request of stack.emulator.requests) {
      expect(request.headers.traceparent).toBeUndefined();
      expect(request.headers.tracestate).toBeUndefined();
    }
  });
});
