import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { version as compositionVersion } from '@apollo/composition/package.json';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config';
import { SUBGRAPH_REQUEST_HEADERS } from '../../src/graphql/context';
import { GRAPHQL_PATH } from '../../src/http/server';
import { DEFAULT_RETRY_POLICY, upstreamBudgetMs } from '../../src/synctera/retry-policy';
import { readTracingConfig } from '../../src/telemetry/tracing-config';
import { CUSTOMERS_SDL } from '../fixtures/customers-subgraph';
import { composeSupergraph } from './compose';
import { CUSTOMERS_SUBGRAPH_NAME, SUBGRAPH_NAME } from './supergraph-stack';

const SUPERGRAPH_YAML = resolve(__dirname, '../../schema/supergraph.yaml');
const ROUTER_YAML = resolve(__dirname, '../../schema/router.yaml');

interface RoverSubgraph {
  routing_url?: string;
  schema?: { file?: string; subgraph_url?: string };
}

interface RouterConfig {
  headers?: {
    all?: unknown;
    subgraphs?: Record<string, { request?: Array<{ propagate?: { named?: string } }> }>;
  };
  include_subgraph_errors?: { all?: boolean; subgraphs?: Record<string, boolean> };
  traffic_shaping?: { subgraphs?: Record<string, { timeout?: string }> };
  telemetry?: {
    exporters?: {
      tracing?: {
        propagation?: Record<string, boolean>;
        otlp?: { enabled?: boolean; protocol?: string; endpoint?: string };
      };
    };
  };
}

const readYaml = <T>(path: string): T => parseYaml(readFileSync(path, 'utf8')) as T;

describe('schema/supergraph.yaml (rover supergraph compose)', () => {
  const { federation_version: federationVersion, subgraphs } = readYaml<{
    federation_version: string;
    subgraphs: Record<string, RoverSubgraph>;
  }>(SUPERGRAPH_YAML);
  const ours = subgraphs[SUBGRAPH_NAME];

  it('composes with the Federation version the tests compose with', () => {
    expect(federationVersion).toBe(`=${compositionVersion}`);
  });

  it("routes to this subgraph at npm start's default port and GraphQL path", () => {
    const { port } = loadConfig({});
    expect(ours?.routing_url).toBe(`http://localhost:${port}${GRAPHQL_PATH}`);
  });

  it('points at the committed SDL, and that file composes with a customers subgraph', () => {
    const file = resolve(dirname(SUPERGRAPH_YAML), ours?.schema?.file ?? '');
    expect(file).toBe(resolve(__dirname, '../../schema/schema.graphql'));
    const { apiSchema } = composeSupergraph([
      { name: SUBGRAPH_NAME, url: ours?.routing_url ?? '', sdl: readFileSync(file, 'utf8') },
      { name: CUSTOMERS_SUBGRAPH_NAME, url: 'http://customers.test/graphql', sdl: CUSTOMERS_SDL },
    ]);
    expect(apiSchema.getMutationType()?.getFields()).toHaveProperty(
      'createDocumentVerificationSession',
    );
  });

  it("has a customers subgraph of the user's own next to it", () => {
    expect(Object.keys(subgraphs).sort()).toEqual([CUSTOMERS_SUBGRAPH_NAME, SUBGRAPH_NAME]);
    expect(subgraphs[CUSTOMERS_SUBGRAPH_NAME]?.routing_url).toMatch(/^http:\/\//);
  });
});

describe('schema/router.yaml (Apollo Router)', () => {
  const config = readYaml<RouterConfig>(ROUTER_YAML);
  const propagatedTo = (subgraph: string) =>
    (config.headers?.subgraphs?.[subgraph]?.request ?? []).map((rule) => rule.propagate?.named);

  it('propagates exactly the headers the subgraph reads to this subgraph', () => {
    expect(propagatedTo(SUBGRAPH_NAME).sort()).toEqual(
      Object.values(SUBGRAPH_REQUEST_HEADERS).sort(),
    );
  });

  it('propagates them to no other subgraph', () => {
    expect(config.headers?.all).toBeUndefined();
    expect(Object.keys(config.headers?.subgraphs ?? {})).toEqual([SUBGRAPH_NAME]);
  });

  it("passes this subgraph's errors, with their codes, to clients", () => {
    expect(config.include_subgraph_errors?.subgraphs?.[SUBGRAPH_NAME]).toBe(true);
  });

  it('gives this subgraph more time than its longest upstream call with the default settings', () => {
    const { upstream } = loadConfig({});
    const budgetMs = upstreamBudgetMs(
      { ...DEFAULT_RETRY_POLICY, maxRetries: upstream.maxRetries },
      upstream.timeoutMs,
    );
    const timeout = config.traffic_shaping?.subgraphs?.[SUBGRAPH_NAME]?.timeout ?? '';
    expect(timeout).toMatch(/^\d+s$/);
    expect(Number.parseInt(timeout, 10) * 1000).toBeGreaterThan(budgetMs);
  });

  describe('tracing', () => {
    const tracing = config.telemetry?.exporters?.tracing;

    it('propagates W3C trace context, which this subgraph continues into its upstream call', () => {
      expect(tracing?.propagation?.trace_context).toBe(true);
    });

    it("exports over OTLP/HTTP to the collector this subgraph exports to, by the subgraph's variable", () => {
      expect(tracing?.otlp).toMatchObject({ enabled: true, protocol: 'http' });
      const [, variable, fallback] =
        /^\$\{env\.(OTEL_EXPORTER_OTLP_ENDPOINT):-(\S+)\}$/.exec(tracing?.otlp?.endpoint ?? '') ??
        [];
      expect(variable).toBe('OTEL_EXPORTER_OTLP_ENDPOINT');
      // The router appends /v1/traces to its endpoint, as the subgraph does to the same variable.
      expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: fallback ?? '' })?.tracesUrl).toBe(
        readTracingConfig({ OTEL_TRACES_EXPORTER: 'otlp' })?.tracesUrl,
      );
    });
  });
});
