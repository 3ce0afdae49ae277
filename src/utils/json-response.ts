import type { ServerResponse } from 'node:http';

/** The content type of every JSON answer, GraphQL ones included (as Apollo Server sends it). */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

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
