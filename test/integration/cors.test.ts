import { AUTH, postGraphQL, type Stack, useStack } from '../helpers/stack';

const APP = 'https://app.example';
const OTHER = 'http://localhost:3000';
const EVIL = 'https://evil.example';

const origin = (running: Stack) => running.url.replace(/\/graphql$/, '');

/** A browser's preflight for a POST of the mutation, from `from`. */
const preflight = (running: Stack, from: string) =>
  fetch(running.url, {
    method: 'OPTIONS',
    headers: {
      origin: from,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,idempotency-key',
    },
  });

/** A query POSTed with `headers` (no Origin unless given), as a router or curl sends it. */
const query = (running: Stack, headers: Record<string, string> = {}) =>
  postGraphQL(running.url, { query: '{ __typename }' }, { ...AUTH, ...headers });

/** Every CORS_ORIGINS setting serves a server-to-server call, and probes, without CORS. */
describe.each([
  ['one origin', APP],
  ['a list', `${APP}, ${OTHER}`],
  ['any origin', '*'],
])('CORS_ORIGINS set to %s', (_name, corsOrigins) => {
  const stack = useStack({ CORS_ORIGINS: corsOrigins });
  const anyOrigin = corsOrigins === '*';

  it('serves a request without Origin normally', async () => {
    const { status, body } = await query(stack());
    expect(status).toBe(200);
    expect(body).toEqual({ data: { __typename: 'Query' } });
  });

  it('serves a request from another origin, without CORS headers unless any origin is allowed', async () => {
    const { status, body, headers } = await query(stack(), { origin: EVIL });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { __typename: 'Query' } });
    expect(headers.get('access-control-allow-origin')).toBe(anyOrigin ? '*' : null);
  });

  it('marks a request from an allowed origin', async () => {
    const { status, headers } = await query(stack(), { origin: APP });
    expect(status).toBe(200);
    expect(headers.get('access-control-allow-origin')).toBe(anyOrigin ? '*' : APP);
    expect(headers.get('access-control-expose-headers')).toBe('x-request-id');
  });

  it('answers a preflight from an allowed origin with 204 and the CORS headers', async () => {
    const response = await preflight(stack(), APP);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(anyOrigin ? '*' : APP);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,POST,OPTIONS');
    expect(response.headers.get('access-control-allow-headers')).toContain('idempotency-key');
  });

  it('answers a preflight from another origin without CORS headers, and without an error', async () => {
    const response = await preflight(stack(), EVIL);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(anyOrigin ? '*' : null);
    if (!anyOrigin) expect(response.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('answers /health with or without Origin, with no CORS headers', async () => {
    const callers: Record<string, string>[] = [{}, { origin: EVIL }, { origin: APP }];
    for (const headers of callers) {
      const response = await fetch(`${origin(stack())}/health`, { headers });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});

describe('a list of origins', () => {
  const stack = useStack({ CORS_ORIGINS: `${APP}, ${OTHER}` });

  it('allows each origin of the list, and says the answer varies by Origin', async () => {
    for (const from of [APP, OTHER]) {
      const { headers } = await query(stack(), { origin: from });
      expect(headers.get('access-control-allow-origin')).toBe(from);
      expect(headers.get('vary')).toMatch(/origin/i);
    }
    expect((await query(stack(), { origin: EVIL })).headers.get('vary')).toMatch(/origin/i);
  });
});
