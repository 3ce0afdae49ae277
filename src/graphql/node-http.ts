import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { headerText } from '../utils/headers';
import { parseJsonObject } from '../utils/json';
import { endWithLength } from '../utils/json-response';
import { withRequestId } from './plugins/request-id';

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
 * `text` with the request id in each error, when it is a GraphQL response with errors that lack
 * it (Apollo Server's refusals before its plugins run: CSRF, method, malformed request).
 */
function withRequestIdInErrors(text: string, requestId: string): string {
  const body = parseJsonObject(text);
  if (body === undefined || !Array.isArray(body.errors)) return text;
  const errors = body.errors as GraphQLFormattedError[];
  if (errors.every((error) => error.extensions?.requestId === requestId)) return text;
  const newline = text.endsWith('\n') ? '\n' : '';
  return `${JSON.stringify({ ...body, errors: withRequestId(errors, requestId) })}${newline}`;
}
