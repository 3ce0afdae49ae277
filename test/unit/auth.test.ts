import { upstreamAuthorization } from '../../src/synctera/authorization';

const SECRET = 'sk_live_TOPSECRET123';

function refusalFor(header: string | undefined): string {
  const result = upstreamAuthorization(header, undefined);
  if (result.ok) throw new Error(`expected ${JSON.stringify(header)} to be refused`);
  expect(result).not.toHaveProperty('header');
  expect(result.refusal.length).toBeGreaterThan(0);
  return result.refusal;
}

describe('upstreamAuthorization with a server-side key', () => {
  it.each([
    ['no client header', undefined],
    ['a valid client bearer token', `Bearer ${SECRET}`],
    ['a Basic client header', 'Basic dXNlcjpwYXNz'],
    ['an empty client header', ''],
  ])('uses the server key and ignores %s', (_label, clientHeader) => {
    const result = upstreamAuthorization(clientHeader, 'server-key-1');
    expect(result).toStrictEqual({
      ok: true,
      header: 'Bearer server-key-1',
      credential: 'server-key-1',
    });
  });

  it('ignores a client header over 8 KiB, as it ignores any other', () => {
    const result = upstreamAuthorization(`Bearer ${'t'.repeat(9 * 1024)}`, 'server-key-1');
    expect(result).toStrictEqual({
      ok: true,
      header: 'Bearer server-key-1',
      credential: 'server-key-1',
    });
  });

  it('never forwards the client token when a server key is set', () => {
    const result = upstreamAuthorization(`Bearer ${SECRET}`, 'server-key-1');
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });
});

describe('upstreamAuthorization with the caller header', () => {
  it.each([
    [`Bearer ${SECRET}`, SECRET],
    [`bearer ${SECRET}`, SECRET],
    [`BEARER ${SECRET}`, SECRET],
    [`BeArEr ${SECRET}`, SECRET],
    ['Bearer x', 'x'],
    ['bearer x', 'x'],
    [`Bearer   ${SECRET}`, SECRET],
    [`Bearer\t${SECRET}`, SECRET],
    [` Bearer ${SECRET}`, SECRET],
    [`Bearer ${SECRET} `, SECRET],
    [`\t bearer \t ${SECRET} \t`, SECRET],
    [
      'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-_=+/~!',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-_=+/~!',
    ],
  ])('forwards %j as "Bearer <token>"', (header, credential) => {
    expect(upstreamAuthorization(header, undefined)).toStrictEqual({
      ok: true,
      header: `Bearer ${credential}`,
      credential,
    });
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['whitespace', '   '],
    ['a tab', '\t'],
  ])('refuses a %s header', (_label, header) => {
    expect(refusalFor(header)).toMatch(/Bearer/);
  });

  it.each([
    ['Basic', 'Basic dXNlcjpwYXNz'],
    ['a bare token', SECRET],
    ['Bearer without token', 'Bearer'],
    ['Bearer and a space only', 'Bearer '],
    ['Bearer with two tokens', 'Bearer a b'],
    ['Bearer with two secret tokens', `Bearer ${SECRET} ${SECRET}`],
    ['a glued scheme', `Bearer${SECRET}`],
    ['a non-ASCII token', `Bearer ${SECRET}\u00e9`],
    ['a control character', `Bearer ${SECRET}\u0000`],
    ['a newline between scheme and token', `Bearer\n${SECRET}`],
    ['a token split by a tab', `Bearer ${SECRET}\t${SECRET}`],
    ['two schemes', `Bearer, Bearer ${SECRET}`],
    ['two Bearer schemes', `Bearer Bearer ${SECRET}`],
    ['Token scheme', `Token ${SECRET}`],
    ['Bearerx scheme', `Bearerx ${SECRET}`],
  ])('refuses %s', (_label, header) => {
    refusalFor(header);
  });

  it.each([
    `Basic ${SECRET}`,
    SECRET,
    `Bearer ${SECRET} extra`,
    `Bearer\n${SECRET}`,
    `Token ${SECRET}`,
    `Bearer ${SECRET}\u00e9`,
  ])('never repeats the refused header %j in the refusal', (header) => {
    const refusal = refusalFor(header);
    expect(refusal).not.toContain(SECRET);
    expect(refusal).not.toContain('TOPSECRET');
  });

  describe('at the 8 KiB cap (8192 bytes of the header value)', () => {
    /** A visible-ASCII token that makes `Bearer <token>` exactly `bytes` long. */
    const tokenFor = (bytes: number) => 'k'.repeat(bytes - 'Bearer '.length);

    it('forwards a header of exactly 8192 bytes', () => {
      const token = tokenFor(8192);
      expect(upstreamAuthorization(`Bearer ${token}`, undefined)).toStrictEqual({
        ok: true,
        header: `Bearer ${token}`,
        credential: token,
      });
    });

    it.each([
      ['one byte over', `Bearer ${tokenFor(8193)}`],
      ['over by blanks around the token alone', ` Bearer ${tokenFor(8192)}\t`],
      ['9 KiB', `Bearer ${tokenFor(9 * 1024)}`],
      ["Node's whole header limit", `Bearer ${tokenFor(16 * 1024)}`],
    ])(
      'refuses a header %s, saying how long a token may be, without repeating it',
      (_label, header) => {
        const refusal = refusalFor(header);
        expect(refusal).toMatch(/longer than 8 KiB/);
        expect(refusal).toMatch(/at most 8185 characters/);
        expect(refusal).not.toContain('kkkkkkkk');
      },
    );
  });
});
