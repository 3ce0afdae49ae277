import fc from 'fast-check';
import { MAX_AUTHORIZATION_BYTES, upstreamAuthorization } from '../../src/synctera/authorization';
import { CredentialScanner, REDACTED } from '../../src/synctera/credentials';
import { MAX_UPSTREAM_TEXT, quotable } from '../../src/synctera/upstream-text';
import { leakedParts } from '../helpers/leaks';

const CREDENTIAL = 'Zq8/x+Lm~w!9Kp=Rt4$Vb&Yh*3Nc(Tj)Ue';
const scanner = new CredentialScanner(CREDENTIAL);

/** Visible ASCII: what a bearer token or SYNCTERA_API_KEY may hold. */
const credentials = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)),
  minLength: 8,
  maxLength: 80,
});

/** Text around an echo: anything, unprintable and non-ASCII characters included. */
const filler = fc.string({ unit: 'binary', maxLength: 40 });

const base64 = (text: string, pad: number, url: boolean) =>
  Buffer.from('~'.repeat(pad) + text).toString(url ? 'base64url' : 'base64');

/** The ways an upstream may send back a run of the credential. */
const ENCODINGS: ReadonlyArray<(run: string) => string> = [
  (run) => run,
  (run) => run.toUpperCase(),
  (run) => run.toLowerCase(),
  (run) => encodeURIComponent(run),
  (run) => encodeURIComponent(run).toLowerCase(),
  (run) => [...run].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join(''),
  (run) => base64(run, 0, false),
  (run) => base64(run, 1, false),
  (run) => base64(run, 2, true),
  (run) => base64(`Bearer ${run}`, 0, false),
];

/** A credential and a text that echoes runs of it (8 characters or more) among filler. */
const echoes = credentials.chain((credential) =>
  fc.record({
    credential: fc.constant(credential),
    text: fc
      .array(
        fc.tuple(
          filler,
          fc.nat(credential.length - 8),
          fc.nat(credential.length),
          fc.nat(ENCODINGS.length - 1),
        ),
        { minLength: 1, maxLength: 6 },
      )
      .map((pieces) =>
        pieces
          .map(([before, start, length, encoding]) => {
            const run = credential.slice(start, start + Math.max(8, length));
            return before + (ENCODINGS[encoding] as (run: string) => string)(run);
          })
          .join(''),
      ),
  }),
);

/** `length` pseudo-random visible ASCII characters (a fixed linear congruential sequence). */
function pseudoRandomCredential(length: number): string {
  let seed = 42;
  const visible = () => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) & 0x7fffffff;
    return String.fromCharCode(0x21 + ((seed >>> 16) % 94));
  };
  return Array.from({ length }, visible).join('');
}

describe('CredentialScanner', () => {
  it.each([
    ['whole', CREDENTIAL],
    ['upper case', CREDENTIAL.toUpperCase()],
    ['URL-encoded', encodeURIComponent(CREDENTIAL)],
    ['percent-encoded in part, hex in lower case', 'Zq8%2fx%2BLm~w!9Kp=Rt4%24Vb&Yh*3Nc(Tj)Ue'],
    ['base64', Buffer.from(CREDENTIAL).toString('base64')],
    ['base64url after one byte', Buffer.from(`x${CREDENTIAL}`).toString('base64url')],
    ['inside a Basic credential', Buffer.from(`user:${CREDENTIAL}`).toString('base64')],
    ['one 8-character run', CREDENTIAL.slice(5, 13)],
  ])('redacts the credential %s', (_label, echo) => {
    const redacted = scanner.redact(`before ${echo} after`);
    expect(redacted).toMatch(/^before .*\[redacted\].* after$/);
    expect(leakedParts(redacted, [CREDENTIAL])).toEqual([]);
    expect(scanner.appearsIn(`before ${echo} after`)).toBe(true);
  });

  it('joins adjacent and overlapping runs into one marker', () => {
    expect(scanner.redact(`a ${CREDENTIAL.slice(0, 12)}${CREDENTIAL.slice(4, 20)} b`)).toBe(
      `a ${REDACTED} b`,
    );
  });

  it('leaves 7 characters of the credential, and text without it, as they are', () => {
    const text = `id ${CREDENTIAL.slice(0, 7)} and ${CREDENTIAL.slice(10, 17)}, %zz % 100%`;
    expect(scanner.redact(text)).toBe(text);
    expect(scanner.appearsIn(text)).toBe(false);
    expect(scanner.redact('')).toBe('');
  });

  it('redacts every echo of any run of 8 or more characters, however encoded, wherever it is', () => {
    fc.assert(
      fc.property(echoes, ({ credential, text }) => {
        const credentialScanner = new CredentialScanner(credential);
        expect(leakedParts(credentialScanner.redact(text), [credential])).toEqual([]);
        expect(credentialScanner.appearsIn(text)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('changes nothing in text that holds no part of the credential', () => {
    fc.assert(
      fc.property(
        credentials,
        fc.string({ unit: 'binary', maxLength: 200 }),
        (credential, text) => {
          fc.pre(leakedParts(text, [credential]).length === 0);
          expect(new CredentialScanner(credential).redact(text)).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds a credential shorter than 8 characters whole, in any case, and no less of it', () => {
    const short = new CredentialScanner('k3y/Ab');
    expect(short.redact('a K3Y/AB b k3y%2fab c k3y/A d')).toBe(
      `a ${REDACTED} b ${REDACTED} c k3y/A d`,
    );
    expect(short.appearsIn('k3y/A')).toBe(false);
    // No part of it, in the contract's sense, refuses an answer; a one-letter token would
    // refuse every session URL.
    expect(short.appearsIn('a K3Y/AB b')).toBe(false);
    expect(new CredentialScanner('t').appearsIn('https://example.test/session')).toBe(false);
  });

  it('finds eight of the first visible character only where the credential has them', () => {
    const bangs = new CredentialScanner('ab!!!!!!!!!cd');
    expect(bangs.redact('x !!!!!!!! y')).toBe(`x ${REDACTED} y`);
    expect(bangs.appearsIn('x !!!!!!!! y')).toBe(true);
    expect(scanner.redact('x !!!!!!!! y')).toBe('x !!!!!!!! y');
    expect(scanner.appearsIn('x !!!!!!!! y')).toBe(false);
  });

  it('finds every part of a credential of 16 KB (SYNCTERA_API_KEY has no cap)', () => {
    const long = pseudoRandomCredential(16_000);
    const longScanner = new CredentialScanner(long);
    for (const at of [0, 8_000, 15_992]) {
      const run = long.slice(at, at + 8);
      expect(longScanner.appearsIn(`"${run}"`)).toBe(true);
      expect(
        longScanner.appearsIn(`"${Buffer.from(long.slice(at, at + 12)).toString('base64')}"`),
      ).toBe(true);
    }
    expect(longScanner.appearsIn(CREDENTIAL)).toBe(false);
  });

  it('finds every part of a caller token at the 8 KiB cap, in every form, and nothing else', () => {
    const authorization = upstreamAuthorization(
      `Bearer ${pseudoRandomCredential(MAX_AUTHORIZATION_BYTES - 'Bearer '.length)}`,
      undefined,
    );
    if (!authorization.ok) throw new Error(authorization.refusal);
    const { credential } = authorization;
    const capScanner = new CredentialScanner(credential);
    const echoes = [
      credential,
      credential.toLowerCase(),
      encodeURIComponent(credential),
      Buffer.from(credential).toString('base64'),
      Buffer.from(`x${credential}`).toString('base64url'),
      Buffer.from(`xx${credential}`).toString('base64'),
    ];
    for (const echo of echoes) {
      const redacted = capScanner.redact(`before ${echo} after`);
      // All but the characters of a base64 form that are partly another byte's, and padding.
      expect(redacted).toMatch(/^before [\w+/-]{0,4}\[redacted\][\w+/=-]{0,3} after$/);
      expect(leakedParts(redacted, [credential])).toEqual([]);
    }
    // Any 8 characters of the token or of a base64 form, alone, are found: sampled along it.
    for (const echo of [credential, ...echoes.slice(3)]) {
      for (let at = 4; at + 12 <= echo.length; at += 997) {
        const run = echo.slice(at, at + 8);
        expect(capScanner.redact(`<${run}>`)).toBe(`<${REDACTED}>`);
        expect(capScanner.appearsIn(`<${run}>`)).toBe(true);
      }
    }
    expect(capScanner.appearsIn(CREDENTIAL)).toBe(false);
    expect(capScanner.redact(CREDENTIAL)).toBe(CREDENTIAL);
  });

  it('redacts every echo in 64 KiB, the largest upstream body read', () => {
    const text = `${'x'.repeat(97)}%2F${CREDENTIAL.toUpperCase()}`.repeat(600).slice(0, 65_536);
    const redacted = scanner.redact(text);
    expect(leakedParts(redacted, [CREDENTIAL])).toEqual([]);
  });
});

describe('quotable', () => {
  it('redacts before it cuts, so no part of the credential survives across the cut', () => {
    for (let pad = MAX_UPSTREAM_TEXT - 50; pad <= MAX_UPSTREAM_TEXT + 5; pad++) {
      const quoted = quotable(`${'d'.repeat(pad)}${CREDENTIAL}${'e'.repeat(400)}`, scanner);
      expect(quoted.length).toBeLessThanOrEqual(MAX_UPSTREAM_TEXT);
      expect(quoted).toMatch(/…$/);
      expect(leakedParts(quoted, [CREDENTIAL])).toEqual([]);
      // Nor half a marker: a cut inside it drops it.
      expect(quoted).toMatch(/^d+(\[redacted\]e*)?…$/);
    }
  });

  it('turns control, format and separator characters into spaces, without joining what they split', () => {
    const split = `${CREDENTIAL.slice(0, 6)}\u0000${CREDENTIAL.slice(6, 12)}`;
    expect(quotable(`a\r\nb\u202e\u200bc\u2028d \u0007${split}\t`, scanner)).toBe(
      `a b c d  ${CREDENTIAL.slice(0, 6)} ${CREDENTIAL.slice(6, 12)}`,
    );
  });

  it('cuts to the limit, never through a surrogate pair, marking the cut with "…"', () => {
    expect(quotable('x'.repeat(10), scanner, 10)).toBe('x'.repeat(10));
    expect(quotable('x'.repeat(11), scanner, 10)).toBe(`${'x'.repeat(9)}…`);
    expect(quotable(`${'x'.repeat(8)}😀😀`, scanner, 10)).toBe(`${'x'.repeat(8)}…`);
  });
});
