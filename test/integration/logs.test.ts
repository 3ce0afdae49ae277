import * as wire from '../../src/synctera/wire';
import { CreateSessionDocument } from '../generated/graphql';
import { capturingLogger } from '../helpers/logs';
import { PERSON_ID, useStack, TEST_TOKEN } from '../helpers/stack';

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
