import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import { readUtf8UpTo } from './read-body';

/** A request the HTTP layer refuses before GraphQL sees it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
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

/** Writes Apollo's response (complete or incremental) to the Node response. */
export async function writeHttpGraphQLResponse(
  res: ServerResponse,
  response: HTTPGraphQLResponse,
): Promise<void> {
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    endWithLength(res, response.body.string);
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

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(
    413,
    `The request body is larger than ${maxBytes} bytes (limit set by HTTP_MAX_BODY_BYTES).`,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
}
