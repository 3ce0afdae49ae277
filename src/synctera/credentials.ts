/**
 * Finds, in text that came back from the upstream, whatever repeats the credential sent to it,
 * so that no part of it travels on to a client or a log line.
 */

/** The shortest run of a credential's characters that counts as a part of it. */
const CREDENTIAL_WINDOW = 8;

/** What a repeated part of the credential is replaced with. */
export const REDACTED = '[redacted]';

/** Source offsets `[start, end)` of one repeated part. */
type Range = [start: number, end: number];

/**
 * The credential of one upstream call (the token after "Bearer "), as the set of its windows:
 * every run of {@link CREDENTIAL_WINDOW} consecutive characters of the credential and of its
 * base64 and base64url forms, letter case ignored. Text is scanned as it is and percent-decoded,
 * so a run that is URL-encoded (wholly or in part) or re-cased is found too. A credential shorter
 * than the window has no such run: it is then found whole (as is or URL-encoded, not in base64,
 * where a handful of characters would match ordinary text by chance). A caller's is made when
 * an answer is read and dropped right after, so nothing derived from a caller's credential
 * outlives its request, nor is held while the upstream is awaited; the server key's lives with
 * the server.
 */
export class CredentialScanner {
  private readonly width: number;
  private readonly windows = new Set<string>();

  constructor(credential: string) {
    this.width = Math.min(CREDENTIAL_WINDOW, credential.length);
    if (this.width === 0) return;
    const forms = credential.length < CREDENTIAL_WINDOW ? [credential] : withBase64(credential);
    for (const form of forms.map(folded)) {
      for (let i = 0; i + this.width <= form.length; i++) {
        this.windows.add(form.slice(i, i + this.width));
      }
    }
  }

  /** `text` with each run that repeats part of the credential replaced by {@link REDACTED}. */
  redact(text: string): string {
    let redacted = '';
    let from = 0;
    for (const [start, end] of this.find(text)) {
      redacted += text.slice(from, start) + REDACTED;
      from = end;
    }
    return redacted + text.slice(from);
  }

  /**
   * Whether `text` repeats any part of the credential. Never for a credential shorter than the
   * window: it has no part in that sense, and a few common characters (a one-letter token is in
   * every URL) must not make a whole answer unusable; its text is still redacted.
   */
  appearsIn(text: string): boolean {
    return this.width === CREDENTIAL_WINDOW && this.find(text).length > 0;
  }

  /** The source ranges, sorted and merged, of the windows of `text` that are the credential's. */
  private find(text: string): Range[] {
    let found = this.windowsIn(folded(text), (i) => i);
    if (text.includes('%')) {
      const { decoded, starts } = percentDecoded(text);
      found = found.concat(this.windowsIn(folded(decoded), (i) => starts[i] as number));
    }
    return joined(found);
  }

  /** The windows of the folded `text` in the set, as source ranges through `sourceOf`. */
  private windowsIn(text: string, sourceOf: (index: number) => number): Range[] {
    const { width, windows } = this;
    const found: Range[] = [];
    for (let i = 0; i + width <= text.length; i++) {
      if (windows.has(text.slice(i, i + width))) found.push([sourceOf(i), sourceOf(i + width)]);
    }
    return found;
  }
}

/**
 * `text` with the differences that do not count folded away: ASCII letters in lower case, and
 * base64url's `-` and `_` as base64's `+` and `/`. One character for one, so offsets still hold:
 * `toLowerCase` alone would also fold non-ASCII letters, one of them into two characters.
 */
function folded(text: string): string {
  const lower = /[\u0080-\uffff]/.test(text)
    ? text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase())
    : text.toLowerCase();
  return lower.replaceAll('-', '+').replaceAll('_', '/');
}

/**
 * `text` with each `%` and two hex digits replaced by the one character of that code, and where
 * each character of the result (and its end) starts in `text`.
 */
function percentDecoded(text: string): { decoded: string; starts: number[] } {
  let decoded = '';
  const starts: number[] = [];
  let from = 0;
  for (const { 0: escaped, index } of text.matchAll(/%[0-9a-f]{2}/gi)) {
    for (let i = from; i <= index; i++) starts.push(i);
    decoded += text.slice(from, index) + String.fromCharCode(parseInt(escaped.slice(1), 16));
    from = index + escaped.length;
  }
  for (let i = from; i <= text.length; i++) starts.push(i);
  return { decoded: decoded + text.slice(from), starts };
}

/**
 * The credential and its base64 from each of its first three characters on, each only the
 * characters its own bits make (no padding, no last partial one). Credentials are visible ASCII
 * (auth and the configuration refuse anything else), one byte a character. Base64 text that
 * encodes a run of the credential, whatever surrounds it, contains a run of the form for one of
 * the three alignments.
 */
function withBase64(credential: string): string[] {
  const bytes = Buffer.from(credential, 'latin1');
  const forms = [credential];
  for (let skip = 0; skip < 3; skip++) {
    const length = Math.floor(((bytes.length - skip) * 8) / 6);
    forms.push(bytes.toString('base64', skip).slice(0, length));
  }
  return forms;
}

/** Ranges sorted by start, overlapping or touching ones joined. */
function joined(ranges: Range[]): Range[] {
  const merged: Range[] = [];
  for (const [start, end] of ranges.sort((a, b) => a[0] - b[0])) {
    const last = merged.at(-1);
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}
