/**
 * Emulated document verification sessions: creating one and its JSON as the upstream returns it.
 */
import { randomUUID } from 'node:crypto';
import type { DocumentTypeCode, SessionRequest } from './validate-request';

/** The language the upstream uses when none is sent. */
const DEFAULT_LANGUAGE_CODE = 'EN-US';

/** One emulated session. */
export interface EmulatedSession {
  /** Unique ID of the session record (`id`). */
  readonly id: string;
  /** ID to pass to /verifications/verify (`session_id`). */
  readonly sessionId: string;
  readonly customer: SessionRequest['customer'];
  readonly state: 'PENDING';
  readonly documentType?: DocumentTypeCode;
  readonly language: string;
  readonly sendSms: boolean;
  readonly createdAt: Date;
}

/** Creates a new PENDING session for a validated request, with upstream defaults applied. */
export function newSession(request: SessionRequest): EmulatedSession {
  return {
    id: randomUUID(),
    sessionId: randomUUID(),
    customer: request.customer,
    state: 'PENDING',
    ...(request.documentType === undefined ? {} : { documentType: request.documentType }),
    language: request.language ?? DEFAULT_LANGUAGE_CODE,
    sendSms: request.sendSms ?? false,
    createdAt: new Date(),
  };
}

/** The path of a session's page, under the emulator's origin. */
function sessionPagePath(sessionId: string): string {
  return `/session/${sessionId}`;
}

/** The 201 body for `session`: `{ person_id | business_id, session_id, state, url, id }`. */
export function sessionResponseBody(
  session: EmulatedSession,
  origin: string,
): Record<string, string> {
  return {
    [`${session.customer.kind}_id`]: session.customer.id,
    session_id: session.sessionId,
    state: session.state,
    url: origin + sessionPagePath(session.sessionId),
    id: session.id,
  };
}
