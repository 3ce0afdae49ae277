import { BadUserInputError, ContractError } from '../../src/verification/errors';
import { CredentialScanner } from '../../src/synctera/credentials';
import { MAX_UPSTREAM_TEXT } from '../../src/synctera/upstream-text';
import {
  InvalidUpstreamAnswer,
  MismatchedUpstreamAnswer,
  type SessionRequestBody,
  toDocumentVerificationSession as toSessionWith,
  toSessionRequestBody,
  toUpstreamProblem,
  MAX_SESSION_URL,
  MAX_UPSTREAM_ID,
} from '../../src/synctera/wire';
import type { CreateDocumentVerificationSessionInput } from '../../src/verification/create-document-verification-session.input';
import { Business, Person } from '../../src/verification/customer.type';
import { DocumentType, SessionState } from '../../src/verification/enums.type';
import { LANGUAGES } from '../../src/verification/language';

const PERSON_ID = '8b5c7f2e-1b0a-4f5e-9d3c-2a6b4e8f1c0d';
const BUSINESS_ID = '0f3e2d1c-4b5a-4968-8776-5a4b3c2d1e0f';
const OTHER_PERSON_ID = '11111111-2222-4333-8444-555555555555';

function input(
  fields: Partial<CreateDocumentVerificationSessionInput>,
): CreateDocumentVerificationSessionInput {
  return { customer: { personId: PERSON_ID }, ...fields } as CreateDocumentVerificationSessionInput;
}

function refusal(run: () => unknown): BadUserInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BadUserInputError);
    return error as BadUserInputError;
  }
  throw new Error('expected a BadUserInputError');
}

describe('toSessionRequestBody', () => {
  it('maps a full input to the snake_case body with the upstream language code', () => {
    const body = toSessionRequestBody(
      input({
        customer: { personId: PERSON_ID },
        documentType: DocumentType.PASSPORT,
        language: 'EN_US',
        sendSms: true,
      }),
    );
    expect(body).toStrictEqual({
      person_id: PERSON_ID,
      document_type: 'PASSPORT',
      language: 'EN-US',
      send_sms: true,
    });
  });

  it('sends business_id for a business customer', () => {
    expect(
      toSessionRequestBody(input({ customer: { personId: null, businessId: BUSINESS_ID } })),
    ).toStrictEqual({ business_id: BUSINESS_ID });
  });

  it('keeps sendSms false', () => {
    const body = toSessionRequestBody(input({ sendSms: false }));
    expect(body).toStrictEqual({ person_id: PERSON_ID, send_sms: false });
  });

  it('omits optional fields that are null or undefined (no keys at all)', () => {
    const withNulls = toSessionRequestBody(
      input({
        customer: { personId: PERSON_ID, businessId: null },
        documentType: null,
        language: null,
        sendSms: null,
      }),
    );
    expect(withNulls).toStrictEqual({ person_id: PERSON_ID });
    expect(Object.keys(withNulls)).toEqual(['person_id']);
    expect(JSON.stringify(withNulls)).toBe(`{"person_id":"${PERSON_ID}"}`);

    const withUndefined = toSessionRequestBody(input({}));
    expect(Object.keys(withUndefined)).toEqual(['person_id']);
  });

  it.each([DocumentType.LICENSE, DocumentType.PASSPORT])('passes document type %s', (type) => {
    expect(toSessionRequestBody(input({ documentType: type })).document_type).toBe(type);
  });

  it.each(LANGUAGES.map((l) => [l.value, l.code] as const))(
    'maps language %s to %s',
    (value, code) => {
      expect(toSessionRequestBody(input({ language: value })).language).toBe(code);
    },
  );

  it.each([
    ['upper case', PERSON_ID.toUpperCase()],
    ['braces', `{${PERSON_ID}}`],
    ['upper case in braces', `{${PERSON_ID.toUpperCase()}}`],
    ['a lone closing brace (the UUID scalar passes it on)', `${PERSON_ID}}`],
    ['a urn:uuid: prefix', `urn:uuid:${PERSON_ID}`],
    ['an upper-case URN', `URN:UUID:${PERSON_ID.toUpperCase()}`],
  ])('sends a person id written in %s in canonical form', (_label, personId) => {
    expect(toSessionRequestBody(input({ customer: { personId } }))).toStrictEqual({
      person_id: PERSON_ID,
    });
  });

  it('sends a business id in canonical form', () => {
    const businessId = `{${BUSINESS_ID.toUpperCase()}}`;
    expect(toSessionRequestBody(input({ customer: { personId: null, businessId } }))).toStrictEqual(
      { business_id: BUSINESS_ID },
    );
  });

  it.each(['not-a-uuid', `${PERSON_ID}0`, `{{${PERSON_ID}}}`, PERSON_ID.replaceAll('-', '')])(
    'refuses the id %j, which the UUID scalar would not have let through, as BAD_USER_INPUT',
    (personId) => {
      expect(
        refusal(() => toSessionRequestBody(input({ customer: { personId } }))).message,
      ).toMatch(/personId must be a UUID/);
    },
  );

  it.each([
    ['both ids', { personId: PERSON_ID, businessId: BUSINESS_ID }, 'both'],
    ['no ids', {}, 'neither'],
    ['two nulls', { personId: null, businessId: null }, 'neither'],
    ['two undefined', { personId: undefined, businessId: undefined }, 'neither'],
  ])('refuses a customer with %s as BAD_USER_INPUT', (_label, customer, word) => {
    const error = refusal(() => toSessionRequestBody(input({ customer })));
    expect(error).toBeInstanceOf(ContractError);
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain(word);
    expect(error.message).toMatch(/personId/);
  });
});

const CREDENTIAL = new CredentialScanner('wire-test-credential-0123');

/** The mapping, for an upstream call that was sent {@link CREDENTIAL}. */
function toDocumentVerificationSession(bodyText: string, requested: SessionRequestBody) {
  return toSessionWith(bodyText, requested, CREDENTIAL);
}

const PERSON_REQUEST: SessionRequestBody = { person_id: PERSON_ID };
const BUSINESS_REQUEST: SessionRequestBody = { business_id: BUSINESS_ID };

const VALID_ANSWER = {
  id: '6a0b7c9d-0000-4000-8000-00000000abcd',
  person_id: PERSON_ID,
  session_id: 'sess_123',
  state: 'PENDING',
  url: 'https://verify.example.com/s/sess_123',
};

function answer(fields: Record<string, unknown>, drop: string[] = []): string {
  const body: Record<string, unknown> = { ...VALID_ANSWER, ...fields };
  for (const key of drop) delete body[key];
  return JSON.stringify(body);
}

function invalid(bodyText: string, requested: SessionRequestBody = PERSON_REQUEST) {
  return () => toDocumentVerificationSession(bodyText, requested);
}

describe('toDocumentVerificationSession', () => {
  it('maps every field of a valid answer', () => {
    const session = toDocumentVerificationSession(JSON.stringify(VALID_ANSWER), PERSON_REQUEST);
    expect(session).toEqual({
      id: VALID_ANSWER.id,
      sessionId: 'sess_123',
      state: SessionState.PENDING,
      url: 'https://verify.example.com/s/sess_123',
      customer: new Person(PERSON_ID),
    });
    expect(session.customer).toBeInstanceOf(Person);
    expect(session.customer.id).toBe(PERSON_ID);
  });

  it('accepts the COMPLETE state and an http url', () => {
    const session = toDocumentVerificationSession(
      answer({ state: 'COMPLETE', url: 'http://localhost:4010/s/1' }),
      PERSON_REQUEST,
    );
    expect(session.state).toBe(SessionState.COMPLETE);
    expect(session.url).toBe('http://localhost:4010/s/1');
  });

  it('makes a Business for a business_id answer', () => {
    const session = toDocumentVerificationSession(
      answer({ business_id: BUSINESS_ID }, ['person_id']),
      BUSINESS_REQUEST,
    );
    expect(session.customer).toBeInstanceOf(Business);
    expect(session.customer).not.toBeInstanceOf(Person);
    expect(session.customer.id).toBe(BUSINESS_ID);
  });

  it('returns the requested id in canonical form when the answer spells it in upper case', () => {
    const session = toDocumentVerificationSession(
      answer({ person_id: PERSON_ID.toUpperCase() }),
      PERSON_REQUEST,
    );
    expect(session.customer).toBeInstanceOf(Person);
    expect(session.customer.id).toBe(PERSON_ID);
  });

  it.each([
    ['absent', ['person_id']],
    ['null', []],
  ])('falls back to the requested person when person_id is %s', (label, drop) => {
    const fields = label === 'null' ? { person_id: null } : {};
    const session = toDocumentVerificationSession(answer(fields, drop), PERSON_REQUEST);
    expect(session.customer).toBeInstanceOf(Person);
    expect(session.customer.id).toBe(PERSON_ID);
  });

  it('falls back to the requested business when the answer names no customer', () => {
    const session = toDocumentVerificationSession(answer({}, ['person_id']), BUSINESS_REQUEST);
    expect(session.customer).toBeInstanceOf(Business);
    expect(session.customer.id).toBe(BUSINESS_ID);
  });

  it('maps an absent or null id to null', () => {
    expect(toDocumentVerificationSession(answer({}, ['id']), PERSON_REQUEST).id).toBeNull();
    expect(toDocumentVerificationSession(answer({ id: null }), PERSON_REQUEST).id).toBeNull();
  });

  it('ignores extra fields', () => {
    const session = toDocumentVerificationSession(
      answer({ created_at: '2025-01-01', extra: { nested: true } }),
      PERSON_REQUEST,
    );
    expect(Object.keys(session).sort()).toEqual(['customer', 'id', 'sessionId', 'state', 'url']);
  });

  it.each([
    ['an empty body', ''],
    ['HTML', '<html>Bad gateway</html>'],
    ['truncated JSON', '{"session_id": "s'],
    ['JSON null', 'null'],
    ['a JSON array', JSON.stringify([VALID_ANSWER])],
    ['a JSON string', JSON.stringify('sess_123')],
    ['a JSON number', '42'],
    ['missing session_id', answer({}, ['session_id'])],
    ['empty session_id', answer({ session_id: '' })],
    ['null session_id', answer({ session_id: null })],
    ['numeric session_id', answer({ session_id: 123 })],
    ['missing url', answer({}, ['url'])],
    ['a relative url', answer({ url: '/s/sess_123' })],
    ['a non-URL url', answer({ url: 'not a url' })],
    ['a javascript: url', answer({ url: 'javascript:alert(1)' })],
    ['an ftp url', answer({ url: 'ftp://verify.example.com/s' })],
    ['a numeric url', answer({ url: 42 })],
    ['missing state', answer({}, ['state'])],
    ['an unknown state', answer({ state: 'EXPIRED' })],
    ['a lower-case state', answer({ state: 'pending' })],
    ['both person_id and business_id', answer({ business_id: BUSINESS_ID })],
    ['a numeric person_id', answer({ person_id: 7 })],
    ['an empty person_id', answer({ person_id: '' })],
    ['an object business_id', answer({ business_id: { id: BUSINESS_ID } }, ['person_id'])],
    ['a numeric id', answer({ id: 12345 })],
    ['an object id', answer({ id: { value: 'x' } })],
  ])('throws InvalidUpstreamAnswer for %s', (_label, bodyText) => {
    expect(invalid(bodyText)).toThrow(InvalidUpstreamAnswer);
  });

  const echo = 'wire-test-CREDENTIAL';
  it.each([
    ['session_id', { session_id: `sess_${echo}` }, []],
    ['url', { url: `https://verify.example.com/s/${encodeURIComponent(echo)}` }, []],
    // The URL parser drops tabs and newlines: the href joins what they kept apart.
    ['url, once parsed', { url: 'https://verify.example.com/s/wire-te\nst-cre\tdential' }, []],
    ['id', { id: echo.toUpperCase() }, []],
    ['person_id', { person_id: echo }, []],
    ['business_id', { business_id: Buffer.from(echo).toString('base64') }, ['person_id']],
  ])(
    'refuses an answer whose %s repeats the credential, without quoting it',
    (_field, fields, drop) => {
      const run = invalid(answer(fields, drop));
      expect(run).toThrow(InvalidUpstreamAnswer);
      expect(run).toThrow(/repeats part of the credentials/);
      expect(run).not.toThrow(/wire-test|credential-0/i);
    },
  );

  it('quotes an unknown state redacted and cut short', () => {
    expect(invalid(answer({ state: 'EXPIRED' }))).toThrow(/does not know: "EXPIRED"\.$/);
    expect(invalid(answer({ state: `X ${echo}-0123\u0000${'Y'.repeat(80)}` }))).toThrow(
      /does not know: "X \[redacted\] Y+…"\.$/,
    );
    expect(invalid(answer({ state: 7 }))).toThrow('Synctera answered without a session state.');
  });

  it('names the error InvalidUpstreamAnswer and keeps it a plain Error (not a GraphQL error)', () => {
    let caught: unknown;
    try {
      toDocumentVerificationSession('nope', PERSON_REQUEST);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(caught).not.toBeInstanceOf(ContractError);
    expect((caught as Error).name).toBe('InvalidUpstreamAnswer');
  });
});

/** The error `run` throws, checked to be an {@link InvalidUpstreamAnswer}. */
function refused(run: () => unknown): InvalidUpstreamAnswer {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidUpstreamAnswer);
    return error as InvalidUpstreamAnswer;
  }
  throw new Error('expected an InvalidUpstreamAnswer');
}

/** Printable ASCII only: what an error message may hold whatever the answer held. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

describe('toDocumentVerificationSession: hostile fields in a 2xx', () => {
  const MARK = 'HOSTILE-MARK';
  const hostile: ReadonlyArray<readonly [string, string]> = [
    ['NUL', `sess\u0000${MARK}`],
    ['ESC (a terminal escape)', `sess\u001b[31m${MARK}`],
    ['U+202E (a bidi override)', `sess\u202e${MARK}`],
    ['U+FFFD (what invalid UTF-8 decodes to)', `sess\ufffd${MARK}`],
    ['a space', `sess ${MARK}`],
    ['DEL', `sess\u007f${MARK}`],
    ['a line break', `sess\n${MARK}`],
    ['a non-ASCII letter', `séss${MARK}`],
  ];

  it.each(hostile)('refuses a session_id holding %s, without quoting it', (_label, value) => {
    const error = refused(invalid(answer({ session_id: value })));
    expect(error).not.toBeInstanceOf(MismatchedUpstreamAnswer);
    expect(error.message).not.toContain(MARK);
    expect(error.message).toMatch(PRINTABLE_ASCII);
  });

  it.each(hostile)('refuses an id holding %s, without quoting it', (_label, value) => {
    const error = refused(invalid(answer({ id: value })));
    expect(error.message).not.toContain(MARK);
    expect(error.message).toMatch(PRINTABLE_ASCII);
  });

  it.each(hostile)('refuses a url holding %s, without quoting it', (_label, value) => {
    const error = refused(invalid(answer({ url: `https://verify.example.com/s/${value}` })));
    expect(error.message).not.toContain(MARK);
    expect(error.message).toMatch(PRINTABLE_ASCII);
  });

  it('refuses a url whose host holds U+202E', () => {
    expect(invalid(answer({ url: `https://verify\u202eexample.com/s/1` }))).toThrow(
      InvalidUpstreamAnswer,
    );
  });

  it('accepts every visible ASCII character in session_id and id, at the longest length', () => {
    const visible = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) =>
      String.fromCharCode(0x21 + i),
    ).join('');
    const longest = visible.repeat(3).slice(0, MAX_UPSTREAM_ID);
    expect(longest).toHaveLength(MAX_UPSTREAM_ID);
    const session = toDocumentVerificationSession(
      answer({ session_id: longest, id: visible }),
      PERSON_REQUEST,
    );
    expect(session.sessionId).toBe(longest);
    expect(session.id).toBe(visible);
  });

  it.each(['session_id', 'id'])('refuses a %s one character over the bound', (field) => {
    const error = refused(invalid(answer({ [field]: 's'.repeat(MAX_UPSTREAM_ID + 1) })));
    expect(error.message).not.toMatch(/s{20}/);
  });

  it('refuses an empty id (absent or null means none)', () => {
    expect(invalid(answer({ id: '' }))).toThrow(InvalidUpstreamAnswer);
  });

  it('accepts a url at the longest length and refuses one a character longer', () => {
    const at = (length: number) => {
      const base = 'https://verify.example.com/s/';
      return base + 'u'.repeat(length - base.length);
    };
    const session = toDocumentVerificationSession(
      answer({ url: at(MAX_SESSION_URL) }),
      PERSON_REQUEST,
    );
    expect(session.url).toHaveLength(MAX_SESSION_URL);
    const error = refused(invalid(answer({ url: at(MAX_SESSION_URL + 1) })));
    expect(error.message).not.toMatch(/u{20}/);
  });

  it('refuses a 60,000-character person_id that is no UUID, without quoting it', () => {
    const long = `${PERSON_ID}${'x'.repeat(60_000 - PERSON_ID.length)}`;
    const error = refused(invalid(answer({ person_id: long })));
    expect(error).not.toBeInstanceOf(MismatchedUpstreamAnswer);
    expect(error.message).not.toContain(PERSON_ID);
    expect(error.message.length).toBeLessThan(200);
  });

  it.each([
    ['NUL', `${PERSON_ID}\u0000`],
    ['U+202E', `\u202e${PERSON_ID}`],
    ['U+FFFD', `${PERSON_ID.slice(0, -1)}\ufffd`],
    ['braces', `{${PERSON_ID}}`],
    ['a urn:uuid: prefix', `urn:uuid:${PERSON_ID}`],
    ['no hyphens', PERSON_ID.replaceAll('-', '')],
    ['a trailing space', `${PERSON_ID} `],
  ])('refuses a person_id with %s: the answer spells a UUID one way only', (_label, value) => {
    const error = refused(invalid(answer({ person_id: value })));
    expect(error.message).toMatch(PRINTABLE_ASCII);
    expect(error.message).not.toContain(PERSON_ID.slice(0, 8));
  });

  it('refuses a business_id that is no UUID', () => {
    expect(
      invalid(answer({ business_id: `${BUSINESS_ID}\u001b` }, ['person_id']), BUSINESS_REQUEST),
    ).toThrow(InvalidUpstreamAnswer);
  });

  it('quotes an unknown state in printable ASCII only', () => {
    const error = refused(invalid(answer({ state: 'EXP\ufffdI\u202eRED\u00e9' })));
    expect(error.message).toMatch(/does not know: "EXP I RED"\.$/);
    expect(error.message).toMatch(PRINTABLE_ASCII);
  });
});

describe('toDocumentVerificationSession: an answer for another customer', () => {
  it.each([
    ['another person', PERSON_REQUEST, { person_id: OTHER_PERSON_ID }, []],
    ['a business, for a person', PERSON_REQUEST, { business_id: BUSINESS_ID }, ['person_id']],
    ['a person, for a business', BUSINESS_REQUEST, { person_id: BUSINESS_ID }, []],
    ['another business', BUSINESS_REQUEST, { business_id: OTHER_PERSON_ID }, ['person_id']],
  ])(
    'refuses an answer for %s as MismatchedUpstreamAnswer, without naming that customer',
    (_label, requested, fields, drop) => {
      const error = refused(invalid(answer(fields, drop), requested));
      expect(error).toBeInstanceOf(MismatchedUpstreamAnswer);
      expect(error.name).toBe('MismatchedUpstreamAnswer');
      expect(error.message).not.toContain(OTHER_PERSON_ID);
      expect(error.message).toMatch(/not the one asked for/);
    },
  );

  it('keeps the mismatch an InvalidUpstreamAnswer and a plain Error', () => {
    const error = refused(invalid(answer({ person_id: OTHER_PERSON_ID })));
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ContractError);
  });

  it('does not call a malformed answer a mismatch', () => {
    for (const body of ['nope', answer({ session_id: '' }), answer({ person_id: 'p-1' })]) {
      expect(refused(invalid(body))).not.toBeInstanceOf(MismatchedUpstreamAnswer);
    }
  });
});

describe('toUpstreamProblem', () => {
  it('cuts each passed-on text to MAX_UPSTREAM_TEXT characters, marking the cut', () => {
    const long = 'd'.repeat(MAX_UPSTREAM_TEXT + 100);
    const problem = toUpstreamProblem(
      JSON.stringify({ type: long, code: long, detail: long }),
      CREDENTIAL,
    );
    const cut = `${'d'.repeat(MAX_UPSTREAM_TEXT - 1)}…`;
    expect(problem).toStrictEqual({ type: cut, code: cut, detail: cut });
  });

  it('extracts type, code and detail from an RFC 7807 body', () => {
    const body = JSON.stringify({
      type: 'https://dev.synctera.com/errors/bad-request-body',
      title: 'Bad Request',
      status: 400,
      detail: 'person_id: not a valid UUID',
      code: 'BAD_REQUEST_BODY',
    });
    expect(toUpstreamProblem(body, CREDENTIAL)).toStrictEqual({
      type: 'https://dev.synctera.com/errors/bad-request-body',
      code: 'BAD_REQUEST_BODY',
      detail: 'person_id: not a valid UUID',
    });
  });

  it('yields null for absent, empty or non-string fields', () => {
    expect(
      toUpstreamProblem(JSON.stringify({ type: '', code: 42, detail: { x: 1 } }), CREDENTIAL),
    ).toStrictEqual({ type: null, code: null, detail: null });
    expect(toUpstreamProblem(JSON.stringify({ detail: 'only detail' }), CREDENTIAL)).toStrictEqual({
      type: null,
      code: null,
      detail: 'only detail',
    });
  });

  it.each(['', 'Internal Server Error', '<html></html>', 'null', '[1,2]', '"text"', '{broken'])(
    'yields nulls for the unreadable body %j',
    (bodyText) => {
      expect(toUpstreamProblem(bodyText, CREDENTIAL)).toStrictEqual({
        type: null,
        code: null,
        detail: null,
      });
    },
  );
});
