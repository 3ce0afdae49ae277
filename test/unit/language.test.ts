import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_LANGUAGE,
  LANGUAGES,
  Language,
  languageCode,
} from '../../src/verification/language';

/** The upstream's reference page, as the project received it. */
const SEED = path.resolve(__dirname, '../fixtures/initiate-document-verification-session.txt');

/**
 * The seed lists the languages on one line, `CODE– Name` pairs run together (an en dash, then a
 * space): `AR– ArabicAR-SA– Arabic (Saudi Arabia)BN– Bengali…`.
 */
function seedLanguages(): { code: string; name: string }[] {
  const line = readFileSync(SEED, 'utf8')
    .split(/\r?\n/)
    .find((candidate) => candidate.includes('AR\u2013 Arabic'));
  if (line === undefined) throw new Error(`no language line in ${SEED}`);
  const matches = [...line.matchAll(/([A-Z]{2}(?:-[A-Z0-9]{2,3})?)\u2013 /g)];
  return matches.map((match, i) => {
    const start = (match.index ?? 0) + match[0].length;
    const end = matches[i + 1]?.index ?? line.length;
    return { code: match[1] ?? '', name: line.slice(start, end).trim() };
  });
}

describe('LANGUAGES', () => {
  it('has exactly 49 entries', () => {
    expect(LANGUAGES).toHaveLength(49);
  });

  it('has unique values and unique codes', () => {
    expect(new Set(LANGUAGES.map((l) => l.value)).size).toBe(49);
    expect(new Set(LANGUAGES.map((l) => l.code)).size).toBe(49);
  });

  it('derives every enum value from its code by replacing "-" with "_"', () => {
    for (const { value, code } of LANGUAGES) {
      expect(value).toBe(code.replace(/-/g, '_'));
    }
  });

  it('uses only valid GraphQL enum names', () => {
    for (const { value } of LANGUAGES) {
      expect(value).toMatch(/^[_A-Za-z][_0-9A-Za-z]*$/);
      expect(['true', 'false', 'null']).not.toContain(value);
    }
  });

  it('matches the codes and human names of the seed reference page, in its order', () => {
    const seed = seedLanguages();
    expect(seed).toHaveLength(49);
    expect(LANGUAGES.map(({ code, name }) => ({ code, name }))).toEqual(seed);
  });

  it('matches the plain code list of the seed reference page', () => {
    const list = readFileSync(SEED, 'utf8')
      .split(/\r?\n/)
      .find((line) => line.startsWith('AR, AR-SA'));
    const codes = list?.slice(0, list.indexOf(' "EN-US"')).split(', ');
    expect(LANGUAGES.map((l) => l.code)).toEqual(codes);
  });

  it('contains the upstream default EN-US as the default language', () => {
    expect(DEFAULT_LANGUAGE).toBe('EN_US');
    expect(languageCode(DEFAULT_LANGUAGE)).toBe('EN-US');
    expect(LANGUAGES.find((l) => l.value === DEFAULT_LANGUAGE)?.name).toBe(
      'English (United States)',
    );
  });
});

describe('languageCode', () => {
  it('maps EN_US to EN-US', () => {
    expect(languageCode('EN_US')).toBe('EN-US');
    expect(languageCode('ES_001')).toBe('ES-001');
  });

  it.each(LANGUAGES.map((l) => [l.value, l.code] as const))('maps %s to %s', (value, code) => {
    expect(languageCode(value)).toBe(code);
  });

  it('throws a RangeError for a value outside the enum', () => {
    expect(() => languageCode('EN-US' as Language)).toThrow(RangeError);
    expect(() => languageCode('XX' as Language)).toThrow(/XX/);
  });
});

describe('Language object', () => {
  it('maps each of the 49 values to itself and has no other keys', () => {
    expect(Object.keys(Language).sort()).toEqual(LANGUAGES.map((l) => l.value).sort());
    for (const [key, value] of Object.entries(Language)) {
      expect(value).toBe(key);
    }
    expect(Language.EN_US).toBe('EN_US');
    expect(Language.ZH_TW).toBe('ZH_TW');
  });

  it('is frozen', () => {
    expect(Object.isFrozen(Language)).toBe(true);
  });
});
