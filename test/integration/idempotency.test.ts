import { CreateSessionDocument, CreateTwoSessionsDocument } from '../generated/graphql';
import { AUTH, BUSINESS_ID, PERSON_ID, useStack } from '../helpers/stack';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PERSON = { customer: { personId: PERSON_ID } };
const BUSINESS = { customer: { businessId: BUSINESS_ID } };

describe('Idempotency-Key rules', () => {
  const stack = useStack();

  const sentKeys = () => stack().emulator.requests.map((r) => r.headers['idempotency-key']);
  const withKey = (key: string) => ({ ...AUTH, 'idempotency-key': key });

  it('uses the idempotencyKey argument over the header', async () => {
    const { body } = await stack().execute(
      CreateSessionDocument,
      { input: PERSON, idempotencyKey: 'from-argument' },
      withKey('from-header'),
    );
    expect(body.data?.createDocumentVerificationSession.idempotencyKey).toBe('from-argument');
    expect(sentKeys()).toEqual(['from-argument']);
  });

  it('sends the header unchanged when the operation has one such field', async () => {
    const { body } = await stack().execute(
      CreateSessionDocument,
      { input: PERSON },
      withKey('abc-123'),
    );
    expect(body.data?.createDocumentVerificationSession.idempotencyKey).toBe('abc-123');
    expect(sentKeys()).toEqual(['abc-123']);
  });

  it('derives <header>:<response key> for each of several fields', async () => {
    const { body } = await stack().execute(
      CreateTwoSessionsDocument,
      { first: PERSON, second: BUSINESS },
      withKey('h'),
    );
    expect(body.data?.first.idempotencyKey).toBe('h:first');
    expect(body.data?.second.idempotencyKey).toBe('h:second');
    expect(sentKeys()).toEqual(['h:first', 'h:second']);
    expect(body.data?.first.session.sessionId).not.toBe(body.data?.second.session.sessionId);
  });

  it('uses the field name as the response key of an unaliased field, through fragments', async () => {
    const { body } = await stack().execute(
      `mutation ($p: CreateDocumentVerificationSessionInput!, $b: CreateDocumentVerificationSessionInput!) {
        createDocumentVerificationSession(input: $p) { idempotencyKey }
        ...More
      }
      fragment More on Mutation {
        other: createDocumentVerificationSession(input: $b) { idempotencyKey }
      }`,
      { p: PERSON, b: BUSINESS },
      withKey('h'),
    );
    expect(body.errors).toBeUndefined();
    expect(sentKeys()).toEqual(['h:createDocumentVerificationSession', 'h:other']);
  });

  it('does not count a field left out by @skip', async () => {
    const { body } = await stack().execute(
      `mutation ($p: CreateDocumentVerificationSessionInput!, $skip: Boolean!) {
        a: createDocumentVerificationSession(input: $p) { idempotencyKey }
        b: createDocumentVerificationSession(input: $p) @skip(if: $skip) { idempotencyKey }
      }`,
      { p: PERSON, skip: true },
      withKey('only-one'),
    );
    expect(body.errors).toBeUndefined();
    expect(sentKeys()).toEqual(['only-one']);
  });

  it('generates a fresh UUID v4 per field without argument or header', async () => {
    const { body } = await stack().execute(CreateTwoSessionsDocument, {
      first: PERSON,
      second: PERSON,
    });
    const keys = [body.data?.first.idempotencyKey, body.data?.second.idempotencyKey];
    expect(keys[0]).toMatch(UUID_V4);
    expect(keys[1]).toMatch(UUID_V4);
    expect(keys[0]).not.toBe(keys[1]);
    expect(sentKeys()).toEqual(keys);
  });

  it('accepts a 255-character key', async () => {
    const key = 'k'.repeat(255);
    const { body } = await stack().execute(CreateSessionDocument, {
      input: PERSON,
      idempotencyKey: key,
    });
    expect(body.errors).toBeUndefined();
    expect(sentKeys()).toEqual([key]);
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a space', 'a b'],
    ['a tab', 'a\tb'],
    ['non-ASCII', 'clé'],
    ['a control character', 'a\u0001b'],
  ])('refuses an argument with %s, with no upstream call', async (_name, key) => {
    const { body } = await stack().execute(CreateSessionDocument, {
      input: PERSON,
      idempotencyKey: key,
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toMatch(
      /idempotencyKey argument must be 1 to 255 visible ASCII/,
    );
    expect(stack().emulator.requests).toHaveLength(0);
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'h'.repeat(256)],
    ['a space', 'a b'],
  ])('refuses a header with %s, with no upstream call', async (_name, key) => {
    const { body } = await stack().execute(CreateSessionDocument, { input: PERSON }, withKey(key));
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toMatch(/Idempotency-Key header must be 1 to 255/);
    expect(stack().emulator.requests).toHaveLength(0);
  });

  it('refuses a derived key that grows past 255 characters', async () => {
    const { body } = await stack().execute(
      CreateTwoSessionsDocument,
      { first: PERSON, second: BUSINESS },
      withKey('h'.repeat(250)),
    );
    // The first field's refusal nulls the (non-null) payload, so execution stops there.
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(body.errors?.[0]?.message).toMatch(/derived for field "first"/);
    expect(stack().emulator.requests).toHaveLength(0);
  });

  it('replays the same session for the same key and body (no second session upstream)', async () => {
    const first = await stack().execute(
      CreateSessionDocument,
      { input: PERSON },
      withKey('retry-me'),
    );
    const again = await stack().execute(
      CreateSessionDocument,
      { input: PERSON },
      withKey('retry-me'),
    );
    expect(again.body.data?.createDocumentVerificationSession.session).toEqual(
      first.body.data?.createDocumentVerificationSession.session,
    );
    expect(stack().emulator.requests).toHaveLength(2);
    expect(stack().emulator.sessionsCreated).toBe(1);
  });

  it('reports IDEMPOTENCY_CONFLICT when a key is reused with another body', async () => {
    await stack().execute(CreateSessionDocument, { input: PERSON }, withKey('reused'));
    const { body } = await stack().execute(
      CreateSessionDocument,
      { input: BUSINESS },
      withKey('reused'),
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(body.errors?.[0]?.extensions?.upstream).toMatchObject({ status: 409 });
    expect(stack().emulator.sessionsCreated).toBe(1);
  });

  it('refuses one key for two different inputs in one operation before the second call', async () => {
    const { body } = await stack().execute(
      `mutation ($p: CreateDocumentVerificationSessionInput!, $b: CreateDocumentVerificationSessionInput!) {
        a: createDocumentVerificationSession(input: $p, idempotencyKey: "same") { idempotencyKey }
        b: createDocumentVerificationSession(input: $b, idempotencyKey: "same") { idempotencyKey }
      }`,
      { p: PERSON, b: BUSINESS },
    );
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(body.errors?.[0]?.path).toEqual(['b']);
    expect(stack().emulator.requests).toHaveLength(1);
  });

  it('coalesces identical fields (same key and body) in one operation into one upstream call', async () => {
    const { body } = await stack().execute(
      `mutation ($p: CreateDocumentVerificationSessionInput!) {
        a: createDocumentVerificationSession(input: $p, idempotencyKey: "k") { session { sessionId } }
        b: createDocumentVerificationSession(input: $p, idempotencyKey: "k") { session { sessionId } }
      }`,
      { p: PERSON },
    );
    const data = body.data as {
      a: { session: { sessionId: string } };
      b: { session: { sessionId: string } };
    };
    expect(data.a.session.sessionId).toBe(data.b.session.sessionId);
    expect(stack().emulator.requests).toHaveLength(1);
  });
});
