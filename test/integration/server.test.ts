import { CreateSessionDocument } from '../generated/graphql';
import { readFileSync } from 'node:fs';
import { SANDBOX_EXAMPLE_OPERATION } from '../../src/graphql/plugins/landing-page';
import { AUTH, PERSON_ID, postGraphQL, type Stack, useStack } from '../helpers/stack';

const origin = (running: Stack) => running.url.replace(/\/graphql$/, '');

describe('HTTP server (development)', () => {
  const stack = useStack();

  it('answers GET /health with 200 {"status":"ok"}', async () => {
    const response = await fetch(`${origin(stack())}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('serves queries over GET /graphql, with a Content-Length', async () => {
    const query = encodeURIComponent('{ documentVerificationLanguages { code } }');
    const response = await fetch(`${stack().url}?query=${query}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(response.headers.get('transfer-encoding')).toBeNull();
    const body = JSON.parse(text) as { data: { documentVerificationLanguages: unknown[] } };
    expect(body.data.documentVerificationLanguages).toHaveLength(49);
  });

  it('refuses a mutation over GET and sends nothing upstream', async () => {
    stack().emulator.reset();
    const query = encodeURIComponent(
      `mutation { createDocumentVerificationSession(input: { customer: { personId: "${PERSON_ID}" } }) { idempotencyKey } }`,
    );
    const response = await fetch(`${stack().url}?query=${query}`, {
      headers: { 'apollo-require-preflight': 'true', ...AUTH },
    });
    expect(response.status).toBe(405);
    expect(stack().emulator.requests).toHaveLength(0);
  });

  it('blocks a simple cross-site GET (CSRF prevention)', async () => {
    const query = encodeURIComponent('{ documentVerificationLanguages { code } }');
    const response = await fetch(`${stack().url}?query=${query}`);
    expect(response.status).toBe(400);
  });

  it('serves Apollo Sandbox to a browser, opened on the example operation and headers', async () => {
    const response = await fetch(stack().url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('embeddable-sandbox');
    const config = html.match(/var embeddedSandboxConfig = (.*);/)?.[1];
    const { initialState } = JSON.parse(config ?? '{}') as {
      initialState: { document: string; headers: Record<string, string> };
    };
    expect(initialState.document).toBe(readFileSync(SANDBOX_EXAMPLE_OPERATION, 'utf8'));
    expect(initialState.document).toContain('mutation CreateSessionForPerson');
    expect(Object.keys(initialState.headers)).toEqual(['Authorization', 'Idempotency-Key']);
    expect(initialState.headers.Authorization).toMatch(/^Bearer </);
  });

  it('allows introspection', async () => {
    const { body } = await postGraphQL<{ __schema: unknown }>(stack().url, {
      query: '{ __schema { queryType { name } } }',
    });
    expect(body.data?.__schema).toEqual({ queryType: { name: 'Query' } });
  });

  it('answers 404 elsewhere, 400 for bad JSON and 413 for a huge body', async () => {
    expect((await fetch(`${origin(stack())}/nope`)).status).toBe(404);
    const bad = await fetch(stack().url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(bad.status).toBe(400);
    const huge = await fetch(stack().url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename }`, padding: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
  });

  it('refuses batched requests', async () => {
    const { status } = await postGraphQL(stack().url, [
      { query: '{ __typename }' },
      { query: '{ __typename }' },
    ]);
    expect(status).toBe(400);
  });
});

describe('HTTP server (production)', () => {
  const stack = useStack({ NODE_ENV: 'production' });

  it('turns introspection off', async () => {
    const { body } = await postGraphQL(stack().url, {
      query: '{ __schema { queryType { name } } }',
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/introspection/i);
  });

  it('keeps _service { sdl } on for the router', async () => {
    const { body } = await postGraphQL<{ _service: { sdl: string } }>(stack().url, {
      query: '{ _service { sdl } }',
    });
    expect(body.data?._service.sdl).toContain('createDocumentVerificationSession');
  });

  it('serves no Sandbox', async () => {
    const response = await fetch(stack().url, { headers: { accept: 'text/html' } });
    expect(await response.text()).not.toContain('embeddable-sandbox');
  });

  it('still creates sessions, without stack traces in errors', async () => {
    const ok = await stack().execute(CreateSessionDocument, {
      input: { customer: { personId: PERSON_ID } },
    });
    expect(ok.body.errors).toBeUndefined();
    const refused = await stack().execute(
      CreateSessionDocument,
      { input: { customer: {} as never } },
      {},
    );
    expect(refused.body.errors?.[0]?.extensions?.stacktrace).toBeUndefined();
  });
});
