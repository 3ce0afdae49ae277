/** One scheme and one token; the scheme in any case (RFC 9110), blanks (spaces, tabs) around both. */
const BEARER = /^[ \t]*Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i;

/** The subgraph and its emulator read the header alike. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  return BEARER.exec(header)?.[1];
}
