import { print } from 'graphql';
import { CreateSessionDocument } from '../generated/graphql';
import { type RawAnswer, rawExchange } from '../helpers/raw-http';
import { PERSON_ID, TEST_TOKEN, useStack } from '../helpers/stack';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A POST of `body` to `target` as raw HTTP/1.1, with `extra` header lines. */
function post(target: string, body: string, extra: readonly string[] = []): string {
  return [
    `POST ${target} HTTP/1.1`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...extra,
    '',
    body,
  ].join('\r\n');
}

/**
 * A refusal as the contract shapes every refusal: `status`, a JSON body with one error whose
 * code is `code` and whose request id is the `X-Request-Id` header (`requestId` when given).
 */
function expectRefusal(
  answer: RawAnswer | undefined,
  status: number,
  code: string,
  requestId: string | RegExp = UUID,
): void {
  expect(answer?.status).toBe(status);
  expect(answer?.headers['content-type']).toMatch(/^application\/json/);
  const header = answer?.headers['x-request-id'];
  if (typeof requestId === 'string') expect(header).toBe(requestId);
  else expect(header).toMatch(requestId);
  expect(JSON.parse(answer?.body ?? '')).toEqual({
    errors: [{ message: expect.any(String), extensions: { code, requestId: header } }],
  });
}

describe('requests Node itself would refuse or drop', () => {
  const stack = useStack();
  const query = JSON.stringify({ query: '{ __typename }' });

  it('an unsupported Expect is answered 417 with a JSON error and the request id', async () => {
    const { final } = await rawExchange(
      stack().url,
      post('/graphql', query, ['Host: x', 'Expect: foo', 'X-Request-Id: expect-foo-1']),
    );
    expectRefusal(final, 417, 'BAD_REQUEST', 'expect-foo-1');
    expect(JSON.parse(final?.body ?? '').errors[0].message).toMatch(/Expect/);
  });

  it('Expect: 100-continue still gets its continue, then its answer', async () => {
    const { interim, final } = await rawExchange(
      stack().url,
      post('/graphql', query, ['Host: x', 'Expect: 100-continue', 'Apollo-Require-Preflight: 1']),
    );
    expect(interim.map((answer) => answer.status)).toEqual([100]);
    expect(final?.status).toBe(200);
    expect(JSON.parse(final?.body ?? '')).toEqual({ data: { __typename: 'Query' } });
  });

  it('an HTTP/1.1 request without Host is answered 400 with a JSON error and the request id', async () => {
    const { final } = await rawExchange(
      stack().url,
      post('/graphql', query, ['X-Request-Id: no-host-1']),
    );
    expectRefusal(final, 400, 'BAD_REQUEST', 'no-host-1');
    expect(JSON.parse(final?.body ?? '').errors[0].message).toMatch(/Host/);
    expect(final?.headers.connection).toBe('close');
  });

  it('an HTTP/1.0 request needs no Host', async () => {
    const { final } = await rawExchange(stack().url, 'GET /health HTTP/1.0\r\n\r\n');
    expect(final?.status).toBe(200);
    expect(JSON.parse(final?.body ?? '')).toEqual({ status: 'ok' });
    expect(final?.headers['x-request-id']).toMatch(UUID);
  });

  it('an HTTP/1.0 query without Host is served', async () => {
    const { final } = await rawExchange(
      stack().url,
      `GET /graphql?query=${encodeURIComponent('{ __typename }')} HTTP/1.0\r\n` +
        'Apollo-Require-Preflight: 1\r\n\r\n',
    );
    expect(final?.status).toBe(200);
    expect(JSON.parse(final?.body ?? '')).toEqual({ data: { __typename: 'Query' } });
  });

  it.each(['', 'a b', 'a<b', '[::1'])(
    'a Host that is no host (%j) is answered 400 with a JSON error',
    async (host) => {
      const { final } = await rawExchange(
        stack().url,
        post('/graphql', query, [`Host: ${host}`, 'X-Request-Id: bad-host-1']),
      );
      expectRefusal(final, 400, 'BAD_REQUEST', 'bad-host-1');
    },
  );

  it('CONNECT is answered 405 with a JSON error, an Allow header and the request id', async () => {
    const { final } = await rawExchange(
      stack().url,
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nX-Request-Id: connect-1\r\n\r\n',
    );
    expectRefusal(final, 405, 'BAD_REQUEST', 'connect-1');
    expect(final?.headers.allow).toBe('GET, POST, OPTIONS');
    expect(final?.headers.connection).toBe('close');
  });

  it('an absolute-form target is served as its path (RFC 9112)', async () => {
    const mutation = JSON.stringify({
      query: print(CreateSessionDocument),
      variables: { input: { customer: { personId: PERSON_ID } } },
    });
    const { final } = await rawExchange(
      stack().url,
      post(stack().url, mutation, [
        `Host: ${new URL(stack().url).host}`,
        `Authorization: Bearer ${TEST_TOKEN}`,
        'X-Request-Id: absolute-1',
      ]),
    );
    expect(final?.status).toBe(200);
    expect(final?.headers['x-request-id']).toBe('absolute-1');
    const body = JSON.parse(final?.body ?? '') as {
      data?: { createDocumentVerificationSession: { session: { sessionId: string } } };
    };
    expect(body.data?.createDocumentVerificationSession.session.sessionId).toEqual(
      expect.any(String),
    );
    expect(stack().emulator.sessionsCreated).toBe(1);
  });

  it('an absolute-form target keeps its query string', async () => {
    const url = `${stack().url}?query=${encodeURIComponent('{ __typename }')}`;
    const { final } = await rawExchange(
      stack().url,
      `GET ${url} HTTP/1.1\r\nHost: x\r\nApollo-Require-Preflight: 1\r\n\r\n`,
    );
    expect(final?.status).toBe(200);
    expect(JSON.parse(final?.body ?? '')).toEqual({ data: { __typename: 'Query' } });
  });

  it('a malformed request line is answered 400 with a JSON error and a new request id', async () => {
    const { final } = await rawExchange(stack().url, 'GET\x01/graphql HTTP/1.1\r\nHost: x\r\n\r\n');
    expectRefusal(final, 400, 'BAD_REQUEST');
    expect(final?.headers.connection).toBe('close');
  });
});
