import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { requestIdOf } from '../graphql/context';
import { JSON_CONTENT_TYPE, sendJson } from '../utils/json-response';

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
  // The request's own id when Node had one when it gave up (a body too slow), as in its logs.
  const requestId = answer?.req === undefined ? randomUUID() : requestIdOf(answer.req);
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
