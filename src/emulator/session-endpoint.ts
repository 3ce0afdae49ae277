/**
 * `POST {basePath}{sessionPath}` once faults and transport limits are dealt with: authorization,
 * body checks, idempotency, the unknown-customer convention and session creation, in that order.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { bearerToken } from '../utils/bearer';
import { customerExists } from './customers';
import { isJsonContentType, isJsonObject, parseJsonOrUndefined } from '../utils/json';
import { type Reply, jsonReply } from './http-io';
import {
  type IdempotencyStore,
  type StoredOutcome,
  canonicalJson,
  idempotencyScope,
} from './idempotency-store';
import { PROBLEM_CONTENT_TYPE, problem, problemReply } from './problem';
import { type EmulatedSession, newSession, sessionResponseBody } from './sessions';
import { type SessionRequest, validateSessionRequest } from './validate-request';

/** The state a session request reads and changes. */
export interface SessionEndpointState {
  readonly sessions: Map<string, EmulatedSession>;
  readonly idempotency: IdempotencyStore;
}

/** One session request: its headers and body, and the emulator origin for session URLs. */
export interface SessionEndpointRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly origin: string;
}

const BAD_REQUEST_BODY = 'BAD_REQUEST_BODY';
const IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED';

/** The request's Idempotency-Key, or undefined when absent or blank (then no idempotency applies). */
function idempotencyKey(headers: IncomingHttpHeaders): string | undefined {
  const key = headers['idempotency-key'];
  return typeof key === 'string' && key.trim() !== '' ? key : undefined;
}

/**
 * The idempotency scope of a request (token + key), or undefined when it has no key or no valid
 * bearer token. Requests with the same scope are handled one at a time.
 */
export function requestScope(headers: IncomingHttpHeaders): string | undefined {
  const token = bearerToken(headers.authorization);
  const key = idempotencyKey(headers);
  return token === undefined || key === undefined ? undefined : idempotencyScope(token, key);
}

/** Handles one session request and answers it; creates at most one session. */
export function handleSessionRequest(
  state: SessionEndpointState,
  call: SessionEndpointRequest,
): Reply {
  const { headers } = call;
  if (bearerToken(headers.authorization) === undefined) {
    const detail =
      headers.authorization === undefined
        ? 'Missing Authorization header: send "Authorization: Bearer <token>".'
        : 'The Authorization header must be "Bearer <token>".';
    return problemReply(problem(401, detail), { 'www-authenticate': 'Bearer' });
  }

  if (!isJsonContentType(headers['content-type'])) {
    return badRequest('Content-Type must be application/json');
  }
  const json = parseJsonOrUndefined(call.body);
  if (!isJsonObject(json)) return badRequest('The request body must be a JSON object');
  const validation = validateSessionRequest(json);
  if (!validation.ok) return badRequest(validation.detail);

  const scope = requestScope(headers);
  const fingerprint = canonicalJson(json);
  if (scope !== undefined) {
    const earlier = state.idempotency.get(scope);
    if (earlier !== undefined) {
      if (earlier.fingerprint !== fingerprint) {
        return problemReply(
          problem(
            409,
            `Idempotency-Key ${JSON.stringify(idempotencyKey(headers))} was already used with a different request body`,
            IDEMPOTENCY_KEY_REUSED,
          ),
        );
      }
      return replay(earlier);
    }
  }

  const outcome = outcomeFor(state, validation.request, fingerprint, call.origin);
  if (scope !== undefined) state.idempotency.set(scope, outcome);
  return jsonReply(outcome.status, outcome.body, { 'content-type': outcome.contentType });
}

/** Steps after the key check: 404 for an unknown customer, else a new session. */
function outcomeFor(
  state: SessionEndpointState,
  request: SessionRequest,
  fingerprint: string,
  origin: string,
): StoredOutcome {
  const { kind, id } = request.customer;
  if (!customerExists(id)) {
    return {
      fingerprint,
      status: 404,
      contentType: PROBLEM_CONTENT_TYPE,
      body: problem(404, `${kind} ${id} not found`),
    };
  }
  const session = newSession(request);
  state.sessions.set(session.sessionId, session);
  return {
    fingerprint,
    status: 201,
    contentType: 'application/json',
    body: sessionResponseBody(session, origin),
  };
}

function replay(outcome: StoredOutcome): Reply {
  return jsonReply(outcome.status, outcome.body, {
    'content-type': outcome.contentType,
    'idempotent-replayed': 'true',
  });
}

function badRequest(detail: string): Reply {
  return problemReply(problem(400, detail, BAD_REQUEST_BODY));
}
