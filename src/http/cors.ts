import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import type { CorsOrigins } from '../config';

/** Request headers a browser client may send cross-origin (Sandbox sends the Apollo ones). */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'idempotency-key',
  'x-request-id',
  'apollo-require-preflight',
  'x-apollo-operation-name',
].join(',');

const GRAPHQL_CORS: FastifyCorsOptions = {
  methods: 'GET,POST,OPTIONS',
  allowedHeaders: ALLOWED_HEADERS,
  exposedHeaders: 'x-request-id',
  maxAge: 600,
  // An OPTIONS without Access-Control-Request-Method is answered as a preflight, not refused.
  strictPreflight: false,
};

const NO_CORS: FastifyCorsOptions = { origin: false };

/**
 * CORS on the GraphQL endpoint only (nothing in a browser needs the probes or metrics). A request
 * without `Origin` (a router, curl, a probe) or from another origin is served without CORS
 * headers, so a browser keeps the answer from the page while servers are served.
 */
export async function registerCors(
  fastify: FastifyInstance,
  origins: CorsOrigins,
  graphqlPath: string,
): Promise<void> {
  if (origins !== '*' && origins.length === 0) return;
  const allowed = new Set(origins === '*' ? [] : origins);
  const anyOrigin = { ...GRAPHQL_CORS, origin: '*' };
  const listed = { ...GRAPHQL_CORS, origin: true };
  await fastify.register(fastifyCors, {
    delegator: (request, callback) => {
      if (request.routeOptions.url !== graphqlPath) callback(null, NO_CORS);
      else if (origins === '*') callback(null, anyOrigin);
      else callback(null, allowed.has(request.headers.origin ?? '') ? listed : NO_CORS);
    },
  });
}
