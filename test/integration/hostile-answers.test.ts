/**
 * A 201 whose fields are hostile (control and bidi characters, invalid UTF-8, an oversized id)
 * or that answers for another customer, through real HTTP: the caller gets
 * UPSTREAM_BAD_RESPONSE with its request id, and none of the hostile bytes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { print } from 'graphql';
import type { SubgraphServer } from '../../src/http/server';
import { CreateSessionDocument } from '../generated/graphql';
import {
  BUSINESS_ID,
  type HttpResult,
  PERSON_ID,
  postGraphQL,
  startSubgraph,
  useStack,
} from '../helpers/stack';

const INPUT = { input: { customer: { personId: PERSON_ID } } };
const OTHER_PERSON_ID = '5e0a9d8c-7b6f-4a5e-9d4c-3b2a1f0e9d8c';
const MARK = 'HOSTILE-MARK';

const valid = {
  person_id: PERSON_ID,
  session_id: 'sess_1',
  state: 'PENDING',
  url: 'https://verify.example.com/s/1',
  id: 'rec_1',
};

/**
 * Checks the refusal the caller sees, and that none of `hostile` is in its body, raw or as the
 * JSON escape that would stand for it.
 */
function expectRefusedCleanly(result: HttpResult<unknown>, hostile: readonly string[]): void {
  const [error] = result.body.errors ?? [];
  expect(error?.extensions?.code).toBe('UPSTREAM_BAD_RESPONSE');
  expect(error?.extensions?.upstream).toMatchObject({ status: 201 });
  const requestId = result.headers.get('x-request-id');
  expect(requestId).toEqual(expect.any(String));
  expect(error?.extensions?.requestId).toBe(requestId);
  expect(result.body.data).toBeNull();
  // The body ends in a line break of the server's own.
  const text = result.text.trimEnd();
  for (const value of [MARK, ...hostile]) {
    expect(text).not.toContain(value);
    const escaped = JSON.stringify(value).slice(1, -1);
    expect(text.toLowerCase()).not.toContain(escaped.toLowerCase());
  }
  expect(text).toMatch(/^[\x20-\x7e]*$/);
}

describe('a 201 with hostile fields, from the emulator', () => {
  const stack = useStack();

  it.each([
    ['a NUL in session_id', { session_id: `s\u0000${MARK}` }, ['\u0000']],
    ['an ESC in session_id', { session_id: `s\u001b[2J${MARK}` }, ['\u001b']],
    ['a U+202E in session_id', { session_id: `s\u202e${MARK}` }, ['\u202e']],
    ['a U+FFFD in session_id', { session_id: `s\ufffd${MARK}` }, ['\ufffd']],
    ['a U+202E in id', { id: `r\u202e${MARK}` }, ['\u202e']],
    ['a NUL in url', { url: `https://verify.example.com/s/\u0000${MARK}` }, ['\u0000']],
    ['a line break in url', { url: `https://verify.example.com/s/\n${MARK}` }, ['\n']],
    [
      'a 60,000-character person_id',
      { person_id: `${MARK}${'p'.repeat(60_000 - MARK.length)}` },
      ['p'.repeat(40)],
    ],
  ])('%s → UPSTREAM_BAD_RESPONSE, not quoted', async (_label, fields, hostile) => {
    stack().emulator.injectFault({ kind: 'respond', status: 201, body: { ...valid, ...fields } });
    const result = await stack().execute(CreateSessionDocument, INPUT);
    expectRefusedCleanly(result, hostile);
    expect(stack().emulator.requests).toHaveLength(1);
  });

  // An answer for another customer is retried with the same key on new connections (the
  // connection it came on is out of step); it is refused when every attempt gets one.
  it.each([
    ['another person_id', { person_id: OTHER_PERSON_ID }, [OTHER_PERSON_ID]],
    ['a business_id, for a person', { person_id: undefined, business_id: BUSINESS_ID }, []],
  ])('%s on every attempt → UPSTREAM_BAD_RESPONSE, not quoted', async (_label, fields, hostile) => {
    const fault = { kind: 'respond', status: 201, body: { ...valid, ...fields } } as const;
    stack().emulator.injectFault(fault, 3);
    const result = await stack().execute(CreateSessionDocument, INPUT);
    expectRefusedCleanly(result, hostile);
    expect(stack().emulator.requests).toHaveLength(3);
  });

  it('still passes on a valid answer whose id is spelled in upper case', async () => {
    stack().emulator.injectFault({
      kind: 'respond',
      status: 201,
      body: { ...valid, person_id: PERSON_ID.toUpperCase() },
    });
    const { body } = await stack().execute(CreateSessionDocument, INPUT);
    expect(body.errors).toBeUndefined();
    expect(body.data?.createDocumentVerificationSession.session).toEqual({
      id: 'rec_1',
      sessionId: 'sess_1',
      state: 'PENDING',
      url: 'https://verify.example.com/s/1',
      customer: { __typename: 'Person', id: PERSON_ID },
    });
  });
});

describe('a 201 with invalid UTF-8, from a raw upstream', () => {
  let body: Buffer = Buffer.alloc(0);
  let upstream: Server | undefined;
  let started: { subgraph: SubgraphServer; url: string } | undefined;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => upstream?.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as AddressInfo;
    started = await startSubgraph(`http://127.0.0.1:${port}/v0`, { SYNCTERA_MAX_RETRIES: '0' });
  });
  afterAll(async () => {
    await started?.subgraph.close();
    await new Promise<void>((resolve) => upstream?.close(() => resolve()) ?? resolve());
  });

  /** A valid answer whose `field` holds the bytes 0xFF 0xFE (never valid in UTF-8). */
  function withInvalidUtf8(field: 'session_id' | 'id' | 'url'): Buffer {
    const [before, after] = JSON.stringify({ ...valid, [field]: `${valid[field]}@@` }).split('@@');
    return Buffer.concat([
      Buffer.from(before ?? ''),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(MARK),
      Buffer.from(after ?? ''),
    ]);
  }

  it.each(['session_id', 'id', 'url'] as const)(
    'invalid UTF-8 in %s → UPSTREAM_BAD_RESPONSE, not quoted',
    async (field) => {
      body = withInvalidUtf8(field);
      const result = await postGraphQL<unknown>(started?.url ?? '', {
        query: print(CreateSessionDocument),
        variables: INPUT,
      });
      expectRefusedCleanly(result, ['\ufffd']);
    },
  );

  it('passes on the same answer without the invalid bytes (the upstream itself is fine)', async () => {
    body = Buffer.from(JSON.stringify(valid));
    const result = await postGraphQL<{ createDocumentVerificationSession: unknown }>(
      started?.url ?? '',
      { query: print(CreateSessionDocument), variables: INPUT },
    );
    expect(result.body.errors).toBeUndefined();
  });
});
