import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { print } from 'graphql';
import { CreateSessionDocument } from '../generated/graphql';
import { capturingLogger } from '../helpers/logs';
import { rawExchange } from '../helpers/raw-http';
import { AUTH, PERSON_ID, postGraphQL, TEST_TOKEN, useStack } from '../helpers/stack';
import { until } from '../helpers/until';

const MUTATION = {
  query: print(CreateSessionDocument),
  variables: { input: { customer: { personId: PERSON_ID } } },
};

/** Opens a raw TCP connection to the subgraph at `url`, collecting what it answers. */
async function rawClient(url: string) {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  socket.on('error', () => undefined);
  const closed = once(socket, 'close');
  return { socket, received: () => received, closed };
}

/** Writes `chunk` every 50 ms until the server closes the connection; resolves with the ms taken. */
async function dripUntilClosed(
  client: Awaited<ReturnType<typeof rawClient>>,
  chunk: string,
): Promise<number> {
  const drip = setInterval(() => client.socket.write(chunk), 50);
  const started = Date.now();
  try {
    await client.closed;
  } finally {
    clearInterval(drip);
  }
  return Date.now() - started;
}

/** A raw HTTP answer that refuses with `status`: a JSON error with code and request id (returned). */
function expectRefusal(raw: string, status: number, message: RegExp): string | undefined {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
  const requestId = /^x-request-id: (\S+)$/im.exec(head)?.[1];
  expect(requestId).toBeDefined();
  const parsed = JSON.parse(body) as {
    errors: Array<{ message: string; extensions: Record<string, unknown> }>;
  };
  expect(parsed.errors[0]?.message).toMatch(message);
  expect(parsed.errors[0]?.extensions).toEqual({ code: 'BAD_REQUEST', requestId });
  return requestId;
}

describe('a caller that disconnects mid-request', () => {
  const captured = capturingLogger();
  const stack = useStack(
    { LOG_LEVEL: 'debug', SYNCTERA_TIMEOUT_MS: '300' },
    { logger: captured.logger },
  );
  const entries = () => captured.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const ofRequest = (requestId: string) => entries().filter((e) => e.requestId === requestId);

  beforeEach(() => captured.lines.splice(0));

  afterEach(() => {
    // Nothing an operator would page on: no warning, no error, no stack.
    for (const entry of entries()) {
      expect(entry.level).toBeLessThan(40);
      expect(JSON.stringify(entry)).not.toMatch(/"err"|stack/);
    }
  });

  it('while its body is read: one info line, no error', async () => {
    const client = await rawClient(stack().url);
    client.socket.write(
      'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'X-Request-Id: gone-while-sending\r\nContent-Length: 1000\r\n\r\n{"query":',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.socket.destroy();
    await until(() => ofRequest('gone-while-sending').length > 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ofRequest('gone-while-sending')).toEqual([
      expect.objectContaining({ level: 30, msg: 'caller disconnected before its answer' }),
    ]);
  });

  it('while the upstream is called: no error, the attempt runs to its deadline and no other is sent', async () => {
    stack().emulator.injectFault({ kind: 'hang' });
    const leaving = new AbortController();
    const call = fetch(stack().url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...AUTH, 'x-request-id': 'gone-waiting' },
      body: JSON.stringify(MUTATION),
      signal: leaving.signal,
    }).catch(() => undefined);
    await until(() => stack().emulator.requests.length === 1);
    leaving.abort();
    await call;
    await until(() =>
      ofRequest('gone-waiting').some((e) => /abandoned|disconnected/.test(String(e.msg))),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ofRequest('gone-waiting')).toEqual([
      expect.objectContaining({ level: 30, msg: 'upstream attempt', attempt: 1 }),
      expect.objectContaining({
        level: 30,
        msg: 'upstream call abandoned: the caller disconnected',
        attempt: 1,
      }),
    ]);
    expect(stack().emulator.requests).toHaveLength(1);
  });
});

describe('a caller that half-closes after its whole request', () => {
  const stack = useStack();

  it('gets its answer, and its session is created', async () => {
    stack().emulator.injectFault({ kind: 'delay', ms: 300 });
    const body = JSON.stringify(MUTATION);
    const { final } = await rawExchange(
      stack().url,
      'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        `Authorization: Bearer ${TEST_TOKEN}\r\nX-Request-Id: half-closed\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      { after: 'end' },
    );
    expect(final?.status).toBe(200);
    expect(final?.headers['x-request-id']).toBe('half-closed');
    const answer = JSON.parse(final?.body ?? '') as {
      data?: { createDocumentVerificationSession: { session: { url: string } } };
      errors?: unknown;
    };
    expect(answer.errors).toBeUndefined();
    expect(stack().emulator.sessionsCreated).toBe(1);
    const page = await fetch(answer.data?.createDocumentVerificationSession.session.url ?? '');
    expect(page.status).toBe(200);
  });
});

describe('HTTP server timeouts', () => {
  const stack = useStack({
    HTTP_HEADERS_TIMEOUT_MS: '300',
    HTTP_REQUEST_TIMEOUT_MS: '600',
    SYNCTERA_TIMEOUT_MS: '5000',
  });

  it('cut off a client that sends its headers too slowly (slow loris)', async () => {
    const client = await rawClient(stack().url);
    client.socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\n');
    expect(await dripUntilClosed(client, 'X-Drip: 1\r\n')).toBeLessThan(2_000);
    expectRefusal(client.received(), 408, /too long to arrive/);
  });

  it('answer a malformed request, or one with oversized headers, as every refusal: JSON, code, request id', async () => {
    const malformed = await rawClient(stack().url);
    malformed.socket.write('NOT HTTP AT ALL\r\n\r\n');
    await malformed.closed;
    expectRefusal(malformed.received(), 400, /not valid HTTP/);

    const oversized = await rawClient(stack().url);
    oversized.socket.write(
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    await oversized.closed;
    expectRefusal(oversized.received(), 431, /headers are too large/);
  });

  it('cut off a client that sends its body too slowly', async () => {
    const client = await rawClient(stack().url);
    client.socket.write(
      'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'X-Request-Id: slow-body\r\nContent-Length: 100\r\n\r\n',
    );
    expect(await dripUntilClosed(client, ' ')).toBeLessThan(2_500);
    // The request had begun: its own id, as in its log lines.
    expect(expectRefusal(client.received(), 408, /too long to arrive/)).toBe('slow-body');
  });

  it('do not cut an answer that takes longer than the request timeout, once the request is in', async () => {
    stack().emulator.injectFault({ kind: 'delay', ms: 1_200 });
    const { status, body } = await postGraphQL(stack().url, MUTATION);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });

  it('keep an idle connection open longer than Node’s default of 5 s', async () => {
    const response = await fetch(stack().url.replace(/\/graphql$/, '/health'));
    expect(response.headers.get('keep-alive')).toBe('timeout=75');
  });
});

describe('SYNCTERA_MAX_CONNECTIONS', () => {
  let upstream: Server;
  let open = 0;
  let peak = 0;
  const hung: Socket[] = [];
  beforeAll(async () => {
    // An upstream that accepts every connection and never answers.
    upstream = createServer(() => undefined);
    upstream.on('connection', (socket: Socket) => {
      open += 1;
      peak = Math.max(peak, open);
      hung.push(socket);
      socket.on('close', () => (open -= 1));
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
  });
  afterAll(async () => {
    for (const socket of hung) socket.destroy();
    upstream.close();
  });
  const stack = useStack({
    SYNCTERA_MAX_CONNECTIONS: '3',
    SYNCTERA_TIMEOUT_MS: '500',
    SYNCTERA_MAX_RETRIES: '0',
    get SYNCTERA_BASE_URL() {
      return `http://127.0.0.1:${(upstream.address() as { port: number }).port}/v0`;
    },
  });

  it('caps the connections to a hung upstream; the callers beyond it get a contract error in time', async () => {
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => postGraphQL(stack().url, MUTATION)),
    );
    expect(peak).toBe(3);
    expect(answers.map((a) => a.body.errors?.[0]?.extensions?.code)).toEqual(
      answers.map(() => 'UPSTREAM_UNAVAILABLE'),
    );
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
