import { bearerToken } from '../utils/bearer';

/** The Authorization sent upstream for one request (docs/contract.md). */
export type UpstreamAuthorization =
  | {
      readonly ok: true;
      /** Always `Bearer <credential>`. */
      readonly header: string;
      /** What nothing the upstream answers may repeat. */
      readonly credential: string;
    }
  | { readonly ok: false; readonly refusal: string };

/**
 * The longest `Authorization` value taken, in bytes (Node reads header values as latin1: one
 * character a byte). It bounds everything made from the token per request, the credential's
 * redaction set first; real bearer tokens, JWTs included, are far shorter.
 */
export const MAX_AUTHORIZATION_BYTES = 8 * 1024;

const MAX_TOKEN = MAX_AUTHORIZATION_BYTES - 'Bearer '.length;

/**
 * With a server-side key, that key, and the caller's header is never forwarded. Otherwise the
 * caller's token, forwarded as `Bearer <token>` whatever the scheme's case and the blanks around
 * it. A refusal never repeats the header, which may hold a secret.
 */
export function upstreamAuthorization(
  clientHeader: string | undefined,
  apiKey: string | undefined,
): UpstreamAuthorization {
  if (apiKey !== undefined) return bearer(apiKey);
  if (clientHeader === undefined || clientHeader.trim() === '') {
    return refused(
      'Send an Authorization header of the form "Bearer <token>" with your Synctera API key.',
    );
  }
  if (clientHeader.length > MAX_AUTHORIZATION_BYTES) {
    return refused(
      `The Authorization header is longer than 8 KiB: send "Bearer <token>" with a token of at most ${MAX_TOKEN} characters.`,
    );
  }
  const token = bearerToken(clientHeader);
  if (token === undefined) {
    return refused(
      'The Authorization header must be "Bearer <token>": one Bearer scheme and a token of visible ASCII characters.',
    );
  }
  return bearer(token);
}

function bearer(credential: string): UpstreamAuthorization {
  return { ok: true, header: `Bearer ${credential}`, credential };
}

function refused(refusal: string): UpstreamAuthorization {
  return { ok: false, refusal };
}
