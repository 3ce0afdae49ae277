import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import type { CorsOrigins } from '../config';

/** Request headers a browser client may send cross-origin (Sandbox sends the Apollo ones). */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'idempotency-key',
  'x-request-id',
  'apollo-require-preflight',
  'x-apollo-operation-name',
];

/**
 * Applies CORS to one request: `true` when the response is already complete (a preflight from an
 * allowed origin answered). With no origins configured it does nothing. A request without
 * `Origin` (a router, curl, a probe) or from another origin goes on without CORS headers, so a
 * browser keeps the answer from the page while servers are served as usual.
 */
export type CorsHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** The CORS handler for `origins` (`CORS_ORIGINS`), using the `cors` package. */
export function createCorsHandler(origins: CorsOrigins): CorsHandler {
  if (origins !== '*' && origins.length === 0) return () => false;
  const allowed = new Set(origins === '*' ? [] : origins);
  const middleware = cors({
    origin: origins === '*' ? '*' : (origin, callback) => callback(null, allowed.has(origin ?? '')),
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: ['x-request-id'],
    maxAge: 600,
  });
  return (req, res) => {
    // The answer depends on Origin even when it carries no CORS header: caches must know.
    if (origins !== '*') res.setHeader('vary', 'Origin');
    // `cors` decides synchronously: it either answers the preflight or calls `next` at once.
    // For an origin it does not allow it calls `next(null)`, which is no error.
    middleware(req, res, (error?: unknown) => {
      if (error !== undefined && error !== null) throw error;
    });
    return res.writableEnded;
  };
}
