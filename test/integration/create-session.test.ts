import {
  CreateSessionDocument,
  CreateSessionForBusinessDocument,
  CreateSessionForPersonDocument,
  DocumentVerificationLanguagesDocument,
  type Language,
} from '../generated/graphql';
import { LANGUAGES } from '../../src/verification/language';
import { BUSINESS_ID, PERSON_ID, useStack } from '../helpers/stack';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createDocumentVerificationSession through HTTP', () => {
  const stack = useStack();

  const lastUpstreamBody = () => stack().emulator.requests.at(-1)?.json;

  it('creates a session for a person and returns every field', async () => {
    const { status, body } = await stack().execute(CreateSessionForPersonDocument, {
      personId: PERSON_ID,
      language: 'FR_CA',
    });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const payload = body.data?.createDocumentVerificationSession;
    expect(payload?.idempotencyKey).toMatch(UUID_V4);
    expect(payload?.session).toEqual({
      id: expect.any(String),
      sessionId: expect.any(String),
      state: 'PENDING',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/session\//),
      customer: { id: PERSON_ID },
    });
    expect(payload?.session.url).toContain(payload?.session.sessionId);
    expect(lastUpstreamBody()).toEqual({
      person_id: PERSON_ID,
      document_type: 'PASSPORT',
      language: 'FR-CA',
      send_sms: false,
    });
    expect(stack().emulator.sessionsCreated).toBe(1);
  });

  it('creates a session for a business', async () => {
    const { body } = await stack().execute(CreateSessionForBusinessDocument, {
      businessId: BUSINESS_ID,
      documentType: 'LICENSE',
    });
    expect(body.errors).toBeUndefined();
    expect(body.data?.createDocumentVerificationSession.session.customer).toEqual({
      id: BUSINESS_ID,
    });
    expect(lastUpstreamBody()).toEqual({
      business_id: BUSINESS_ID,
      document_type: 'LICENSE',
      language: 'EN-US',
      send_sms: true,
    });
  });

  it('resolves Customer to the type the upstream answered for', async () => {
    const { body } = await stack().execute(CreateSessionDocument, {
      input: { customer: { businessId: BUSINESS_ID } },
    });
    expect(body.data?.createDocumentVerificationSession.session.customer).toEqual({
      __typename: 'Business',
      id: BUSINESS_ID,
    });
  });

  it('applies the schema defaults (EN_US, no SMS) and omits an absent document type', async () => {
    await stack().execute(CreateSessionDocument, { input: { customer: { personId: PERSON_ID } } });
    expect(lastUpstreamBody()).toEqual({
      person_id: PERSON_ID,
      language: 'EN-US',
      send_sms: false,
    });
  });

  it('sends nothing for explicit nulls, leaving the upstream defaults', async () => {
    const { body } = await stack().execute(CreateSessionDocument, {
      input: {
        customer: { personId: PERSON_ID },
        documentType: null,
        language: null,
        sendSms: null,
      },
    });
    expect(body.errors).toBeUndefined();
    expect(lastUpstreamBody()).toEqual({ person_id: PERSON_ID });
  });

  it.each(LANGUAGES.map((l) => [l.value, l.code] as const))(
    'maps language %s to upstream %s',
    async (value, code) => {
      const { body } = await stack().execute(CreateSessionDocument, {
        input: { customer: { personId: PERSON_ID }, language: value as Language },
      });
      expect(body.errors).toBeUndefined();
      expect(lastUpstreamBody()).toMatchObject({ language: code });
    },
  );

  it('maps a COMPLETE session and one without a record id', async () => {
    stack().emulator.injectFault({
      kind: 'respond',
      status: 201,
      body: {
        person_id: PERSON_ID,
        session_id: 's-1',
        state: 'COMPLETE',
        url: 'https://verify.example/s-1',
      },
    });
    const { body } = await stack().execute(CreateSessionDocument, {
      input: { customer: { personId: PERSON_ID } },
    });
    expect(body.data?.createDocumentVerificationSession.session).toEqual({
      id: null,
      sessionId: 's-1',
      state: 'COMPLETE',
      url: 'https://verify.example/s-1',
      customer: { __typename: 'Person', id: PERSON_ID },
    });
  });

  it('lists the 49 languages with enum value, upstream code and human name', async () => {
    const { body } = await stack().execute(DocumentVerificationLanguagesDocument, {}, {});
    expect(body.errors).toBeUndefined();
    expect(body.data?.documentVerificationLanguages).toEqual(
      LANGUAGES.map(({ value, code, name }) => ({ language: value, code, name })),
    );
    expect(body.data?.documentVerificationLanguages).toHaveLength(49);
    expect(body.data?.documentVerificationLanguages).toContainEqual({
      language: 'EN_US',
      code: 'EN-US',
      name: 'English (United States)',
    });
  });
});
