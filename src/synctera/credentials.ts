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
 * so a run URL-encoded or re-cased is found too. A credential shorter than the window is found
 * whole (not in base64, where a few characters would match ordinary text by chance).
 */
export class CredentialScanner {
  private readonly width: number;
  /** Every window's value ({@link windowValues}), sorted: a set searched by bisection. */
  private readonly windows: Float64Array;

  constructor(credential: string) {
    this.width = Math.min(CREDENTIAL_WINDOW, credential.length);
    const forms = credential.length < CREDENTIAL_WINDOW ? [credential] : withBase64(credential);
    const windows = new Float64Array(
      forms.reduce((sum, form) => sum + Math.max(0, form.length - this.width + 1), 0),
    );
    let count = 0;
    for (const form of forms) {
      windowValues(form, this.width, (value) => {
        windows[count++] = value;
      });
    }
    this.windows = windows.subarray(0, count).sort();
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
   * window: a one-letter token is in every URL, and must not make every answer unusable.
   */
  appearsIn(text: string): boolean {
    return this.width === CREDENTIAL_WINDOW && this.find(text).length > 0;
  }

  /** The source ranges, sorted and merged, of the windows of `text` that are the credential's. */
  private find(text: string): Range[] {
    if (this.width === 0) return [];
    let found = this.windowsIn(text, (i) => i);
    if (text.includes('%')) {
      const { decoded, starts } = percentDecoded(text);
      found = found.concat(this.windowsIn(decoded, (i) => starts[i] as number));
    }
    return joined(found);
  }

  /** The windows of `text` that are the credential's, as source ranges through `sourceOf`. */
  private windowsIn(text: string, sourceOf: (index: number) => number): Range[] {
    const { width } = this;
    const found: Range[] = [];
    windowValues(text, width, (value, end) => {
      if (this.has(value)) found.push([sourceOf(end - width), sourceOf(end)]);
    });
    return found;
  }

  private has(value: number): boolean {
    const { windows } = this;
    let low = 0;
    let high = windows.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((windows[middle] as number) < value) low = middle + 1;
      else high = middle;
    }
    return windows[low] === value;
  }
}

/**
 * The digit of each character code below 0x80 (-1 outside visible ASCII, which no credential
 * holds). Characters that compare equal share one: both letter cases, and base64url's `-` and
 * `_` with base64's `+` and `/`.
 */
const DIGITS = Int8Array.from({ length: 0x80 }, (_, code) => {
  if (code >= 0x41 && code <= 0x5a) code += 0x20;
  else if (code === 0x2d) code = 0x2b;
  else if (code === 0x5f) code = 0x2f;
  return code >= 0x21 && code <= 0x7e ? code - 0x21 : -1;
});
const RADIX = 94;

/**
 * Calls `found` with the value of every window of `width` characters of `text` and the index
 * its window ends at: its digits read as one number in base 94, exact in a double for 8 digits
 * (94^8 < 2^53), so that a long token's many windows need no string or object each.
 */
function windowValues(
  text: string,
  width: number,
  found: (value: number, end: number) => void,
): void {
  const top = RADIX ** (width - 1);
  let value = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = digitAt(text, i);
    if (digit < 0) {
      run = 0;
      value = 0;
      continue;
    }
    if (run >= width) value -= digitAt(text, i - width) * top;
    value = value * RADIX + digit;
    run += 1;
    if (run >= width) found(value, i + 1);
  }
}

function digitAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 0x80 ? (DIGITS[code] as number) : -1;
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
