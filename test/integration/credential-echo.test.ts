/**
 * A hostile upstream that sends back the credential it was sent, in every place an answer has
 * and in every form, and real requests through the subgraph: no part of the credential may reach
 * the caller (headers, body, development stack traces) or a log line.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import fc from 'fast-check';
import { print } from 'graphql';
import type { SubgraphServer } from '../../src/http/server';
import { CreateSessionDocument } from '../generated/graphql';
import { leakedParts } from '../helpers/leaks';
import { capturingLogger } from '../helpers/logs';
import { type HttpResult, PERSON_ID, postGraphQL, startSubgraph, useStack } from '../helpers/stack';

/** Credentials with characters that URL-encoding and base64 change. */
const CALLER_TOKEN = 'Zq8/x+Lm~w!9Kp=Rt4$Vb&Yh*3Nc(Tj)Ue';
const API_KEY = 'sk_live/Q7w+E9r=T2y$U4i&O6p.Hd!Fg-Ks';

const STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 503];
const INPUT = { input: { customer: { personId: PERSON_ID } } };
const QUERY = print(CreateSessionDocument);

const base64 = (text: string) => Buffer.from(text).toString('base64');

/** The forms of a run of the credential an upstream may send back. */
const ENCODINGS: ReadonlyArray<(run: string) => string> = [
  (run) => run,
  (run) => run.toUpperCase(),
  (run) => run.toLowerCase(),
  (run) => encodeURIComponent(run),
  (run) => base64(run),
  (run) => Buffer.from(`x${run}`).toString('base64url'),
  (run) => base64(`xx${run}`),
  (run) => base64(`Bearer ${run}`),
];

/** The credential in every form, and each of its 8-character runs, in one text. */
function everyEcho(credential: string): string {
  const runs = Array.from({ length: credential.length - 7 }, (_, i) => credential.slice(i, i + 8));
  return [...ENCODINGS.map((encode) => encode(credential)), ...runs].join(' | ');
}

/** What the hostile upstream does with a request, given the token it received. */
type Behaviour = (credential: string, res: ServerResponse) => void;

/** Answers `status` with `body` (JSON unless a string) and headers that all echo `credential`. */
function answer(status: number, body: unknown, credential: string): Behaviour {
  return (_credential, res) => {
    res.writeHead(status, {
      'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
      ...echoingHeaders(credential),
    });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

function echoingHeaders(credential: string): Record<string, string> {
  return {
    'x-request-id': credential,
    'retry-after': encodeURIComponent(credential),
    'www-authenticate': `Bearer realm="${credential}", error="invalid_token"`,
    location: `https://verify.example.com/${credential}`,
    'x-echo': base64(credential),
  };
}

/** A problem that echoes the credential in every field, `detail` longer than any cap. */
function problem(status: number, credential: string): Record<string, unknown> {
  return {
    type: `https://errors.example.com/${encodeURIComponent(credential)}`,
    title: credential,
    status,
    detail: `${'d'.repeat(250)}${credential} ${everyEcho(credential)} ${'e'.repeat(600)}${credential}`,
    code: credential.toUpperCase(),
    instance: base64(credential),
  };
}

/** A session answer; `fields` replace or add fields. */
function session(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    session_id: 'sess_1',
    url: 'https://verify.example.com/s/1',
    state: 'PENDING',
    person_id: PERSON_ID,
    ...fields,
  };
}

/** An upstream on loopback that behaves as told, recording the Authorization it received. */
async function startHostileUpstream() {
  let behaviour: Behaviour = answer(201, session(), '');
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const credential = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      behaviour(credential, res);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v0`,
    behave(next: Behaviour) {
      behaviour = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Everything a client saw: status line, headers and body. */
function seenByClient(result: HttpResult<unknown>): string {
  return `${result.status}\n${[...result.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${result.text}`;
}

describe.each([
  ['development, caller token', { NODE_ENV: 'development' }, CALLER_TOKEN],
  ['production, caller token', { NODE_ENV: 'production' }, CALLER_TOKEN],
  [
    'development, SYNCTERA_API_KEY',
    { NODE_ENV: 'development', SYNCTERA_API_KEY: API_KEY },
    API_KEY,
  ],
  ['production, SYNCTERA_API_KEY', { NODE_ENV: 'production', SYNCTERA_API_KEY: API_KEY }, API_KEY],
])('an upstream that echoes the credential (%s)', (_mode, env, credential) => {
  const captured = capturingLogger();
  let upstream: Awaited<ReturnType<typeof startHostileUpstream>> | undefined;
  let started: { subgraph: SubgraphServer; url: string } | undefined;

  beforeAll(async () => {
    upstream = await startHostileUpstream();
    started = await startSubgraph(
      upstream.url,
      { ...env, LOG_LEVEL: 'debug', SYNCTERA_TIMEOUT_MS: '2000' },
      captured,
    );
  });
  afterAll(async () => {
    await started?.subgraph.close();
    await upstream?.close();
  });
  afterEach(() => {
    expect(leakedParts(captured.lines.join('\n'), [CALLER_TOKEN, API_KEY])).toEqual([]);
    captured.lines.length = 0;
  });

  /**
   * Sends the mutation and checks what came back. `responseMediaType` asks for
   * `application/graphql-response+json`, whose errors Apollo Server answers with their own status.
   */
  async function create(behaviour: Behaviour, { responseMediaType = false } = {}) {
    upstream?.behave(behaviour);
    const result = await postGraphQL<unknown>(
      started?.url ?? '',
      { query: QUERY, variables: INPUT },
      {
        // In API-key mode the caller's own token is not sent upstream, so it cannot come back.
        authorization: `Bearer ${CALLER_TOKEN}`,
        ...(responseMediaType && { accept: 'application/graphql-response+json' }),
      },
    );
    expect(leakedParts(seenByClient(result), [CALLER_TOKEN, API_KEY])).toEqual([]);
    return result;
  }

  it.each(STATUSES)(
    'keeps it out of the answer to a %i problem that echoes it everywhere',
    async (status) => {
      for (const responseMediaType of [false, true]) {
        const { body } = await create(answer(status, problem(status, credential), credential), {
          responseMediaType,
        });
        const [error] = body.errors ?? [];
        expect(error?.extensions?.upstream).toMatchObject({ status, requestId: '[redacted]' });
        if ([400, 404, 409, 422].includes(status)) expect(error?.message).toContain('[redacted]');
      }
    },
  );

  it.each(['session_id', 'id', 'person_id', 'business_id', 'state', 'url'])(
    'refuses a session whose %s echoes it, as UPSTREAM_BAD_RESPONSE, without quoting it',
    async (field) => {
      for (const encode of ENCODINGS) {
        const echo = encode(credential);
        const value = field === 'url' ? `https://verify.example.com/s/${echo}` : echo;
        const drop = field === 'business_id' ? { person_id: undefined } : {};
        const { body } = await create(
          answer(201, session({ ...drop, [field]: value }), credential),
        );
        expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_BAD_RESPONSE');
      }
    },
  );

  it.each([
    ['an invalid JSON body', 201, `{"session_id": "${credential}", oops`],
    ['an invalid JSON problem', 400, `<html>${credential}</html>`],
    ['a session over 64 KiB', 201, JSON.stringify(session({ x: credential.repeat(2_000) }))],
    ['a problem over 64 KiB', 422, JSON.stringify(problem(422, credential.repeat(2_000)))],
  ])('keeps it out of the answer to %s', async (_label, status, body) => {
    await create(answer(status, body, credential));
  });

  it('keeps it out of the answer when the connection drops after echoing it', async () => {
    const { body } = await create((echoed, res) => {
      res.writeHead(201, { 'content-length': '10000', ...echoingHeaders(echoed) });
      res.write(`{"session_id": "${echoed}", "url": "https://verify.example.com/${echoed}`);
      setTimeout(() => res.socket?.destroy(), 5);
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('keeps any run of it, in any form, at any place and length, out of the answer', async () => {
    const fields = ['type', 'title', 'detail', 'code', 'session_id', 'state', 'url', 'header'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(201, ...STATUSES),
        fc.constantFrom(...fields),
        fc.nat(credential.length - 8),
        fc.integer({ min: 8, max: credential.length }),
        fc.nat(ENCODINGS.length - 1),
        fc.nat(700),
        async (status, field, start, length, encoding, pad) => {
          const run = credential.slice(start, start + length);
          const echo = `${'p'.repeat(pad)}${(ENCODINGS[encoding] as (run: string) => string)(run)}`;
          const body = status === 201 ? session() : problem(status, 'none');
          if (field === 'url') body.url = `https://verify.example.com/${echo}`;
          else if (field !== 'header') body[field] = echo;
          await create((_credential, res) => {
            res.writeHead(status, field === 'header' ? { 'x-request-id': echo.slice(-200) } : {});
            res.end(JSON.stringify(body));
          });
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('an Authorization at the 8 KiB cap', () => {
  const captured = capturingLogger();
  const stack = useStack({}, captured);
  /** A visible-ASCII token that makes `Bearer <token>` exactly `bytes` long. */
  const headerOf = (bytes: number) => {
    const token = CALLER_TOKEN.repeat(Math.ceil(bytes / CALLER_TOKEN.length));
    return `Bearer ${token.slice(0, bytes - 'Bearer '.length)}`;
  };

  it.each([
    ['one byte over it', 8193],
    ['of 9 KiB', 9 * 1024],
  ])('refuses a header %s, UNAUTHENTICATED, sending nothing upstream', async (_label, bytes) => {
    const authorization = headerOf(bytes);
    const result = await stack().execute(CreateSessionDocument, INPUT, {
      authorization,
    });
    const [error] = result.body.errors ?? [];
    expect(error?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(error?.message).toMatch(/longer than 8 KiB/);
    expect(error?.extensions?.requestId).toEqual(expect.any(String));
    expect(result.body.data).toBeNull();
    expect(stack().emulator.requests).toHaveLength(0);
    expect(leakedParts(seenByClient(result), [CALLER_TOKEN])).toEqual([]);
    expect(captured.lines.length).toBeGreaterThan(0);
    expect(leakedParts(captured.lines.join('\n'), [CALLER_TOKEN])).toEqual([]);
  });

  it('forwards a header of exactly 8 KiB as it came', async () => {
    const authorization = headerOf(8192);
    const result = await stack().execute(CreateSessionDocument, INPUT, { authorization });
    expect(result.body.errors).toBeUndefined();
    expect(stack().emulator.requests.map((request) => request.headers.authorization)).toEqual([
      authorization,
    ]);
  });
});
