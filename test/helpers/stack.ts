import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type ExecutionResult, print } from 'graphql';
import { loadConfig } from '../../src/config';
import { type Emulator, startEmulator } from '../../src/emulator';
import { createLogger, type Logger } from '../../src/logger';
import { createServer, type SubgraphServer } from '../../src/http/server';
import type { Tracing } from '../../src/telemetry/tracing';

/** A token used by tests; asserted never to show up in a response body. */
export const TEST_TOKEN = 'test-token-3f9c1d2e7a';
export const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };

/** A GraphQL answer as a client sees it over HTTP. */
export interface HttpResult<TData> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: ExecutionResult<TData> & {
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  };
}

/** The emulator and the subgraph on loopback ports, with a client for the subgraph. */
export interface Stack {
  readonly emulator: Emulator;
  readonly subgraph: SubgraphServer;
  /** The subgraph's /graphql URL. */
  readonly url: string;
  /** POSTs an operation with the given headers (default: a valid bearer token). */
  execute<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables> | string,
    variables?: TVariables,
    headers?: Record<string, string>,
  ): Promise<HttpResult<TData>>;
  close(): Promise<void>;
}

/** How the subgraph of a stack is built besides its environment. */
export interface StackOptions {
  readonly logger?: Logger;
  readonly tracing?: Tracing;
}

/**
 * Starts a subgraph in front of the upstream at `baseUrl` and resolves with its /graphql URL.
 * `env` adds configuration variables; backoff is zero so retries are quick (their timing has
 * unit tests of its own).
 */
export async function startSubgraph(
  baseUrl: string,
  env: Record<string, string> = {},
  { logger = createLogger('silent'), tracing }: StackOptions = {},
): Promise<{ subgraph: SubgraphServer; url: string }> {
  const config = loadConfig({ SYNCTERA_BASE_URL: baseUrl, ...env });
  const subgraph = await createServer({
    config,
    logger,
    tracing,
    retryPolicy: { baseDelayMs: 0, maxDelayMs: 0 },
  });
  return { subgraph, url: await subgraph.listen(0, '127.0.0.1') };
}

/** Starts an emulator and a subgraph in front of it (see {@link startSubgraph}). */
export async function startStack(
  env: Record<string, string> = {},
  options: StackOptions = {},
): Promise<Stack> {
  const emulator = await startEmulator();
  const { subgraph, url } = await startSubgraph(emulator.url, env, options);
  return {
    emulator,
    subgraph,
    url,
    execute: (document, variables, headers = AUTH) =>
      injectGraphQL(
        subgraph,
        { query: typeof document === 'string' ? document : print(document), variables },
        headers,
      ),
    async close() {
      await subgraph.close();
      await emulator.close();
    },
  };
}

/**
 * Starts a stack for the enclosing `describe` block, closes it after, and resets the emulator
 * before each test. Returns a getter, since the stack exists only once `beforeAll` has run.
 */
export function useStack(
  env: Record<string, string> = {},
  options: StackOptions = {},
): () => Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack(env, options);
  });
  afterAll(() => stack?.close());
  beforeEach(() => stack?.emulator.reset());
  return () => {
    if (stack === undefined) throw new Error('useStack: the stack starts in beforeAll');
    return stack;
  };
}

/**
 * POSTs a GraphQL request body to the subgraph through Fastify's `inject()`, no socket on the
 * caller's side (the subgraph's upstream calls are real), and reads the JSON answer.
 */
export async function injectGraphQL<TData>(
  subgraph: SubgraphServer,
  body: unknown,
  headers: Record<string, string> = AUTH,
): Promise<HttpResult<TData>> {
  const answer = await subgraph.fastify.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });
  const answerHeaders = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined) answerHeaders.set(name, String(value));
  }
  const text = answer.body;
  return { status: answer.statusCode, headers: answerHeaders, text, body: JSON.parse(text) };
}

/** POSTs a GraphQL request body to `url` and reads the JSON answer. */
export async function postGraphQL<TData>(
  url: string,
  body: unknown,
  headers: Record<string, string> = AUTH,
): Promise<HttpResult<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
}

export { BUSINESS_ID, PERSON_ID, UNKNOWN_PERSON_ID } from '../fixtures/customer-ids';
