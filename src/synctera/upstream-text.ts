import { type CredentialScanner, REDACTED } from './credentials';

/** Longest piece of upstream text passed on (a problem `detail` can become a client message). */
export const MAX_UPSTREAM_TEXT = 300;

/** Control, format (bidi overrides, zero-width) and line/paragraph separators. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\u2028\u2029]+/gu;

/**
 * Upstream free text made fit to quote: first the credential is redacted (on the whole text, so
 * no part of it survives across the cut), then unprintable characters become spaces (without
 * joining what they separated), then the text is cut to `max` characters, marked with "…".
 */
export function quotable(
  text: string,
  credential: CredentialScanner,
  max: number = MAX_UPSTREAM_TEXT,
): string {
  const printable = credential.redact(text).replace(UNPRINTABLE, ' ').trim();
  return printable.length <= max ? printable : `${cutAt(printable, max - 1)}…`;
}

/** The first `length` characters, without half a surrogate pair or half a redaction marker. */
function cutAt(text: string, length: number): string {
  let cut = text.slice(0, length);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const marker = cut.lastIndexOf('[');
  const tail = cut.slice(marker);
  if (marker >= 0 && tail.length < REDACTED.length && REDACTED.startsWith(tail)) {
    cut = cut.slice(0, marker);
  }
  return cut.trimEnd();
}
