/** The Authorization sent upstream for one request (the contract, docs/contract.md). */
export type UpstreamAuthorization =
  { readonly ok: true; readonly header: string } | { readonly ok: false; readonly refusal: string };

const BEARER = /^Bearer +[\x21-\x7e]+$/i;

/**
 * With a server-side key, that key, and the caller's header is never forwarded. Otherwise the
 * caller's `Authorization: Bearer <token>`, unchanged; a missing, empty or non-Bearer header is a
 * refusal (the message never repeats the header, which may hold a secret).
 */
export function upstreamAuthorization(
  clientHeader: string | undefined,
  apiKey: string | undefined,
): UpstreamAuthorization {
  if (apiKey !== undefined) return { ok: true, header: `Bearer ${apiKey}` };
  if (clientHeader === undefined || clientHeader.trim() === '') {
    return {
      ok: false,
      refusal:
        'Send an Authorization header of the form "Bearer <token>" with your Synctera API key.',
    };
  }
  if (!BEARER.test(clientHeader)) {
    return {
      ok: false,
      refusal:
        'The Authorization header must be "Bearer <token>": one Bearer scheme and a token of visible ASCII characters.',
    };
  }
  return { ok: true, header: clientHeader };
}
