/**
 * The upstream's JSON shapes and the one mapping between them and the GraphQL types, both ways.
 */
import { BadUserInputError } from '../verification/errors';
import { type UpstreamProblem } from './upstream-errors';
import type { CreateDocumentVerificationSessionInput } from '../verification/create-document-verification-session.input';
import { Business, Person } from '../verification/customer.type';
import type { DocumentVerificationSession } from '../verification/document-verification-session.type';
import { SessionState } from '../verification/enums.type';
import { languageCode, type LanguageCode } from '../verification/language';
import { parseJsonObject } from '../utils/json';
import type { CredentialScanner } from './credentials';
import { quotable } from './upstream-text';

/** The JSON body of the upstream POST, in snake_case. */
export interface SessionRequestBody {
  readonly person_id?: string;
  readonly business_id?: string;
  readonly document_type?: 'LICENSE' | 'PASSPORT';
  readonly language?: LanguageCode;
  readonly send_sms?: boolean;
}

/**
 * Builds the upstream body, ids in canonical form. `@oneOf` has already refused zero or two ids;
 * this check stays as defence in depth so no code path can send an ambiguous customer upstream.
 */
export function toSessionRequestBody(
  input: CreateDocumentVerificationSessionInput,
): SessionRequestBody {
  const { personId, businessId } = input.customer;
  const hasPerson = personId !== null && personId !== undefined;
  const hasBusiness = businessId !== null && businessId !== undefined;
  if (hasPerson === hasBusiness) {
    throw new BadUserInputError(
      'input.customer must set exactly one of personId or businessId (got ' +
        (hasPerson ? 'both' : 'neither') +
        ').',
    );
  }
  return {
    ...(hasPerson
      ? { person_id: canonicalUuid(personId, 'personId') }
      : { business_id: canonicalUuid(businessId as string, 'businessId') }),
    ...(input.documentType ? { document_type: input.documentType } : {}),
    ...(input.language ? { language: languageCode(input.language) } : {}),
    ...(typeof input.sendSms === 'boolean' ? { send_sms: input.sendSms } : {}),
  };
}

const UUID_SPELLING =
  /^(?:urn:uuid:)?\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/**
 * The UUID in lower case, hyphenated, without braces or `urn:uuid:`: the UUID scalar accepts
 * other spellings (upper case, `{…}`, even a lone closing brace) and passes them on as written.
 */
function canonicalUuid(id: string, field: string): string {
  const match = UUID_SPELLING.exec(id);
  if (match?.[1] === undefined) {
    throw new BadUserInputError(`input.customer.${field} must be a UUID (8-4-4-4-12 hex digits).`);
  }
  return match[1].toLowerCase();
}

/** A 2xx answer that breaks the contract; the data source turns it into UPSTREAM_BAD_RESPONSE. */
export class InvalidUpstreamAnswer extends Error {
  override readonly name = 'InvalidUpstreamAnswer';
}

const SESSION_STATES = new Set<string>(Object.values(SessionState));

/** Longest unknown session state quoted in an error. */
const MAX_QUOTED_STATE = 40;

/**
 * Validates a 2xx body and maps it to the GraphQL session. The customer is the one the upstream
 * answered for; when the answer names none, the one that was asked for. An answer that would
 * hand back any part of the `credential` it was sent is refused, without quoting it.
 */
export function toDocumentVerificationSession(
  bodyText: string,
  requested: SessionRequestBody,
  credential: CredentialScanner,
): DocumentVerificationSession {
  const body = parseJsonObject(bodyText);
  if (body === undefined) {
    throw new InvalidUpstreamAnswer('Synctera answered with a body that is not a JSON object.');
  }
  const sessionId = body.session_id;
  if (typeof sessionId !== 'string' || sessionId === '') {
    throw new InvalidUpstreamAnswer('Synctera answered without a session_id.');
  }
  const url = typeof body.url === 'string' ? httpUrl(body.url) : undefined;
  if (url === undefined) {
    throw new InvalidUpstreamAnswer('Synctera answered without a valid session url.');
  }
  if (typeof body.state !== 'string' || !SESSION_STATES.has(body.state)) {
    throw new InvalidUpstreamAnswer(
      typeof body.state === 'string'
        ? `Synctera answered with a session state this subgraph does not know: ${JSON.stringify(quotable(body.state, credential, MAX_QUOTED_STATE))}.`
        : 'Synctera answered without a session state.',
    );
  }
  if (body.id !== undefined && body.id !== null && typeof body.id !== 'string') {
    throw new InvalidUpstreamAnswer('Synctera answered with a session id that is not a string.');
  }
  const session: DocumentVerificationSession = {
    id: body.id ?? null,
    sessionId,
    state: body.state as SessionState,
    url: body.url as string,
    customer: answeredCustomer(body, requested),
  };
  // Everything returned, scanned once: a line break is no credential character, so nothing
  // joins across two fields. The URL scalar returns the parsed href, which can join what the
  // raw text kept apart, so both are scanned.
  const returned = [sessionId, session.id, session.state, session.customer.id, body.url];
  if (url.href !== body.url) returned.push(url.href);
  if (credential.appearsIn(returned.join('\n'))) {
    throw new InvalidUpstreamAnswer(
      'Synctera answered with a session that repeats part of the credentials it was sent; it is not passed on.',
    );
  }
  return session;
}

function answeredCustomer(
  body: Record<string, unknown>,
  requested: SessionRequestBody,
): Person | Business {
  const personId = optionalString(body, 'person_id');
  const businessId = optionalString(body, 'business_id');
  if (personId !== undefined && businessId !== undefined) {
    throw new InvalidUpstreamAnswer('Synctera answered with both a person_id and a business_id.');
  }
  if (personId !== undefined) return new Person(personId);
  if (businessId !== undefined) return new Business(businessId);
  return requested.person_id !== undefined
    ? new Person(requested.person_id)
    : new Business(requested.business_id as string);
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new InvalidUpstreamAnswer(`Synctera answered with a ${field} that is not a string.`);
  }
  return value;
}

/**
 * Reads the parts of an RFC 7807 problem body that are passed on, each made {@link quotable}
 * (the `credential` redacted, then capped); anything else yields empty fields.
 */
export function toUpstreamProblem(
  bodyText: string,
  credential: CredentialScanner,
): UpstreamProblem {
  const body = parseJsonObject(bodyText) ?? {};
  const text = (value: unknown) =>
    typeof value === 'string' ? quotable(value, credential) || null : null;
  return { type: text(body.type), code: text(body.code), detail: text(body.detail) };
}

/** `text` as an http(s) URL, or undefined. */
function httpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}
