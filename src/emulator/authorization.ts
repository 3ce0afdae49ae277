/**
 * The upstream's authentication: `Authorization: Bearer <token>`.
 */

const BEARER = /^bearer +([\x21-\x7e]+) *$/i;

/**
 * The token of an `Authorization: Bearer <token>` header (scheme in any case, token of visible
 * ASCII characters), or undefined when the header is missing or is not of that form.
 */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  return BEARER.exec(header)?.[1];
}
