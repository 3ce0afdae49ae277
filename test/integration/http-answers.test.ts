import { request } from 'node:http';
import { postGraphQL, type Stack, useStack } from '../helpers/stack';

const MAX_BODY_BYTES = 4096;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** What a client read back. */
interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/**
 * Uploads `totalBytes` of JSON-looking body in 16 KiB chunks, chunked or with a Content-Length,
 * as an uploader does: it keeps sending until an answer arrives, then reads the answer.
 */
function upload(url: string, totalBytes: number, { chunked }: { chunked: boolean }) {
  return new Promise<Answer>((resolve, reject) => {
    let answered = false;
    const req = request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(!chunked && { 'content-length': String(totalBytes) }),
      },
    });
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(16 * 1024, 'x');
    let sent = 0;
    const sendMore = () => {
      while (!answered && sent < totalBytes) {
        const piece = chunk.subarray(0, Math.min(chunk.length, totalBytes - sent));
        sent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', sendMore);
          return;
        }
      }
      if (!answered) req.end();
    };
    sendMore();
  });
}

/** The body of an error answer: one error, with a contract code and the request id. */
function expectError(answer: Answer, status: number, code: string, message: RegExp): void {
  expect(answer.status).toBe(status);
  const requestId = answer.headers['x-request-id'];
  expect(requestId).toMatch(UUID);
  expect(JSON.parse(answer.text)).toEqual({
    errors: [
      {
        message: expect.stringMatching(message),
        extensions: expect.objectContaining({ code, requestId }),
      },
    ],
  });
}

/** Sends one request with fetch and reads it as an {@link Answer}. */
async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    text: await response.text(),
  };
}

const origin = (running: Stack) => running.url.replace(/\/graphql$/, '');

describe('a body over HTTP_MAX_BODY_BYTES', () => {
  const stack = useStack({ HTTP_MAX_BODY_BYTES: String(MAX_BODY_BYTES) });

  it.each([
    ['chunked, without Content-Length', true],
    ['with a Content-Length over the limit', false],
  ])(
    'is answered 413 with a JSON error before the connection closes (%s)',
    async (_name, chunked) => {
      const answer = await upload(stack().url, 4 * 1024 * 1024, { chunked });
      expectError(answer, 413, 'BAD_USER_INPUT', /larger than 4096 bytes.*HTTP_MAX_BODY_BYTES/);
      expect(answer.headers.connection).toBe('close');
      expect(stack().emulator.requests).toHaveLength(0);
    },
  );

  it('still serves the next caller', async () => {
    await upload(stack().url, 1024 * 1024, { chunked: true });
    const { status } = await postGraphQL(stack().url, { query: '{ __typename }' });
    expect(status).toBe(200);
  });
});

describe('request ids', () => {
  const stack = useStack();
  const graphql = (init: RequestInit) => call(stack().url, init);
  const json = { 'content-type': 'application/json' };

  it('return the caller’s own X-Request-Id, and a new UUID when it has none or an unusable one', async () => {
    const own = await call(`${origin(stack())}/health`, { headers: { 'x-request-id': 'req-42' } });
    expect(own.headers['x-request-id']).toBe('req-42');
    const none = await call(`${origin(stack())}/health`);
    expect(none.headers['x-request-id']).toMatch(UUID);
    const unusable = await call(`${origin(stack())}/health`, {
      headers: { 'x-request-id': 'x'.repeat(201) },
    });
    expect(unusable.headers['x-request-id']).toMatch(UUID);
  });

  it('are on a success and in a GraphQL error, the same in header and body', async () => {
    const ok = await stack().execute('{ __typename }');
    expect(ok.headers.get('x-request-id')).toMatch(UUID);
    const refused = await stack().execute('{ nope }');
    expect(refused.body.errors?.[0]?.extensions).toEqual(
      expect.objectContaining({
        code: 'GRAPHQL_VALIDATION_FAILED',
        requestId: refused.headers.get('x-request-id'),
      }),
    );
  });

  it('are on every HTTP-level refusal, with a code', async () => {
    expectError(await call(`${origin(stack())}/nope`), 404, 'NOT_FOUND', /\/graphql/);
    expectError(
      await graphql({ method: 'POST', headers: json, body: '{"query": ' }),
      400,
      'BAD_USER_INPUT',
      /not valid JSON/,
    );
    expectError(
      await graphql({ method: 'PUT', headers: json, body: '{}' }),
      405,
      'BAD_REQUEST',
      /GET.*POST/,
    );
    expectError(
      await call(`${origin(stack())}/health`, { method: 'POST' }),
      405,
      'BAD_REQUEST',
      /GET/,
    );
    // A GET without Content-Type or a preflight-forcing header: a browser form could send it.
    const csrf = await call(`${stack().url}?query=${encodeURIComponent('{ __typename }')}`);
    expectError(csrf, 400, 'BAD_REQUEST', /Cross-Site Request Forgery/);
  });

  it('says which methods a path allows when it refuses one', async () => {
    const put = await graphql({ method: 'PUT', headers: json, body: '{}' });
    expect(put.headers.allow).toBe('GET, POST, OPTIONS');
    const post = await call(`${origin(stack())}/health`, { method: 'POST' });
    expect(post.headers.allow).toBe('GET, HEAD');
  });
});
