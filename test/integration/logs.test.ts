import { CreateSessionDocument } from '../generated/graphql';
import { capturingLogger } from '../helpers/logs';
import { PERSON_ID, useStack, TEST_TOKEN } from '../helpers/stack';

const INPUT = { input: { customer: { personId: PERSON_ID } } };
const SERVER_KEY = 'server-key-5e4d3c2b1a';

describe('logs', () => {
  const captured = capturingLogger();
  const stack = useStack({ LOG_LEVEL: 'debug' }, { logger: captured.logger });

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
});

describe('logs with SYNCTERA_API_KEY', () => {
  const captured = capturingLogger();
  const stack = useStack({ SYNCTERA_API_KEY: SERVER_KEY }, { logger: captured.logger });

  it('never contain the server key', async () => {
    stack().emulator.injectFault({ kind: 'respond', status: 403, body: { detail: 'no' } });
    const texts = [
      (await stack().execute(CreateSessionDocument, INPUT, {})).text,
      (await stack().execute(CreateSessionDocument, INPUT, {})).text,
    ];
    expect(stack().emulator.requests.at(-1)?.headers.authorization).toBe(`Bearer ${SERVER_KEY}`);
    for (const text of [...captured.lines, ...texts]) expect(text).not.toContain(SERVER_KEY);
  });
});
