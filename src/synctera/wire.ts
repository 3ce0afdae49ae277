/** The upstream's JSON shapes and the one mapping between them and the GraphQL types. */
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
  override readonly name: string = 'InvalidUpstreamAnswer';
}

/**
 * A well-formed 2xx answer for a customer other than the one asked for: most likely another
 * request's answer, delivered on this one's connection. It is never passed on. A caller may
 * retry with the same idempotency key on a fresh connection; otherwise it is
 * UPSTREAM_BAD_RESPONSE like any {@link InvalidUpstreamAnswer}.
 */
export class MismatchedUpstreamAnswer extends InvalidUpstreamAnswer {
  override readonly name: string = 'MismatchedUpstreamAnswer';
}

/**
 * Longest `session_id` or `id` passed on (to the caller, the logs, the caller's next request): the
 * idempotency key's bound, room for any prefixed or UUID id, far below a body or a stack trace.
 */
export const MAX_UPSTREAM_ID = 255;

/**
 * Longest session `url` passed on, a link shared with an end customer: the web's long-standing
 * safe length for a link, with room for a signed query string.
 */
export const MAX_SESSION_URL = 2048;

/**
 * Visible ASCII, nothing else: no control, bidi or invisible character, no space, and no U+FFFD,
 * which is what invalid UTF-8 in the body decodes to.
 */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/** A UUID as the upstream writes one: 8-4-4-4-12 hex digits, any letter case (RFC 9562). */
const ANSWERED_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SESSION_STATES = new Set<string>(Object.values(SessionState));

/** Longest unknown session state quoted in an error. */
const MAX_QUOTED_STATE = 40;

/**
 * Validates a 2xx body and maps it to the GraphQL session. The answer must be for the customer
 * that was asked for, of the same kind (else {@link MismatchedUpstreamAnswer}); when it names no
 * customer, the one asked for is returned. Ids and the url must be visible ASCII within a bound.
 * An answer that would hand back any part of the `credential` it was sent is refused. No refused
 * value is quoted, except an unknown state, redacted, in printable ASCII and cut short.
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
  if (typeof body.url !== 'string') {
    throw new InvalidUpstreamAnswer('Synctera answered without a valid session url.');
  }
  const rawUrl = body.url;
  if (typeof body.state !== 'string' || !SESSION_STATES.has(body.state)) {
    throw new InvalidUpstreamAnswer(
      typeof body.state === 'string'
        ? `Synctera answered with a session state this subgraph does not know: ${JSON.stringify(quotedState(body.state, credential))}.`
        : 'Synctera answered without a session state.',
    );
  }
  const state = body.state as SessionState;
  if (body.id !== undefined && body.id !== null && typeof body.id !== 'string') {
    throw new InvalidUpstreamAnswer('Synctera answered with a session id that is not a string.');
  }
  const id = body.id ?? null;
  const personId = optionalString(body, 'person_id');
  const businessId = optionalString(body, 'business_id');
  if (personId !== undefined && businessId !== undefined) {
    throw new InvalidUpstreamAnswer('Synctera answered with both a person_id and a business_id.');
  }
  // Before any check of form, so that an echo is reported as one whatever else is wrong. A line
  // break is no credential character, so nothing joins across two fields. The URL scalar
  // returns the parsed href, which can join what the raw text kept apart, so both are scanned.
  const scanned = [sessionId, id, state, personId, businessId, rawUrl];
  const url = httpUrl(rawUrl);
  if (url !== undefined && url.href !== rawUrl) scanned.push(url.href);
  if (credential.appearsIn(scanned.join('\n'))) {
    throw new InvalidUpstreamAnswer(
      'Synctera answered with a session that repeats part of the credentials it was sent; it is not passed on.',
    );
  }
  // The customer first: an answer for someone else is reported as such, whatever its other
  // fields hold.
  const customer = answeredCustomer(personId, businessId, requested);
  if (!isUpstreamId(sessionId)) {
    throw new InvalidUpstreamAnswer(
      `Synctera answered with a session_id that is not 1-${MAX_UPSTREAM_ID} visible ASCII characters.`,
    );
  }
  if (id !== null && !isUpstreamId(id)) {
    throw new InvalidUpstreamAnswer(
      `Synctera answered with an id that is not 1-${MAX_UPSTREAM_ID} visible ASCII characters.`,
    );
  }
  // The raw text too: the URL parser drops tabs and line breaks and percent-encodes controls.
  if (url === undefined || rawUrl.length > MAX_SESSION_URL || !VISIBLE_ASCII.test(rawUrl)) {
    throw new InvalidUpstreamAnswer('Synctera answered without a valid session url.');
  }
  return { id, sessionId, state, url: rawUrl, customer };
}

/**
 * The customer the answer is for, which must be the one asked for: same kind, same UUID (UUIDs
 * compare case-insensitively). Returned as it was sent, in canonical form.
 */
function answeredCustomer(
  personId: string | undefined,
  businessId: string | undefined,
  requested: SessionRequestBody,
): Person | Business {
  const answered = personId ?? businessId;
  if (answered !== undefined && !ANSWERED_UUID.test(answered)) {
    throw new InvalidUpstreamAnswer(
      `Synctera answered with a ${personId === undefined ? 'business_id' : 'person_id'} that is not a UUID.`,
    );
  }
  if (requested.person_id !== undefined) {
    if (businessId !== undefined) throw mismatch('a business_id for a person');
    if (personId !== undefined && personId.toLowerCase() !== requested.person_id.toLowerCase()) {
      throw mismatch('another person_id');
    }
    return new Person(requested.person_id);
  }
  const requestedBusiness = requested.business_id as string;
  if (personId !== undefined) throw mismatch('a person_id for a business');
  if (businessId !== undefined && businessId.toLowerCase() !== requestedBusiness.toLowerCase()) {
    throw mismatch('another business_id');
  }
  return new Business(requestedBusiness);
}

function mismatch(what: string): MismatchedUpstreamAnswer {
  return new MismatchedUpstreamAnswer(
    `Synctera answered for a customer that is not the one asked for (${what}); the answer is not passed on.`,
  );
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new InvalidUpstreamAnswer(`Synctera answered with a ${field} that is not a string.`);
  }
  return value;
}

function isUpstreamId(text: string): boolean {
  return text.length <= MAX_UPSTREAM_ID && VISIBLE_ASCII.test(text);
}

/** An unknown state made fit to quote: printable ASCII only, redacted and cut short. */
function quotedState(state: string, credential: CredentialScanner): string {
  // A space is no credential character, so the replacement neither hides nor makes an echo.
  return quotable(state.replace(/[^\x20-\x7e]+/g, ' '), credential, MAX_QUOTED_STATE);
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
