import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AUTH, PERSON_ID, postGraphQL, startStack, useStack } from '../helpers/stack';
import { until } from '../helpers/until';
import { loadConfig } from '../../src/config';
import { startEmulator } from '../../src/emulator';
import { createServer } from '../../src/http/server';
import { createLogger } from '../../src/logger';

/** A committed operation of schema/operations: its name is one the label keeps. */
const MUTATION = readFileSync(
  resolve(__dirname, '../../schema/operations/create-session-for-person.graphql'),
  'utf8',
);
const OPERATION = 'CreateSessionForPerson';
const LANGUAGES_QUERY = readFileSync(
  resolve(__dirname, '../../schema/operations/document-verification-languages.graphql'),
  'utf8',
);
const variables = { personId: PERSON_ID };

/** The value of one sample line, `name{labels} value`, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  const stack = useStack();
  const metricsUrl = () => stack().url.replace(/\/graphql$/, '/metrics');
  const scrape = async () => {
    const response = await fetch(metricsUrl());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    return response.text();
  };
  const create = (headers: Record<string, string> = AUTH, operationName = OPERATION) =>
    postGraphQL(stack().url, { query: MUTATION, variables, operationName }, headers);

  it('has the default process metrics and every metric of this subgraph, without a request', async () => {
    const text = await scrape();
    for (const name of [
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
      'graphql_requests_total',
      'graphql_errors_total',
      'graphql_requests_in_flight',
      'upstream_attempts_total',
      'upstream_attempt_duration_seconds',
      'upstream_retries_total',
      'document_verification_sessions_created_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('counts requests, errors by code, attempts, retries and sessions', async () => {
    const before = await scrape();
    const at = (text: string, series: string) => sample(text, series) ?? 0;

    expect((await create()).body.errors).toBeUndefined();
    stack().emulator.injectFault({ kind: 'respond', status: 503, body: { title: 'down' } });
    expect((await create()).body.errors).toBeUndefined(); // one retry, then a session
    stack().emulator.injectFault({ kind: 'respond', status: 503, body: { title: 'down' } }, 3);
    const unavailable = await create();
    expect(unavailable.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    const unauthenticated = await create({});
    expect(unauthenticated.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const query = await postGraphQL(stack().url, {
      query: '{ documentVerificationLanguages { code } }',
    });
    expect(query.body.errors).toBeUndefined();
    const bad = await postGraphQL(stack().url, { query: '{ nope }', operationName: null });
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const after = await scrape();
    const delta = (series: string) => at(after, series) - at(before, series);
    expect(delta(`graphql_requests_total{operation_name="${OPERATION}"}`)).toBe(4);
    expect(delta('graphql_requests_total{operation_name="anonymous"}')).toBe(2);
    expect(delta('graphql_errors_total{code="UPSTREAM_UNAVAILABLE"}')).toBe(1);
    expect(delta('graphql_errors_total{code="UNAUTHENTICATED"}')).toBe(1);
    expect(delta('graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}')).toBe(1);
    expect(delta('upstream_attempts_total{status="201"}')).toBe(2);
    expect(delta('upstream_attempts_total{status="503"}')).toBe(4);
    expect(delta('upstream_retries_total{reason="status-503"}')).toBe(3);
    expect(delta('document_verification_sessions_created_total')).toBe(2);
    expect(delta('upstream_attempt_duration_seconds_count{result="2xx"}')).toBe(2);
    expect(delta('upstream_attempt_duration_seconds_count{result="5xx"}')).toBe(4);
    expect(at(after, 'upstream_attempt_duration_seconds_bucket{le="+Inf",result="2xx"}')).toBe(
      at(after, 'upstream_attempt_duration_seconds_count{result="2xx"}'),
    );
    expect(at(after, 'graphql_requests_in_flight')).toBe(0);
    expect(after).not.toContain('test-token');
  });

  it('counts the HTTP layer’s refusals of a GraphQL request by their code', async () => {
    const before = await scrape();
    const response = await fetch(stack().url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(response.status).toBe(400);
    const after = await scrape();
    const series = 'graphql_errors_total{code="BAD_USER_INPUT"}';
    expect((sample(after, series) ?? 0) - (sample(before, series) ?? 0)).toBe(1);
  });

  it('counts an attempt without an answer by its failure', async () => {
    stack().emulator.injectFault({ kind: 'reset-before' }, 3);
    const before = await scrape();
    expect((await create()).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    const after = await scrape();
    const series = 'upstream_attempts_total{status="network_error"}';
    expect((sample(after, series) ?? 0) - (sample(before, series) ?? 0)).toBe(3);
    expect(sample(after, 'upstream_retries_total{reason="network-error"}')).toBeGreaterThan(0);
  });

  it('counts requests in flight', async () => {
    stack().emulator.injectFault({ kind: 'delay', ms: 400 }, 2);
    const pending = [create(), create()];
    await until(() => stack().emulator.requests.length === 2);
    expect(sample(await scrape(), 'graphql_requests_in_flight')).toBe(2);
    await Promise.all(pending);
    expect(sample(await scrape(), 'graphql_requests_in_flight')).toBe(0);
  });

  it('keeps label values bounded whatever callers send', async () => {
    const hostile = [
      ...Array.from({ length: 120 }, (_, i) => `Op${i}`),
      'x"} 1\nevil_metric{a="',
      'a'.repeat(5000),
      'Ünïcode',
    ];
    for (const name of hostile) {
      await postGraphQL(
        stack().url,
        {
          query: `mutation ${name.replace(/\W/g, '_').slice(0, 60)} { __typename }`,
          operationName: name,
        },
        {
          ...AUTH,
          'x-request-id': name.replace(/[^\x21-\x7e]/g, '?').slice(0, 100),
          'idempotency-key': `k-${name.length}`,
          traceparent: `00-${'f'.repeat(32)}-${'e'.repeat(16)}-01`,
          'x-apollo-operation-name': name.replace(/[^\x21-\x7e]/g, '?').slice(0, 200),
        },
      );
    }
    const text = await scrape();
    const requestSeries = text
      .split('\n')
      .filter((line) => line.startsWith('graphql_requests_total{'));
    expect(requestSeries.length).toBeLessThanOrEqual(50 + 2);
    expect(text).toContain('graphql_requests_total{operation_name="other"}');
    expect(text).not.toContain('evil_metric');
    expect(text).not.toContain('a'.repeat(100));
    expect(text).not.toContain('Ünïcode');
    const errorSeries = text.split('\n').filter((line) => line.startsWith('graphql_errors_total{'));
    expect(errorSeries.length).toBeLessThan(10);
  });

  it('keeps the committed operations’ names after a flood of other names', async () => {
    for (let i = 0; i < 60; i++) {
      await postGraphQL(stack().url, {
        query: `query Flood${i} { __typename }`,
        operationName: `Flood${i}`,
      });
    }
    const before = await scrape();
    const languages = await postGraphQL(stack().url, {
      query: LANGUAGES_QUERY,
      operationName: 'DocumentVerificationLanguages',
    });
    expect(languages.body.errors).toBeUndefined();
    const after = await scrape();
    const series = 'graphql_requests_total{operation_name="DocumentVerificationLanguages"}';
    expect((sample(after, series) ?? 0) - (sample(before, series) ?? 0)).toBe(1);
    expect(after).not.toContain('operation_name="Flood');
  });

  it.each([
    [418, '4xx'],
    [299, '2xx'],
    [507, '5xx'],
    [422, '422'],
  ])('labels an upstream status %d as %j', async (status, label) => {
    stack().emulator.injectFault({ kind: 'respond', status, body: { title: 'odd' } });
    const before = await scrape();
    await create();
    const after = await scrape();
    const series = `upstream_attempts_total{status="${label}"}`;
    expect((sample(after, series) ?? 0) - (sample(before, series) ?? 0)).toBe(1);
    if (String(status) !== label) expect(after).not.toContain(`status="${status}"`);
  });
});

describe('/metrics and /ready with CORS_ORIGINS set', () => {
  const stack = useStack({ CORS_ORIGINS: 'https://studio.apollographql.com' });

  it.each<Record<string, string>>([
    {},
    { origin: 'https://evil.example' },
    { origin: 'https://studio.apollographql.com' },
  ])('are answered, without CORS headers, with %j', async (headers) => {
    for (const path of ['/metrics', '/ready']) {
      const response = await fetch(stack().url.replace(/\/graphql$/, path), { headers });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});

describe('METRICS=off', () => {
  const stack = useStack({ METRICS: 'off' });

  it('serves no /metrics and still serves GraphQL', async () => {
    const response = await fetch(stack().url.replace(/\/graphql$/, '/metrics'));
    expect(response.status).toBe(404);
    const { body } = await postGraphQL(stack().url, { query: MUTATION, variables });
    expect(body.errors).toBeUndefined();
  });
});

describe('METRICS_PORT', () => {
  const stack = useStack({ METRICS_PORT: '0' });

  it('serves /metrics on its own port, and not on the GraphQL port', async () => {
    const metricsUrl = stack().subgraph.metricsUrl();
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(metricsUrl ?? '').port).not.toBe(new URL(stack().url).port);

    const { body } = await postGraphQL(stack().url, {
      query: MUTATION,
      variables,
      operationName: OPERATION,
    });
    expect(body.errors).toBeUndefined();
    const response = await fetch(metricsUrl ?? '');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await response.text()).toContain(
      `graphql_requests_total{operation_name="${OPERATION}"}`,
    );

    const onGraphQLPort = await fetch(stack().url.replace(/\/graphql$/, '/metrics'));
    expect(onGraphQLPort.status).toBe(404);
    expect((await fetch(stack().url.replace(/\/graphql$/, '/health'))).status).toBe(200);
  });

  it('answers nothing but /metrics there', async () => {
    const origin = new URL(stack().subgraph.metricsUrl() ?? '').origin;
    for (const path of ['/graphql', '/health', '/', '/metrics/x']) {
      expect((await fetch(`${origin}${path}`)).status).toBe(404);
    }
    const post = await fetch(`${origin}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('METRICS_PORT with METRICS=off', () => {
  const stack = useStack({ METRICS_PORT: '0', METRICS: 'off' });

  it('opens no metrics listener', async () => {
    expect(stack().subgraph.metricsUrl()).toBeUndefined();
    expect((await fetch(stack().url.replace(/\/graphql$/, '/metrics'))).status).toBe(404);
  });
});

describe('closing a server with METRICS_PORT', () => {
  it('closes the metrics listener too', async () => {
    const stack = await startStack({ METRICS_PORT: '0' });
    const metricsUrl = stack.subgraph.metricsUrl() ?? '';
    expect((await fetch(metricsUrl)).status).toBe(200);
    await stack.close();
    await expect(fetch(metricsUrl)).rejects.toThrow();
  });
});

describe('METRICS_PORT when the server listens on no particular host', () => {
  it('listens on every interface, as the GraphQL port does, so pods can be scraped', async () => {
    const emulator = await startEmulator();
    const subgraph = await createServer({
      config: loadConfig({ SYNCTERA_BASE_URL: emulator.url, METRICS_PORT: '0' }),
      logger: createLogger('silent'),
    });
    try {
      await subgraph.listen(0);
      const { port } = new URL(subgraph.metricsUrl() ?? '');
      for (const host of ['127.0.0.1', '[::1]']) {
        const response = await fetch(`http://${host}:${port}/metrics`);
        expect(response.status).toBe(200);
        expect(response.headers.get('x-request-id')).toMatch(/^[\da-f-]{36}$/);
      }
    } finally {
      await subgraph.close();
      await emulator.close();
    }
  });
});
