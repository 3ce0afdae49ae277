/**
 * Checks the body of a session request the way the upstream does: a JSON object with exactly
 * one customer id and only known, well-typed fields.
 */
import { LANGUAGES } from '../verification/language';

/** A document type the upstream can constrain a session to. */
export type DocumentTypeCode = 'LICENSE' | 'PASSPORT';

/** A validated session request. */
export interface SessionRequest {
  readonly customer: { readonly kind: 'person' | 'business'; readonly id: string };
  readonly documentType?: DocumentTypeCode;
  readonly language?: string;
  readonly sendSms?: boolean;
}

/** The outcome of validation: the request, or a detail naming the offending field. */
export type Validation =
  | { readonly ok: true; readonly request: SessionRequest }
  | { readonly ok: false; readonly detail: string };

const FIELDS = new Set(['person_id', 'business_id', 'document_type', 'language', 'send_sms']);
const DOCUMENT_TYPES: readonly DocumentTypeCode[] = ['LICENSE', 'PASSPORT'];
const LANGUAGE_CODES = new Set<string>(LANGUAGES.map((l) => l.code));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Validates a parsed body; the first problem found is reported. */
export function validateSessionRequest(body: Record<string, unknown>): Validation {
  const unknown = Object.keys(body).filter((field) => !FIELDS.has(field));
  if (unknown.length > 0) {
    return fail(`Unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  }

  const hasPerson = body.person_id !== undefined;
  const hasBusiness = body.business_id !== undefined;
  if (hasPerson === hasBusiness) {
    return fail('Exactly one of person_id or business_id must be set');
  }
  const kind = hasPerson ? 'person' : 'business';
  const id = body[`${kind}_id`];
  if (typeof id !== 'string' || !UUID.test(id)) {
    return fail(`${kind}_id must be a UUID string`);
  }

  const { document_type: documentType, language, send_sms: sendSms } = body;
  if (documentType !== undefined && !isDocumentTypeCode(documentType)) {
    return fail(`document_type must be one of ${DOCUMENT_TYPES.join(', ')}`);
  }
  if (language !== undefined && !isLanguageCode(language)) {
    return fail(
      `language must be one of the ${LANGUAGE_CODES.size} supported language codes, such as EN-US`,
    );
  }
  if (sendSms !== undefined && typeof sendSms !== 'boolean') {
    return fail('send_sms must be a boolean');
  }

  return {
    ok: true,
    request: {
      customer: { kind, id },
      ...(documentType === undefined ? {} : { documentType }),
      ...(language === undefined ? {} : { language }),
      ...(sendSms === undefined ? {} : { sendSms }),
    },
  };
}

function isDocumentTypeCode(value: unknown): value is DocumentTypeCode {
  return DOCUMENT_TYPES.some((t) => t === value);
}

function isLanguageCode(value: unknown): value is string {
  return typeof value === 'string' && LANGUAGE_CODES.has(value);
}

function fail(detail: string): Validation {
  return { ok: false, detail };
}
