/**
 * The one request every target of the benchmark is sent: the same session creation, as REST for
 * the upstream and the bare proxy, as the GraphQL mutation for the subgraph and the alternative.
 */
import { DEFAULT_SESSION_PATH } from '../../src/config';

/** The bearer token of every request; the emulator accepts any. Not a secret. */
export const BENCH_TOKEN = 'bench-token-not-a-secret';

/** A person the emulator knows (any UUID outside its unknown-customer prefix). */
export const BENCH_PERSON_ID = '7d943c51-e4ff-4e57-9558-08cab6b963c7';

/** The emulator's base path; the bare proxy forwards paths unchanged. */
export const BENCH_BASE_PATH = '/v0';

/** How a target is spoken to. */
export type Api = 'rest' | 'graphql';

/** A request as the load generator sends it; the Idempotency-Key is added per request. */
export interface BenchRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const GRAPHQL_OPERATION = `mutation CreateSession($input: CreateDocumentVerificationSessionInput!) {
  createDocumentVerificationSession(input: $input) {
    idempotencyKey
    session { id sessionId state url customer { __typename ... on Person { id } ... on Business { id } } }
  }
}`;

/** The session request for a target spoken to with `api`. */
export function benchRequest(api: Api): BenchRequest {
  const headers = { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' };
  if (api === 'rest') {
    return {
      path: BENCH_BASE_PATH + DEFAULT_SESSION_PATH,
      headers,
      body: JSON.stringify({
        person_id: BENCH_PERSON_ID,
        document_type: 'PASSPORT',
        language: 'EN-US',
        send_sms: false,
      }),
    };
  }
  return {
    path: '/graphql',
    headers,
    body: JSON.stringify({
      query: GRAPHQL_OPERATION,
      variables: { input: { customer: { personId: BENCH_PERSON_ID }, documentType: 'PASSPORT' } },
    }),
  };
}

/** Whether an answer is a created session (an HTTP 2xx can still carry GraphQL errors). */
export function isCreatedSession(api: Api, status: number, body: string): boolean {
  if (api === 'rest') return status === 201 && body.includes('"session_id"');
  return status === 200 && body.includes('"sessionId"') && !body.includes('"errors"');
}

/** A fresh Idempotency-Key source: every request creates its own session, as in production. */
export function idempotencyKeys(prefix: string): () => string {
  let counter = 0;
  return () => `${prefix}-${++counter}`;
}
