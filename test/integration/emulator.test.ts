import { request } from 'undici';
import {
  DEFAULT_SESSION_PATH,
  type Emulator,
  type EmulatorFault,
  MAX_BODY_BYTES,
  startEmulator,
  UNKNOWN_CUSTOMER_ID_PREFIX,
} from '../../src/emulator';
import { LANGUAGES } from '../../src/verification/language';
import { until } from '../helpers/until';

const PERSON_ID = '7d943c51-e4ff-4e57-9558-08cab6b963c7';
const BUSINESS_ID = '2f1c6a9e-5b7d-4c3a-9e8f-1a2b3c4d5e6f';
const UNKNOWN_PERSON_ID = '00000000-1111-4222-8333-444444444444';
const UNKNOWN_BUSINESS_ID = '00000000-aaaa-4bbb-8ccc-dddddddddddd';
const TOKEN = 'emulator-test-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const JSON_HEADERS = { ...AUTH, 'content-type': 'application/json' };
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ERRORS = 'https://api.synctera.com/errors/';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: unknown;
}

async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const response = await request(url, {
    method: init.method ?? 'GET',
    headers: init.headers,
    body: init.body,
  });
  const text = await response.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, text, json };
}

function expectProblem(
  answer: Answer,
  status: number,
  slug: string,
  extra: Record<string, unknown> = {},
): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toBe('application/problem+json');
  expect(answer.json).toEqual({
    type: ERRORS + slug,
    title: expect.any(String),
    status,
    detail: expect.any(String),
    ...extra,
  });
}

describe('Synctera emulator', () => {
  let emulator: Emulator;
  let sessionUrl: string;

  beforeAll(async () => {
    emulator = await startEmulator();
    sessionUrl = emulator.url + DEFAULT_SESSION_PATH;
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const origin = () => new URL(emulator.url).origin;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    call(sessionUrl, {
      method: 'POST',
      headers: { ...JSON_HEADERS, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  describe('creating a session', () => {
    it('serves on loopback under /v0', () => {
      expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v0$/);
      expect(DEFAULT_SESSION_PATH).toBe('/verifications/document_verification_session');
    });

    it('creates a session for a person', async () => {
      const answer = await post({ person_id: PERSON_ID });
      expect(answer.status).toBe(201);
      expect(answer.headers['content-type']).toBe('application/json');
      const body = answer.json as Record<string, string>;
      expect(Object.keys(body)).toEqual(['person_id', 'session_id', 'state', 'url', 'id']);
      expect(body).toEqual({
        person_id: PERSON_ID,
        session_id: expect.stringMatching(UUID_V4),
        state: 'PENDING',
        url: `${origin()}/session/${body.session_id}`,
        id: expect.stringMatching(UUID_V4),
      });
      expect(body.id).not.toBe(body.session_id);
      expect(emulator.sessionsCreated).toBe(1);
    });

    it('creates a session for a business with every optional field', async () => {
      const answer = await post({
        business_id: BUSINESS_ID,
        document_type: 'PASSPORT',
        language: 'FR-CA',
        send_sms: true,
      });
      expect(answer.status).toBe(201);
      expect(answer.json).toEqual({
        business_id: BUSINESS_ID,
        session_id: expect.stringMatching(UUID_V4),
        state: 'PENDING',
        url: expect.stringMatching(/\/session\//),
        id: expect.stringMatching(UUID_V4),
      });
      expect(answer.json).not.toHaveProperty('person_id');
    });

    it('accepts each of the 49 language codes, both document types and a JSON charset', async () => {
      expect(LANGUAGES).toHaveLength(49);
      for (const { code } of LANGUAGES) {
        expect((await post({ person_id: PERSON_ID, language: code })).status).toBe(201);
      }
      for (const documentType of ['LICENSE', 'PASSPORT']) {
        const answer = await post({ person_id: PERSON_ID, document_type: documentType });
        expect(answer.status).toBe(201);
      }
      const charset = await post(
        { person_id: PERSON_ID, send_sms: false },
        { 'content-type': 'application/json; charset=utf-8' },
      );
      expect(charset.status).toBe(201);
      expect(emulator.sessionsCreated).toBe(52);
    });

    it('records every request on the session path', async () => {
      await post({ person_id: PERSON_ID }, { 'idempotency-key': 'k-1' });
      await call(sessionUrl, { method: 'POST', body: 'no auth' });
      expect(emulator.requests).toHaveLength(2);
      expect(emulator.requests[0]).toEqual({
        method: 'POST',
        path: '/v0' + DEFAULT_SESSION_PATH,
        headers: expect.objectContaining({
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          'idempotency-key': 'k-1',
        }),
        body: JSON.stringify({ person_id: PERSON_ID }),
        json: { person_id: PERSON_ID },
        receivedAt: expect.any(Number),
      });
      expect(emulator.requests[1]).toMatchObject({ body: 'no auth', json: undefined });
    });
  });

  describe('validation', () => {
    it.each<[string, unknown, string | RegExp]>([
      ['an unknown field', { person_id: PERSON_ID, customer_id: PERSON_ID }, /customer_id/],
      ['neither id', {}, 'Exactly one of person_id or business_id must be set'],
      [
        'both ids',
        { person_id: PERSON_ID, business_id: BUSINESS_ID },
        'Exactly one of person_id or business_id must be set',
      ],
      ['a person_id that is not a UUID', { person_id: 'p-1' }, /person_id/],
      ['a person_id that is a number', { person_id: 42 }, /person_id/],
      ['a person_id that is null', { person_id: null }, /person_id/],
      ['a business_id that is not a UUID', { business_id: `${BUSINESS_ID}x` }, /business_id/],
      [
        'an unknown document_type',
        { person_id: PERSON_ID, document_type: 'ID_CARD' },
        /document_type/,
      ],
      [
        'a lower-case document_type',
        { person_id: PERSON_ID, document_type: 'license' },
        /document_type/,
      ],
      ['a null document_type', { person_id: PERSON_ID, document_type: null }, /document_type/],
      ['a GraphQL-style language', { person_id: PERSON_ID, language: 'EN_US' }, /language/],
      ['an unknown language', { person_id: PERSON_ID, language: 'XX-XX' }, /language/],
      ['a language that is not a string', { person_id: PERSON_ID, language: 1 }, /language/],
      ['a send_sms string', { person_id: PERSON_ID, send_sms: 'true' }, /send_sms/],
      ['a send_sms number', { person_id: PERSON_ID, send_sms: 1 }, /send_sms/],
    ])('refuses %s with 400 BAD_REQUEST_BODY', async (_name, body, detail) => {
      const answer = await post(body);
      expectProblem(answer, 400, 'bad-request', { code: 'BAD_REQUEST_BODY', title: 'Bad Request' });
      expect((answer.json as { detail: string }).detail).toMatch(detail);
      expect(emulator.sessionsCreated).toBe(0);
      expect(emulator.requests).toHaveLength(1);
    });

    it.each<[string, Record<string, string>, string]>([
      ['a text/plain content type', { 'content-type': 'text/plain' }, '{}'],
      ['malformed JSON', {}, '{"person_id": '],
      ['an empty body', {}, ''],
      ['a JSON array', {}, `[{"person_id":"${PERSON_ID}"}]`],
      ['JSON null', {}, 'null'],
      ['a JSON string', {}, '"hello"'],
    ])('refuses %s with 400 BAD_REQUEST_BODY', async (_name, headers, body) => {
      const answer = await post(body, headers);
      expectProblem(answer, 400, 'bad-request', { code: 'BAD_REQUEST_BODY' });
      expect(emulator.sessionsCreated).toBe(0);
    });

    it('refuses a request without a content type', async () => {
      const answer = await call(sessionUrl, {
        method: 'POST',
        headers: AUTH,
        body: JSON.stringify({ person_id: PERSON_ID }),
      });
      expectProblem(answer, 400, 'bad-request', { code: 'BAD_REQUEST_BODY' });
    });
  });

  describe('authorization', () => {
    it.each<[string, Record<string, string>]>([
      ['no Authorization', {}],
      ['an empty Authorization', { authorization: '' }],
      ['a Basic scheme', { authorization: 'Basic dTpw' }],
      ['a Bearer scheme without a token', { authorization: 'Bearer ' }],
      ['a bare Bearer', { authorization: 'Bearer' }],
      ['a token with spaces', { authorization: 'Bearer a b' }],
    ])('answers 401 for %s, before looking at the body', async (_name, headers) => {
      const answer = await call(sessionUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: 'not json',
      });
      expectProblem(answer, 401, 'unauthorized', { title: 'Unauthorized' });
      expect(answer.headers['www-authenticate']).toBe('Bearer');
      expect(emulator.sessionsCreated).toBe(0);
      expect(emulator.requests).toHaveLength(1);
    });

    it('accepts the Bearer scheme in any case', async () => {
      const answer = await post({ person_id: PERSON_ID }, { authorization: `bEaReR ${TOKEN}` });
      expect(answer.status).toBe(201);
    });
  });

  describe('unknown customers', () => {
    it('uses the documented prefix', () => {
      expect(UNKNOWN_CUSTOMER_ID_PREFIX).toBe('00000000-');
    });

    it.each([
      ['person', { person_id: UNKNOWN_PERSON_ID }, `person ${UNKNOWN_PERSON_ID} not found`],
      [
        'business',
        { business_id: UNKNOWN_BUSINESS_ID },
        `business ${UNKNOWN_BUSINESS_ID} not found`,
      ],
    ])('answers 404 for an unknown %s', async (_kind, body, detail) => {
      const answer = await post(body);
      expectProblem(answer, 404, 'not-found', { title: 'Not Found', detail });
      expect(emulator.sessionsCreated).toBe(0);
    });

    it('replays the 404 for the same key', async () => {
      const headers = { 'idempotency-key': 'unknown-1' };
      const first = await post({ person_id: UNKNOWN_PERSON_ID }, headers);
      const again = await post({ person_id: UNKNOWN_PERSON_ID }, headers);
      expectProblem(again, 404, 'not-found');
      expect(again.json).toEqual(first.json);
      expect(again.headers['idempotent-replayed']).toBe('true');
    });
  });

  describe('idempotency', () => {
    it('replays the same answer for the same key and body, whatever the key order', async () => {
      const headers = { 'idempotency-key': 'replay-1' };
      const first = await post(
        { person_id: PERSON_ID, language: 'EN-GB', send_sms: true },
        headers,
      );
      const again = await post(
        `{"send_sms":true,"language":"EN-GB","person_id":"${PERSON_ID}"}`,
        headers,
      );
      expect(first.status).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(again.status).toBe(201);
      expect(again.json).toEqual(first.json);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(emulator.sessionsCreated).toBe(1);
      expect(emulator.requests).toHaveLength(2);
    });

    it('creates a session per request when no key is sent', async () => {
      const first = await post({ person_id: PERSON_ID });
      const second = await post({ person_id: PERSON_ID });
      expect(second.json).not.toEqual(first.json);
      expect(emulator.sessionsCreated).toBe(2);
    });

    it('scopes keys per bearer token', async () => {
      const key = { 'idempotency-key': 'shared-key' };
      const a = await post({ person_id: PERSON_ID }, { ...key, authorization: 'Bearer token-a' });
      const b = await post({ person_id: PERSON_ID }, { ...key, authorization: 'Bearer token-b' });
      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      expect(b.headers['idempotent-replayed']).toBeUndefined();
      expect((b.json as { session_id: string }).session_id).not.toBe(
        (a.json as { session_id: string }).session_id,
      );
      expect(emulator.sessionsCreated).toBe(2);
    });

    it('answers 409 IDEMPOTENCY_KEY_REUSED when a key comes back with another body', async () => {
      const headers = { 'idempotency-key': 'reused' };
      await post({ person_id: PERSON_ID }, headers);
      const answer = await post({ person_id: PERSON_ID, send_sms: true }, headers);
      expectProblem(answer, 409, 'conflict', { code: 'IDEMPOTENCY_KEY_REUSED' });
      expect((answer.json as { detail: string }).detail).toMatch(/different request body/);
      expect(emulator.sessionsCreated).toBe(1);
    });

    it('makes a concurrent request with the same key wait for the first one', async () => {
      emulator.injectFault({ kind: 'delay', ms: 200 });
      const headers = { 'idempotency-key': 'concurrent' };
      const [a, b] = await Promise.all([
        post({ person_id: PERSON_ID }, headers),
        post({ person_id: PERSON_ID }, headers),
      ]);
      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      expect(a.json).toEqual(b.json);
      expect([a, b].filter((x) => x.headers['idempotent-replayed'] === 'true')).toHaveLength(1);
      expect(emulator.sessionsCreated).toBe(1);
      expect(emulator.requests).toHaveLength(2);
    });

    it('does not store refusals: a corrected body may reuse the key', async () => {
      const headers = { 'idempotency-key': 'fix-me' };
      expect((await post({ person_id: 'nope' }, headers)).status).toBe(400);
      expect((await post({ person_id: PERSON_ID }, headers)).status).toBe(201);
    });
  });

  describe('faults', () => {
    it('respond: answers with an object as problem JSON for an error status', async () => {
      const body = { type: `${ERRORS}unavailable`, title: 'Down', status: 503, detail: 'down' };
      emulator.injectFault({ kind: 'respond', status: 503, body, headers: { 'Retry-After': '1' } });
      const answer = await post({ person_id: PERSON_ID });
      expect(answer.status).toBe(503);
      expect(answer.headers['content-type']).toBe('application/problem+json');
      expect(answer.headers['retry-after']).toBe('1');
      expect(answer.json).toEqual(body);
      expect(emulator.sessionsCreated).toBe(0);
      expect(emulator.requests).toHaveLength(1);
    });

    it('respond: answers with an object as JSON for a success status', async () => {
      const body = { person_id: PERSON_ID, session_id: 's-1', state: 'COMPLETE', url: 'x' };
      emulator.injectFault({ kind: 'respond', status: 201, body });
      const answer = await post({ person_id: PERSON_ID });
      expect(answer.status).toBe(201);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(answer.json).toEqual(body);
      expect(emulator.sessionsCreated).toBe(0);
    });

    it('respond: sends a string body as is, with the content type given or text/plain', async () => {
      emulator.injectFault({
        kind: 'respond',
        status: 502,
        body: '<html>bad gateway</html>',
        headers: { 'content-type': 'text/html', 'x-request-id': 'from-fault' },
      });
      emulator.injectFault({ kind: 'respond', status: 401, body: 'not json' });
      const html = await post({ person_id: PERSON_ID });
      expect(html.status).toBe(502);
      expect(html.headers['content-type']).toBe('text/html');
      expect(html.headers['x-request-id']).toBe('from-fault');
      expect(html.text).toBe('<html>bad gateway</html>');
      const plain = await post({ person_id: PERSON_ID });
      expect(plain.status).toBe(401);
      expect(plain.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(plain.text).toBe('not json');
      expect(plain.headers['x-request-id']).toMatch(UUID_V4);
    });

    it('consumes faults first in, first out, each for its number of requests', async () => {
      emulator.injectFault({ kind: 'respond', status: 503 }, 2);
      emulator.injectFault({ kind: 'respond', status: 429 });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await post({ person_id: PERSON_ID })).status);
      expect(statuses).toEqual([503, 503, 429, 201]);
      expect(emulator.requests).toHaveLength(4);
    });

    it('delay: waits, then answers normally', async () => {
      emulator.injectFault({ kind: 'delay', ms: 150 });
      const started = Date.now();
      const answer = await post({ person_id: PERSON_ID });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(answer.status).toBe(201);
      expect(emulator.sessionsCreated).toBe(1);
    });

    it('reset-before: drops the connection and creates nothing', async () => {
      emulator.injectFault({ kind: 'reset-before' });
      await expect(post({ person_id: PERSON_ID }, { 'idempotency-key': 'rb' })).rejects.toThrow();
      expect(emulator.sessionsCreated).toBe(0);
      expect(emulator.requests).toHaveLength(1);
      const retry = await post({ person_id: PERSON_ID }, { 'idempotency-key': 'rb' });
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBeUndefined();
    });

    it('reset-after: commits the session, drops the connection, and a retry replays it', async () => {
      emulator.injectFault({ kind: 'reset-after' });
      const headers = { 'idempotency-key': 'ra' };
      await expect(post({ person_id: PERSON_ID }, headers)).rejects.toThrow();
      expect(emulator.sessionsCreated).toBe(1);
      const retry = await post({ person_id: PERSON_ID }, headers);
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(emulator.sessionsCreated).toBe(1);
      expect(emulator.requests).toHaveLength(2);
    });

    it('refuses faults it could not apply', () => {
      const bad: Array<[EmulatorFault, number?]> = [
        [{ kind: 'respond', status: 99 }],
        [{ kind: 'respond', status: 201, headers: { 'bad header': 'x' } }],
        [{ kind: 'delay', ms: -1 }],
        [{ kind: 'hang' }, 0],
        [{ kind: 'hang' }, 1.5],
      ];
      for (const [fault, times] of bad) expect(() => emulator.injectFault(fault, times)).toThrow();
    });

    it('reset() forgets queued faults', async () => {
      emulator.injectFault({ kind: 'respond', status: 500 });
      emulator.reset();
      expect((await post({ person_id: PERSON_ID })).status).toBe(201);
    });
  });

  it('hang: never answers, until close() ends the connection', async () => {
    const own = await startEmulator();
    own.injectFault({ kind: 'hang' });
    const pending = request(own.url + DEFAULT_SESSION_PATH, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ person_id: PERSON_ID }),
    });
    const outcome = pending.then(
      () => 'answered',
      () => 'failed',
    );
    await until(() => own.requests.length > 0);
    const early = await Promise.race([
      outcome,
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 200)),
    ]);
    expect(early).toBe('still waiting');
    await own.close();
    expect(await outcome).toBe('failed');
    expect(own.sessionsCreated).toBe(0);
  });

  describe('latencyMs', () => {
    it('makes every session request wait that long, adding a delay fault on top', async () => {
      const slow = await startEmulator({ latencyMs: 120 });
      try {
        const send = () =>
          call(slow.url + DEFAULT_SESSION_PATH, {
            method: 'POST',
            headers: JSON_HEADERS,
            body: JSON.stringify({ person_id: PERSON_ID }),
          });
        let started = Date.now();
        expect((await send()).status).toBe(201);
        expect(Date.now() - started).toBeGreaterThanOrEqual(110);
        slow.injectFault({ kind: 'delay', ms: 100 });
        started = Date.now();
        expect((await send()).status).toBe(201);
        expect(Date.now() - started).toBeGreaterThanOrEqual(210);
        expect(slow.sessionsCreated).toBe(2);
      } finally {
        await slow.close();
      }
    });

    it('refuses a negative or non-finite latency', async () => {
      await expect(startEmulator({ latencyMs: -1 })).rejects.toThrow(RangeError);
      await expect(startEmulator({ latencyMs: Number.NaN })).rejects.toThrow(RangeError);
    });
  });

  describe('reset()', () => {
    it('forgets requests, sessions and idempotency keys', async () => {
      const headers = { 'idempotency-key': 'forgotten' };
      const first = await post({ person_id: PERSON_ID }, headers);
      emulator.reset();
      expect(emulator.requests).toHaveLength(0);
      expect(emulator.sessionsCreated).toBe(0);
      const page = await call((first.json as { url: string }).url);
      expect(page.status).toBe(404);
      const again = await post({ person_id: PERSON_ID }, headers);
      expect(again.headers['idempotent-replayed']).toBeUndefined();
      expect(emulator.sessionsCreated).toBe(1);
    });
  });

  describe('X-Request-Id', () => {
    it('echoes the caller’s X-Request-Id', async () => {
      const answer = await post({ person_id: PERSON_ID }, { 'x-request-id': 'req-42' });
      expect(answer.headers['x-request-id']).toBe('req-42');
      const refused = await post({}, { 'x-request-id': 'req-43' });
      expect(refused.headers['x-request-id']).toBe('req-43');
    });

    it('generates one when absent, on every route', async () => {
      for (const answer of [
        await post({ person_id: PERSON_ID }),
        await post({ person_id: 'x' }),
        await call(`${origin()}/health`),
        await call(`${origin()}/nowhere`),
      ]) {
        expect(answer.headers['x-request-id']).toMatch(UUID_V4);
      }
    });
  });

  describe('other routes', () => {
    it('serves a page for each session saying it is not a real verification', async () => {
      const created = await post({ person_id: PERSON_ID, document_type: 'LICENSE' });
      const { url, session_id: sessionId } = created.json as { url: string; session_id: string };
      const page = await call(url);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.text).toContain('NOT a real verification');
      expect(page.text).toContain(sessionId);
      expect(page.text).toContain(PERSON_ID);
      expect(emulator.requests).toHaveLength(1);
    });

    it('answers 404 for an unknown session page', async () => {
      expectProblem(await call(`${origin()}/session/${PERSON_ID}`), 404, 'not-found');
      expectProblem(await call(`${origin()}/session/<script>`), 404, 'not-found');
    });

    it('answers GET /health', async () => {
      const answer = await call(`${origin()}/health`);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(answer.text).toBe('{"status":"ok"}');
    });

    it.each(['GET', 'PUT', 'DELETE', 'PATCH'])(
      'answers 405 for %s on the session path, and records it',
      async (method) => {
        const answer = await call(sessionUrl, { method, headers: AUTH });
        expectProblem(answer, 405, 'method-not-allowed');
        expect(answer.headers.allow).toBe('POST');
        expect(emulator.requests).toHaveLength(1);
      },
    );

    it('answers 404 for any other path', async () => {
      expectProblem(await call(`${origin()}/`), 404, 'not-found');
      expectProblem(
        await call(`${emulator.url}/verifications/other`, {
          method: 'POST',
          headers: JSON_HEADERS,
          body: '{}',
        }),
        404,
        'not-found',
      );
      expectProblem(
        await call(`${origin()}${DEFAULT_SESSION_PATH}`, { method: 'POST' }),
        404,
        'not-found',
      );
      expect(emulator.requests).toHaveLength(0);
    });

    it('accepts a body of exactly 1 MiB and answers 413 beyond it', async () => {
      const json = JSON.stringify({ person_id: PERSON_ID });
      const exact = json + ' '.repeat(MAX_BODY_BYTES - json.length);
      expect((await post(exact)).status).toBe(201);
      const answer = await post(exact + ' ');
      expectProblem(answer, 413, 'payload-too-large');
      expect(emulator.sessionsCreated).toBe(1);
      expect(emulator.requests).toHaveLength(2);
      const other = await call(`${origin()}/health`, { method: 'POST', body: exact + ' ' });
      expectProblem(other, 413, 'payload-too-large');
    });

    it('survives garbage and keeps serving', async () => {
      await post('\u0000\uffff{{{');
      await post(JSON.stringify({ person_id: PERSON_ID, ['__proto__']: { polluted: true } }));
      expect((await post({ person_id: PERSON_ID })).status).toBe(201);
    });
  });
});

describe('Synctera emulator options', () => {
  it('serves under a custom base path and session path', async () => {
    const own = await startEmulator({ basePath: '/api/', sessionPath: 'sessions' });
    try {
      expect(own.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
      const answer = await call(`${own.url}/sessions`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ business_id: BUSINESS_ID }),
      });
      expect(answer.status).toBe(201);
      expect((answer.json as { url: string }).url).toMatch(
        new RegExp(`^${new URL(own.url).origin}/session/`),
      );
    } finally {
      await own.close();
    }
  });

  it('keeps only the latest maxRecordedRequests', async () => {
    const own = await startEmulator({ maxRecordedRequests: 2 });
    try {
      for (const key of ['a', 'b', 'c']) {
        await call(own.url + DEFAULT_SESSION_PATH, {
          method: 'POST',
          headers: { ...JSON_HEADERS, 'idempotency-key': key },
          body: JSON.stringify({ person_id: PERSON_ID }),
        });
      }
      expect(own.requests.map((r) => r.headers['idempotency-key'])).toEqual(['b', 'c']);
      expect(own.sessionsCreated).toBe(3);
    } finally {
      await own.close();
    }
  });

  it('refuses a bad maxRecordedRequests', async () => {
    await expect(startEmulator({ maxRecordedRequests: -1 })).rejects.toThrow(RangeError);
    await expect(startEmulator({ maxRecordedRequests: 1.5 })).rejects.toThrow(RangeError);
  });

  it('close() is idempotent', async () => {
    const own = await startEmulator();
    await Promise.all([own.close(), own.close()]);
    await own.close();
  });
});
