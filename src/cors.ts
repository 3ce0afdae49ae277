import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import type { CorsOrigins } from './config';

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
 * Applies CORS to one request: `true` when the response is already complete (a preflight
 * answered). With no origins configured it does nothing; a disallowed origin gets no CORS
 * headers at all, so the browser keeps the answer from the page.
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
    // `cors` decides synchronously: it either answers the preflight or calls `next` at once.
    middleware(req, res, (error?: unknown) => {
      if (error !== undefined) throw error;
    });
    return res.writableEnded;
  };
}
