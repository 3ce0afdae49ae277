import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { requestIdOf } from '../graphql/context';
import { REQUEST_ID_HEADER } from '../graphql/plugins/request';

/** A request the HTTP layer refuses before GraphQL sees it; `headers` go with the answer. */
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

/** The body of every refusal: one error, shaped as GraphQL errors are. */
function refusalBody(message: string, code: string, requestId: string) {
  return { errors: [{ message, extensions: { code, requestId } }] };
}

/** With the request id in the body and the `X-Request-Id` header. */
export function sendRefusal(reply: FastifyReply, refusal: HttpError, requestId: string) {
  return reply
    .code(refusal.status)
    .header(REQUEST_ID_HEADER, requestId)
    .headers(refusal.headers)
    .send(refusalBody(refusal.message, refusal.code, requestId));
}

export function methodNotAllowed(method: string, allow: readonly string[]): HttpError {
  const methods = allow.join(', ');
  const message = `Method ${method} is not allowed here: use ${methods}.`;
  return new HttpError(405, 'BAD_REQUEST', message, { allow: methods });
}

/**
 * Fastify's own errors, by their code, as the contract answers them. Any other error with a 4xx
 * status is a `BAD_REQUEST` with Fastify's message; anything else is an unexpected failure.
 */
const FRAMEWORK_REFUSALS: Readonly<Record<string, (maxBodyBytes: number) => HttpError>> = {
  // The rest of the body stays unread and the connection closes once the answer is written:
  // reading on would let a client stream without bound.
  FST_ERR_CTP_BODY_TOO_LARGE: (maxBodyBytes) =>
    new HttpError(
      413,
      'BAD_USER_INPUT',
      `The request body is larger than ${maxBodyBytes} bytes (limit set by HTTP_MAX_BODY_BYTES).`,
      { connection: 'close' },
    ),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new HttpError(400, 'BAD_REQUEST', 'The request body does not match its Content-Length.', {
      connection: 'close',
    }),
};

/** The answer to `error`, raised while a request was routed, read or served. */
export function refusalOf(error: unknown, maxBodyBytes: number): HttpError {
  if (error instanceof HttpError) return error;
  const { code, statusCode, message } = error as Record<string, unknown>;
  const known = typeof code === 'string' ? FRAMEWORK_REFUSALS[code] : undefined;
  if (known !== undefined) return known(maxBodyBytes);
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return new HttpError(statusCode, 'BAD_REQUEST', String(message));
  }
  // No detail: it may hold internals.
  return new HttpError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
}

/** Node's refusals before a request exists; any other is a 400. */
const CLIENT_ERRORS: Readonly<Record<string, HttpError>> = {
  ERR_HTTP_REQUEST_TIMEOUT: new HttpError(
    408,
    'BAD_REQUEST',
    'The request took too long to arrive (limits set by HTTP_HEADERS_TIMEOUT_MS and HTTP_REQUEST_TIMEOUT_MS).',
  ),
  HPE_HEADER_OVERFLOW: new HttpError(431, 'BAD_REQUEST', 'The request headers are too large.'),
};

/**
 * Answers a request Node could not take (timed out, malformed, headers too large) as every other
 * refusal, with a code and a request id (Node's own answer has neither); then closes.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // A reset, or an answer already under way on this connection (Node's own check, on its
  // private `_httpMessage`): nothing more can be written.
  const answer = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || answer?.headersSent === true) {
    socket.destroy();
    return;
  }
  const refusal =
    CLIENT_ERRORS[error.code ?? ''] ??
    new HttpError(400, 'BAD_REQUEST', 'The request is not valid HTTP.');
  // The request's own id when Node had one when it gave up (a body too slow), as in its logs.
  const requestId = answer?.req === undefined ? randomUUID() : requestIdOf(answer.req);
  answerOnSocket(socket, refusal, requestId);
}

/**
 * Node hands a CONNECT over with its bare socket: this server is no proxy, so it refuses it,
 * naming the methods of `allow`.
 */
export function answerConnect(
  req: IncomingMessage,
  socket: Duplex,
  allow: readonly string[],
): void {
  const refusal = methodNotAllowed(req.method ?? 'CONNECT', allow);
  answerOnSocket(socket, refusal, requestIdOf(req));
}

function answerOnSocket(socket: Duplex, refusal: HttpError, requestId: string): void {
  const body = JSON.stringify(refusalBody(refusal.message, refusal.code, requestId));
  const headers = Object.entries(refusal.headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\n` +
      // As Apollo Server sends its JSON.
      'content-type: application/json; charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      `${REQUEST_ID_HEADER}: ${requestId}\r\n` +
      headers +
      'connection: close\r\n\r\n' +
      body,
  );
}
