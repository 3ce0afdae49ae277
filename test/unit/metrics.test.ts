import { Metrics } from '../../src/telemetry/metrics';

const OPERATIONS = new Set(['CreateSessionForPerson']);

/** The value of one sample line, `name{labels} value`, or undefined when absent. */
async function sample(metrics: Metrics, series: string): Promise<number | undefined> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Metrics', () => {
  it('counts each call on the series of its label value', async () => {
    const metrics = new Metrics(OPERATIONS);
    for (let i = 0; i < 3; i++) {
      metrics.requestStarted();
      metrics.attempt({ status: 201 }, 0.08);
      metrics.sessionCreated();
      metrics.requestEnded('CreateSessionForPerson');
    }
    metrics.requestStarted();
    metrics.attempt({ status: 503 }, 0.2);
    metrics.attempt({ failure: 'timeout' }, 10);
    metrics.retry('status-503');
    metrics.error('UPSTREAM_UNAVAILABLE');
    metrics.requestEnded(undefined);
    metrics.requestStarted();

    const at = (series: string) => sample(metrics, series);
    expect(await at('graphql_requests_total{operation_name="CreateSessionForPerson"}')).toBe(3);
    expect(await at('graphql_requests_total{operation_name="anonymous"}')).toBe(1);
    expect(await at('graphql_requests_in_flight')).toBe(1);
    expect(await at('graphql_errors_total{code="UPSTREAM_UNAVAILABLE"}')).toBe(1);
    expect(await at('upstream_attempts_total{status="201"}')).toBe(3);
    expect(await at('upstream_attempts_total{status="503"}')).toBe(1);
    expect(await at('upstream_attempts_total{status="timeout"}')).toBe(1);
    expect(await at('upstream_retries_total{reason="status-503"}')).toBe(1);
    expect(await at('document_verification_sessions_created_total')).toBe(3);
    expect(await at('upstream_attempt_duration_seconds_count{result="2xx"}')).toBe(3);
    expect(await at('upstream_attempt_duration_seconds_bucket{le="0.1",result="2xx"}')).toBe(3);
    expect(await at('upstream_attempt_duration_seconds_count{result="5xx"}')).toBe(1);
    expect(await at('upstream_attempt_duration_seconds_sum{result="timeout"}')).toBe(10);
  });

  it('keeps the counts of two instances apart', async () => {
    const one = new Metrics(OPERATIONS);
    const two = new Metrics(OPERATIONS);
    one.sessionCreated();
    one.error('UNAUTHENTICATED');
    expect(await sample(one, 'document_verification_sessions_created_total')).toBe(1);
    expect(await sample(two, 'document_verification_sessions_created_total')).toBe(0);
    expect(await sample(two, 'graphql_errors_total{code="UNAUTHENTICATED"}')).toBeUndefined();
  });

  it('bounds the error codes', async () => {
    const metrics = new Metrics(OPERATIONS);
    for (let i = 0; i < 50; i++) metrics.error(`CODE_${i}`);
    metrics.error('not a code');
    metrics.error(42);
    const text = await metrics.registry.metrics();
    const series = text.split('\n').filter((l) => l.startsWith('graphql_errors_total{'));
    expect(series).toHaveLength(40 + 2);
    expect(await sample(metrics, 'graphql_errors_total{code="other"}')).toBe(10 + 1);
    expect(await sample(metrics, 'graphql_errors_total{code="none"}')).toBe(1);
  });
});
