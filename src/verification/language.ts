/**
 * The one table of languages a session can run in, in the order of the upstream's reference page:
 * GraphQL enum value, upstream code, human name. The `Language` enum, the upstream codes and the
 * `documentVerificationLanguages` query are made from it.
 */
export const LANGUAGES = [
  { value: 'AR', code: 'AR', name: 'Arabic' },
  { value: 'AR_SA', code: 'AR-SA', name: 'Arabic (Saudi Arabia)' },
  { value: 'BN', code: 'BN', name: 'Bengali' },
  { value: 'CS_CZ', code: 'CS-CZ', name: 'Czech (Czech Republic)' },
  { value: 'DA_DK', code: 'DA-DK', name: 'Danish (Denmark)' },
  { value: 'DE_DE', code: 'DE-DE', name: 'German (Germany)' },
  { value: 'EN', code: 'EN', name: 'English' },
  { value: 'EN_AU', code: 'EN-AU', name: 'English (Australia)' },
  { value: 'EN_CA', code: 'EN-CA', name: 'English (Canada)' },
  { value: 'EN_GB', code: 'EN-GB', name: 'English (United Kingdom)' },
  { value: 'EN_US', code: 'EN-US', name: 'English (United States)' },
  { value: 'ES', code: 'ES', name: 'Spanish' },
  { value: 'ES_001', code: 'ES-001', name: 'Spanish (World)' },
  { value: 'ES_AR', code: 'ES-AR', name: 'Spanish (Argentina)' },
  { value: 'ES_ES', code: 'ES-ES', name: 'Spanish (Spain)' },
  { value: 'ES_MX', code: 'ES-MX', name: 'Spanish (Mexico)' },
  { value: 'ES_US', code: 'ES-US', name: 'Spanish (United States)' },
  { value: 'FI_FI', code: 'FI-FI', name: 'Finnish (Finland)' },
  { value: 'FR', code: 'FR', name: 'French' },
  { value: 'FR_CA', code: 'FR-CA', name: 'French (Canada)' },
  { value: 'HE_IL', code: 'HE-IL', name: 'Hebrew (Israel)' },
  { value: 'HI_IN', code: 'HI-IN', name: 'Hindi (India)' },
  { value: 'HT', code: 'HT', name: 'Haitian Creole' },
  { value: 'HU_HU', code: 'HU-HU', name: 'Hungarian (Hungary)' },
  { value: 'HY', code: 'HY', name: 'Armenian' },
  { value: 'ID_ID', code: 'ID-ID', name: 'Indonesian (Indonesia)' },
  { value: 'IT', code: 'IT', name: 'Italian' },
  { value: 'IT_CH', code: 'IT-CH', name: 'Italian (Switzerland)' },
  { value: 'JA_JP', code: 'JA-JP', name: 'Japanese (Japan)' },
  { value: 'KO', code: 'KO', name: 'Korean' },
  { value: 'MS_MY', code: 'MS-MY', name: 'Malay (Malaysia)' },
  { value: 'NL_NL', code: 'NL-NL', name: 'Dutch (Netherlands)' },
  { value: 'NO_NO', code: 'NO-NO', name: 'Norwegian (Norway)' },
  { value: 'PL_PL', code: 'PL-PL', name: 'Polish (Poland)' },
  { value: 'PT_BR', code: 'PT-BR', name: 'Portuguese (Brazil)' },
  { value: 'PT_PT', code: 'PT-PT', name: 'Portuguese (Portugal)' },
  { value: 'RO_MO', code: 'RO-MO', name: 'Romanian (Moldova)' },
  { value: 'RO_RO', code: 'RO-RO', name: 'Romanian (Romania)' },
  { value: 'RU', code: 'RU', name: 'Russian' },
  { value: 'SK_SK', code: 'SK-SK', name: 'Slovak (Slovakia)' },
  { value: 'SV_SE', code: 'SV-SE', name: 'Swedish (Sweden)' },
  { value: 'TH_TH', code: 'TH-TH', name: 'Thai (Thailand)' },
  { value: 'TL', code: 'TL', name: 'Tagalog' },
  { value: 'TR_TR', code: 'TR-TR', name: 'Turkish (Turkey)' },
  { value: 'UR', code: 'UR', name: 'Urdu' },
  { value: 'VI', code: 'VI', name: 'Vietnamese' },
  { value: 'ZH_CN', code: 'ZH-CN', name: 'Chinese (Simplified, China)' },
  { value: 'ZH_HK', code: 'ZH-HK', name: 'Chinese (Traditional, Hong Kong)' },
  { value: 'ZH_TW', code: 'ZH-TW', name: 'Chinese (Traditional, Taiwan)' },
] as const;

/** A GraphQL `Language` enum value, such as `EN_US`. */
export type Language = (typeof LANGUAGES)[number]['value'];

/** An upstream language code, such as `EN-US`. */
export type LanguageCode = (typeof LANGUAGES)[number]['code'];

/** The `Language` enum as an object (each value maps to itself), for type-graphql. */
export const Language = Object.freeze(
  Object.fromEntries(LANGUAGES.map(({ value }) => [value, value])),
) as { readonly [V in Language]: V };

/** The language the upstream uses when none is sent. */
export const DEFAULT_LANGUAGE: Language = 'EN_US';

const codeByValue = new Map<string, LanguageCode>(LANGUAGES.map((l) => [l.value, l.code]));

/** `EN_US` → `EN-US`. */
export function languageCode(value: Language): LanguageCode {
  const code = codeByValue.get(value);
  if (code === undefined) throw new RangeError(`Unknown language value: ${value}`);
  return code;
}
