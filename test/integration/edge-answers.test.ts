import type { InjectOptions } from 'fastify';
import { loadConfig } from '../../src/config';
import { createServer, type SubgraphServer } from '../../src/http/server';
import { createLogger } from '../../src/logger';

const APP = 'https://app.example';

/** The subgraph's Fastify instance, served through `inject()`: no socket, no upstream call. */
describe('every answer of the HTTP edge (inject)', () => {
  let server: SubgraphServer;
  beforeAll(async () => {
    server = await createServer({
      config: loadConfig({ SYNCTERA_BASE_URL: 'http://127.0.0.1:9/v0', CORS_ORIGINS: APP }),
      logger: createLogger('silent'),
    });
  });
  afterAll(() => server.close());

  it.each<[string, InjectOptions, number, string]>([
    ['a path that is not valid percent-encoding', { url: '/gr%zzaphql' }, 400, 'BAD_REQUEST'],
    ['HEAD on /graphql', { method: 'HEAD', url: '/graphql' }, 405, 'BAD_REQUEST'],
    ['a method no route has', { method: 'PATCH', url: '/graphql' }, 405, 'BAD_REQUEST'],
    [
      'a CORS preflight to a probe',
      {
        method: 'OPTIONS',
        url: '/health',
        headers: { origin: APP, 'access-control-request-method': 'GET' },
      },
      405,
      'BAD_REQUEST',
    ],
    [
      'a POST that is not JSON (Apollo’s CSRF refusal)',
      { method: 'POST', url: '/graphql', headers: { 'content-type': 'text/plain' }, payload: '{}' },
      400,
      'BAD_REQUEST',
    ],
    [
      'an empty JSON body',
      { method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' } },
      400,
      'BAD_USER_INPUT',
    ],
  ])(
    '%s: the contract’s JSON error, its code, one X-Request-Id',
    async (_name, request, status, code) => {
      const answer = await server.fastify.inject({ ...request, headers: { ...request.headers } });
      expect(answer.statusCode).toBe(status);
      const requestId = answer.headers['x-request-id'];
      expect(typeof requestId).toBe('string');
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      if (request.method === 'HEAD') return;
      expect(JSON.parse(answer.body)).toEqual({
        errors: [
          {
            message: expect.any(String),
            extensions: expect.objectContaining({ code, requestId }),
          },
        ],
      });
    },
  );

  it('reads a JSON body of any application/*+json type', async () => {
    const answer = await server.fastify.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/graphql-response+json; charset=utf-8' },
      payload: { query: '{ __typename }' },
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
