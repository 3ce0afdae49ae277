import { print } from 'graphql';
import type { SubgraphServer } from '../../src/http/server';
import * as wire from '../../src/synctera/wire';
import { CreateSessionDocument } from '../generated/graphql';
import { capturingLogger } from '../helpers/logs';
import { freePort } from '../helpers/process';
import { PERSON_ID, postGraphQL, startSubgraph, useStack, TEST_TOKEN } from '../helpers/stack';

const INPUT = { input: { customer: { personId: PERSON_ID } } };
const SERVER_KEY = 'server-key-5e4d3c2b1a';

describe('logs', () => {
  const captured = capturingLogger();
  const stack = useStack(
    { LOG_LEVEL: 'debug', SYNCTERA_TIMEOUT_MS: '150' },
    { logger: captured.logger },
  );

  it('write one JSON line per upstream attempt, with request id, status, attempt and retry reason', async () => {
    stack().emulator.injectFault({ kind: 'respond', status: 503, body: { status: 503 } });
    const { body } = await stack().execute(CreateSessionDocument, INPUT, {
      authorization: `Bearer ${TEST_TOKEN}`,
      'x-request-id': 'log-req-1',
    });
    expect(body.errors).toBeUndefined();
    const attempts = captured.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.msg === 'upstream attempt' && entry.requestId === 'log-req-1');
    expect(attempts).toEqual([
      expect.objectContaining({ attempt: 1, status: 503, retryReason: 'status-503' }),
      expect.objectContaining({ attempt: 2, status: 201, retryReason: null }),
    ]);
    expect(attempts[0]?.durationMs).toEqual(expect.any(Number));
  });

  it('never contain the caller token, whatever happens upstream', async () => {
    stack().emulator.injectFault({ kind: 'respond', status: 401, body: { detail: 'bad token' } });
    stack().emulator.injectFault({ kind: 'reset-before' }, 3);
    stack().emulator.injectFault({ kind: 'respond', status: 201, body: 'garbage' });
    const headers = { authorization: `Bearer ${TEST_TOKEN}` };
    const texts: string[] = [];
    for (let i = 0; i < 4; i++)
      texts.push((await stack().execute(CreateSessionDocument, INPUT, headers)).text);
    texts.push(
      (
        await stack().execute(CreateSessionDocument, INPUT, {
          authorization: `Basic ${TEST_TOKEN}`,
        })
      ).text,
    );
    expect(captured.lines.length).toBeGreaterThan(4);
    for (const text of [...captured.lines, ...texts]) expect(text).not.toContain(TEST_TOKEN);
  });

  it('never contain the token across retries, timeouts, echoed tokens and unexpected errors', async () => {
    const { emulator } = stack();
    const echo = {
      detail: `Token ${TEST_TOKEN} (Bearer ${TEST_TOKEN}) is no good`,
      code: TEST_TOKEN,
    };
    emulator.injectFault({ kind: 'respond', status: 503, body: echo });
    emulator.injectFault({ kind: 'respond', status: 400, body: echo });
    emulator.injectFault({ kind: 'respond', status: 404, body: echo });
    emulator.injectFault({ kind: 'hang' }, 3);
    const texts: string[] = [];
    for (let i = 0; i < 3; i++)
      texts.push((await stack().execute(CreateSessionDocument, INPUT)).text);
    expect(texts[0]).toContain('Token [redacted] (Bearer [redacted]) is no good');
    expect(texts[2]).toContain('UPSTREAM_UNAVAILABLE');

    const spy = jest.spyOn(wire, 'toDocumentVerificationSession').mockImplementation(() => {
      throw new Error(`unexpected, while holding Authorization: Bearer ${TEST_TOKEN}`);
    });
    try {
      const { body, text } = await stack().execute(CreateSessionDocument, INPUT);
      expect(body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      // Outside production the details stay, minus the credential.
      expect(body.errors?.[0]?.message).toBe(
        'unexpected, while holding Authorization: Bearer [redacted]',
      );
      texts.push(text);
    } finally {
      spy.mockRestore();
    }
    expect(captured.entries('unexpected error')).not.toHaveLength(0);
    for (const text of [...captured.lines, ...texts]) expect(text).not.toContain(TEST_TOKEN);
  });
});

describe('logs of calls that end UPSTREAM_UNAVAILABLE', () => {
  const captured = capturingLogger();
  const stack = useStack({ SYNCTERA_TIMEOUT_MS: '150' }, { logger: captured.logger });

  /** The request's attempt lines and warn lines. */
  const linesOf = (requestId: string) => {
    const entries = captured.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.requestId === requestId);
    return {
      attempts: entries.filter((entry) => entry.msg === 'upstream attempt'),
      warnings: entries.filter((entry) => entry.level === 40),
    };
  };

  it.each([
    ['a hang', { kind: 'hang' } as const, 'no answer within 150 ms'],
    ['a reset', { kind: 'reset-before' } as const, expect.stringMatching(/^UND_ERR_SOCKET|^ECONN/)],
    ['a 503', { kind: 'respond', status: 503 } as const, null],
  ])(
    'after %s on every attempt: why, on each attempt line and one warn line',
    async (name, fault, failure) => {
      stack().emulator.injectFault(fault, 3);
      const requestId = `unavailable-${name.replaceAll(' ', '-')}`;
      const { body } = await stack().execute(CreateSessionDocument, INPUT, {
        authorization: `Bearer ${TEST_TOKEN}`,
        'x-request-id': requestId,
      });
      expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
      const { attempts, warnings } = linesOf(requestId);
      expect(attempts).toEqual(
        [1, 2, 3].map((attempt) => expect.objectContaining({ attempt, failure })),
      );
      expect(warnings).toEqual([
        {
          level: 40,
          time: expect.any(Number),
          requestId,
          attempts: 3,
          reason: failure ?? 'HTTP 503',
          msg: 'upstream unavailable',
        },
      ]);
    },
  );

  it('write no warn line for a call that gets its session', async () => {
    const { body } = await stack().execute(CreateSessionDocument, INPUT, {
      authorization: `Bearer ${TEST_TOKEN}`,
      'x-request-id': 'available-1',
    });
    expect(body.errors).toBeUndefined();
    expect(linesOf('available-1').attempts).toEqual([
      expect.objectContaining({ status: 201, failure: null }),
    ]);
    expect(linesOf('available-1').warnings).toEqual([]);
  });
});

describe('logs of an upstream that refuses connections', () => {
  const captured = capturingLogger();
  let server: { subgraph: SubgraphServer; url: string } | undefined;
  beforeAll(async () => {
    // A listener that was closed: connecting to it is refused.
    const baseUrl = `http://127.0.0.1:${await freePort()}/v0`;
    server = await startSubgraph(baseUrl, { SYNCTERA_MAX_RETRIES: '1' }, captured);
  });
  afterAll(() => server?.subgraph.close());

  it('name ECONNREFUSED on each attempt line and on the one warn line', async () => {
    const { body } = await postGraphQL(
      server?.url ?? '',
      { query: print(CreateSessionDocument), variables: INPUT },
      { authorization: `Bearer ${TEST_TOKEN}`, 'x-request-id': 'refused-1' },
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(body.errors?.[0]?.message).toMatch(/\(ECONNREFUSED\) after 2 attempt/);
    expect(captured.entries('upstream attempt')).toEqual([
      expect.objectContaining({ attempt: 1, status: null, failure: 'ECONNREFUSED' }),
      expect.objectContaining({ attempt: 2, status: null, failure: 'ECONNREFUSED' }),
    ]);
    expect(captured.entries('upstream unavailable')).toEqual([
      expect.objectContaining({ level: 40, attempts: 2, reason: 'ECONNREFUSED' }),
    ]);
    expect(captured.lines.join('\n')).not.toMatch(/stack|ECONNREFUSED 127/);
  });
});

describe('unexpected errors in production', () => {
  const captured = capturingLogger();
  const stack = useStack({ NODE_ENV: 'production' }, { logger: captured.logger });

  it('are masked as INTERNAL_SERVER_ERROR, logged without the token', async () => {
    const spy = jest.spyOn(wire, 'toDocumentVerificationSession').mockImplementation(() => {
      throw new Error(`internal detail, Bearer ${TEST_TOKEN}`);
    });
    try {
      const { body, text } = await stack().execute(CreateSessionDocument, INPUT);
      expect(body.errors).toEqual([
        {
          message: 'Internal server error',
          path: ['createDocumentVerificationSession'],
          locations: expect.any(Array),
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) },
        },
      ]);
      expect(text).not.toContain('internal detail');
    } finally {
      spy.mockRestore();
    }
    const [logged] = captured.entries('unexpected error');
    expect(JSON.stringify(logged)).toContain('internal detail, Bearer [redacted]');
    for (const line of captured.lines) expect(line).not.toContain(TEST_TOKEN);
  });
});

describe('logs with SYNCTERA_API_KEY', () => {
  const captured = capturingLogger();
  const stack = useStack({ SYNCTERA_API_KEY: SERVER_KEY }, { logger: captured.logger });

  it('never contain the server key, even when the upstream echoes it', async () => {
    stack().emulator.injectFault({ kind: 'respond', status: 403, body: { detail: 'no' } });
    stack().emulator.injectFault({
      kind: 'respond',
      status: 422,
      body: { detail: `key ${SERVER_KEY} may not` },
    });
    const texts = [
      (await stack().execute(CreateSessionDocument, INPUT, {})).text,
      (await stack().execute(CreateSessionDocument, INPUT, {})).text,
      (await stack().execute(CreateSessionDocument, INPUT, {})).text,
    ];
    expect(texts[1]).toContain('key [redacted] may not');
    expect(stack().emulator.requests.at(-1)?.headers.authorization).toBe(`Bearer ${SERVER_KEY}`);
    for (const text of [...captured.lines, ...texts]) expect(text).not.toContain(SERVER_KEY);
  });
});
