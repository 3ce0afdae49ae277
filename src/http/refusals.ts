import { randomUUID } from 'node:crypto';
import {
  type IncomingMessage,
  type ServerOptions,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { Duplex } from 'node:stream';
import { HeaderMap, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { HttpServerConfig } from '../config';
import { isJsonObject } from '../utils/json';
import { withRequestId } from '../graphql/plugins/request-id';
import { readUtf8UpTo } from './request-body';

/**
 * A request the HTTP layer refuses before GraphQL sees it. `code` is the error's
 * `extensions.code`; `headers` go with the answer (such as `Allow`).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** The Node HTTP server's settings: the configured timeouts, checked often enough to matter. */
export function httpServerSettings(config: HttpServerConfig): ServerOptions {
  return {
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // Node checks the two request timeouts every 30 s by default, which would let a slow client
    // hold its connection up to 30 s past them.
    connectionsCheckingInterval: Math.min(1_000, config.headersTimeoutMs),
  };
}

/** Refuses (405, with `Allow`) a request whose method is not one of `methods`. */
export function allowMethods(req: IncomingMessage, methods: readonly string[]): void {
  if (methods.includes(req.method ?? '')) return;
  const allow = methods.join(', ');
  throw new HttpError(
    405,
    'BAD_REQUEST',
    `Method ${req.method} is not allowed here: use ${allow}.`,
    {
      allow,
    },
  );
}

/** A Node header value as one string: repeated headers joined with ", " (as fetch does). */
export function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Reads the body of a JSON POST (at most `maxBodyBytes`, else 413) and parses it (400 when it is
 * not JSON); undefined for any other request, which has no body for GraphQL.
 */
export async function readJsonBody(req: IncomingMessage, maxBodyBytes: number): Promise<unknown> {
  if (req.method !== 'POST' || !isJson(req)) return undefined;
  return parseJson(await readBody(req, maxBodyBytes));
}

/** Turns a Node request and its parsed body into Apollo's transport-neutral request. */
export function toHttpGraphQLRequest(req: IncomingMessage, body: unknown): HTTPGraphQLRequest {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    const text = headerText(value);
    if (text !== undefined) headers.set(name, text);
  }
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    headers,
    search: query === -1 ? '' : url.slice(query),
    body,
  };
}

/**
 * Writes Apollo's response (complete or incremental) to the Node response. A refusal Apollo
 * answers before its plugins run (CSRF, method, malformed request) gets the request id in its
 * errors here, like every other error.
 */
export async function writeHttpGraphQLResponse(
  res: ServerResponse,
  response: HTTPGraphQLResponse,
  requestId: string,
): Promise<void> {
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    const text = response.body.string;
    endWithLength(res, res.statusCode >= 400 ? withRequestIdInErrors(text, requestId) : text);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * Ends the response with `text`. A known length lets Node send headers and body in one write,
 * without chunked encoding.
 */
export function endWithLength(res: ServerResponse, text: string): void {
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

/** Sends a small JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', JSON_CONTENT_TYPE);
  endWithLength(res, JSON.stringify(body));
}

/** Node's refusals before a request exists: what each is answered with. */
const CLIENT_ERRORS: Readonly<Record<string, { status: number; message: string }>> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    message:
      'The request took too long to arrive (limits set by HTTP_HEADERS_TIMEOUT_MS and HTTP_REQUEST_TIMEOUT_MS).',
  },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    message: 'The request headers are too large.',
  },
};

/**
 * Answers a connection whose request Node could not take (timed out, malformed, headers too
 * large) as every other refusal is answered: a JSON error with its code and a request id, in the
 * body and the `X-Request-Id` header; then the connection closes. Node's own answer has neither.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // A reset, or an answer already under way on this connection (Node's own check, on its
  // private `_httpMessage`): nothing more can be written.
  const answer = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || answer?.headersSent === true) {
    socket.destroy();
    return;
  }
  const { status, message } = CLIENT_ERRORS[error.code ?? ''] ?? {
    status: 400,
    message: 'The request is not valid HTTP.',
  };
  const requestId = randomUUID();
  const body = JSON.stringify({
    errors: [{ message, extensions: { code: 'BAD_REQUEST', requestId } }],
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      `content-type: ${JSON_CONTENT_TYPE}\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      `x-request-id: ${requestId}\r\n` +
      'connection: close\r\n\r\n' +
      body,
  );
}

/** Sends one error, shaped as GraphQL errors are, with its code and the request id. */
export function sendError(res: ServerResponse, error: HttpError, requestId: string): void {
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  sendJson(res, error.status, {
    errors: [{ message: error.message, extensions: { code: error.code, requestId } }],
  });
}

/** The content type of every JSON answer, GraphQL ones included (as Apollo Server sends it). */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

function isJson(req: IncomingMessage): boolean {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || (type?.endsWith('+json') ?? false);
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const text = await readUtf8UpTo(req, maxBytes);
  if (text === undefined) throw tooLarge(maxBytes);
  return text;
}

/**
 * The refusal of a body over the limit. The rest of the body stays unread and the connection is
 * closed once the answer is written: reading on would let a client stream without bound.
 */
function tooLarge(maxBytes: number): HttpError {
  return new HttpError(
    413,
    'BAD_USER_INPUT',
    `The request body is larger than ${maxBytes} bytes (limit set by HTTP_MAX_BODY_BYTES).`,
    { connection: 'close' },
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'BAD_USER_INPUT', 'The request body is not valid JSON.');
  }
}

/**
 * `text` with the request id in each error, when it is a GraphQL response with errors that lack
 * it (Apollo Server's refusals before its plugins run: CSRF, method, malformed request).
 */
function withRequestIdInErrors(text: string, requestId: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text;
  }
  if (!isJsonObject(body) || !Array.isArray(body.errors)) return text;
  const errors = body.errors as GraphQLFormattedError[];
  if (errors.every((error) => error.extensions?.requestId === requestId)) return text;
  const newline = text.endsWith('\n') ? '\n' : '';
  return `${JSON.stringify({ ...body, errors: withRequestId(errors, requestId) })}${newline}`;
}
