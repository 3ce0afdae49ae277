import { ConfigError, loadConfig } from '../../src/config';
import {
  ANONYMOUS_OPERATION,
  BoundedLabel,
  OTHER_LABEL_VALUE,
  operationNameLabel,
  upstreamStatusLabel,
} from '../../src/telemetry/bounded-label';
import { readOperationNames } from '../../src/telemetry/operation-names';
import { DEFAULT_SERVICE_NAME, readTracingConfig } from '../../src/telemetry/tracing-config';

function refusal(env: Record<string, string>): ConfigError {
  try {
    readTracingConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`readTracingConfig accepted ${JSON.stringify(env)}`);
}

describe('readTracingConfig (OTEL_* variables)', () => {
  it('is off by default', () => {
    expect(readTracingConfig({})).toBeUndefined();
  });

  it('is on with OTEL_TRACES_EXPORTER=otlp, to the default OTLP/HTTP endpoint', () => {
    expect(readTracingConfig({ OTEL_TRACES_EXPORTER: 'otlp' })).toEqual({
      serviceName: DEFAULT_SERVICE_NAME,
      tracesUrl: 'http://localhost:4318/v1/traces',
    });
    expect(DEFAULT_SERVICE_NAME).toBe('document-verification-subgraph');
  });

  it('is on with an endpoint alone, appending /v1/traces to the general one', () => {
    expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({
      serviceName: DEFAULT_SERVICE_NAME,
      tracesUrl: 'http://collector:4318/v1/traces',
    });
    expect(
      readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example/base/' })?.tracesUrl,
    ).toBe('https://otel.example/base/v1/traces');
  });

  it('appends /v1/traces to the general endpoint’s path, keeping its query', () => {
    expect(
      readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example/base?tenant=a' })
        ?.tracesUrl,
    ).toBe('https://otel.example/base/v1/traces?tenant=a');
  });

  it('uses the traces endpoint as it is, before the general one', () => {
    expect(
      readTracingConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:9999/custom',
        OTEL_SERVICE_NAME: 'dv-subgraph-eu',
      }),
    ).toEqual({ serviceName: 'dv-subgraph-eu', tracesUrl: 'http://traces:9999/custom' });
  });

  it.each([
    [{ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }],
    [{ OTEL_SDK_DISABLED: ' TRUE ', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }],
    [{ OTEL_TRACES_EXPORTER: 'otlp,none' }],
    [{ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'zipkin' }],
  ])('is off with %j', (env) => {
    expect(readTracingConfig(env)).toBeUndefined();
  });

  it('is on when OTEL_SDK_DISABLED is anything but true', () => {
    expect(readTracingConfig({ OTEL_SDK_DISABLED: 'false', OTEL_TRACES_EXPORTER: 'otlp' })).toEqual(
      expect.objectContaining({ serviceName: DEFAULT_SERVICE_NAME }),
    );
  });

  it.each([
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, 'OTEL_TRACES_EXPORTER'],
    [{ OTEL_TRACES_EXPORTER: 'otlp,console' }, 'OTEL_TRACES_EXPORTER'],
    [
      { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      'OTEL_EXPORTER_OTLP_PROTOCOL',
    ],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' },
      'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
    ],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
  ])('refuses %j, naming %s', (env, variable) => {
    expect(refusal(env).variable).toBe(variable);
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'http://user:s3cr3t@collector 4318'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'http://collector:4318x/?token=s3cr3t'],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'http://s3cr3t@collector:x/v1/traces'],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'http://collector:x/v1/traces?api-key=s3cr3t#s3cr3t'],
  ])('refuses a bad %s without its userinfo or query', (variable, raw) => {
    const error = refusal({ [variable]: raw });
    expect(error.variable).toBe(variable);
    expect(error.message).not.toMatch(/s3|cr3t/);
  });

  it('accepts both OTLP over HTTP protocols', () => {
    for (const protocol of ['http/protobuf', 'http/json']) {
      expect(
        readTracingConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: protocol }),
      ).toBeDefined();
    }
  });
});

describe('SHUTDOWN_DELAY_MS and METRICS', () => {
  it('default to 5 s and on', () => {
    const config = loadConfig({});
    expect(config.shutdownDelayMs).toBe(5_000);
    expect(config.metrics).toBe(true);
  });

  it('are read', () => {
    const config = loadConfig({ SHUTDOWN_DELAY_MS: '0', METRICS: 'off' });
    expect(config.shutdownDelayMs).toBe(0);
    expect(config.metrics).toBe(false);
  });

  it.each([
    [{ SHUTDOWN_DELAY_MS: '-1' }, 'SHUTDOWN_DELAY_MS'],
    [{ SHUTDOWN_DELAY_MS: '5s' }, 'SHUTDOWN_DELAY_MS'],
    [{ METRICS: 'yes' }, 'METRICS'],
  ])('refuse %j', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(`${variable}: `);
  });
});

describe('bounded label values', () => {
  it('keeps the first distinct values, then answers "other"', () => {
    const label = new BoundedLabel(/^[a-z]+$/, 2);
    expect([label.of('a'), label.of('b'), label.of('c'), label.of('a'), label.of('B')]).toEqual([
      'a',
      'b',
      OTHER_LABEL_VALUE,
      'a',
      OTHER_LABEL_VALUE,
    ]);
  });

  it('keeps only the known operation names, "anonymous" without one', () => {
    const label = operationNameLabel(new Set(['CreateSessionForPerson', 'Third']));
    expect(label(undefined)).toBe(ANONYMOUS_OPERATION);
    expect(label(null)).toBe(ANONYMOUS_OPERATION);
    expect(label('CreateSessionForPerson')).toBe('CreateSessionForPerson');
    expect(label('Third')).toBe('Third');
    expect(label(42)).toBe(OTHER_LABEL_VALUE);
    expect(label('Fourth')).toBe(OTHER_LABEL_VALUE);
    expect(label('x{job="evil"}')).toBe(OTHER_LABEL_VALUE);
    expect(label('createsessionforperson')).toBe(OTHER_LABEL_VALUE);
    // A router's name for the subgraph's part of the client's operation.
    expect(label('CreateSessionForPerson__document_verification__0')).toBe(
      'CreateSessionForPerson',
    );
    expect(label('CreateSessionForPerson__document_verification__0x')).toBe(OTHER_LABEL_VALUE);
    expect(label('CreateSessionForPersonX__dv__0')).toBe(OTHER_LABEL_VALUE);
  });

  it('reads the names of the committed operations (schema/operations)', () => {
    expect([...readOperationNames()].sort()).toEqual([
      'CreateSessionForBusiness',
      'CreateSessionForPerson',
      'DocumentVerificationLanguages',
    ]);
  });

  it.each([
    [201, '201'],
    [200, '200'],
    [429, '429'],
    [504, '504'],
    [202, '2xx'],
    [418, '4xx'],
    [507, '5xx'],
    [304, '3xx'],
    [999, 'other'],
    [99, 'other'],
    [600, 'other'],
  ])('labels the upstream status %d as %j', (status, label) => {
    expect(upstreamStatusLabel(status)).toBe(label);
  });
});

describe('METRICS_PORT', () => {
  it('is unset by default: /metrics stays on PORT', () => {
    expect(loadConfig({}).metricsPort).toBeUndefined();
  });

  it('is read like PORT', () => {
    expect(loadConfig({ METRICS_PORT: '9464' }).metricsPort).toBe(9464);
    expect(loadConfig({ METRICS_PORT: ' 0 ' }).metricsPort).toBe(0);
  });

  it.each(['http', '-1', '65536', '94 64'])('refuses %j', (raw) => {
    expect(() => loadConfig({ METRICS_PORT: raw })).toThrow('METRICS_PORT: ');
  });
});
