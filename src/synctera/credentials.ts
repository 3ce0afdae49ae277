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
 * Characters are compared as digits: visible ASCII is 94 of them, and a window of 8 is a number
 * below 94^8 < 2^53, exact as a double, so windows are compared as numbers without building a
 * string per position. Any other character cannot be part of a credential's window.
 */
const FIRST = 0x21;
const LAST = 0x7e;
const RADIX = LAST - FIRST + 1;

/**
 * The digit of a character, -1 outside visible ASCII. Characters that compare equal share one:
 * both letter cases, and base64url's `-` and `_` with base64's `+` and `/`.
 */
function digitOf(code: number): number {
  return code < 0x80 ? (DIGITS[code] as number) : -1;
}

/** {@link digitOf} for every ASCII code, worked out once: scans look it up per character. */
const DIGITS = Int8Array.from({ length: 0x80 }, (_, index) => {
  let code = index;
  if (code >= 0x41 && code <= 0x5a) code += 0x20;
  else if (code === 0x2d) code = 0x2b;
  else if (code === 0x5f) code = 0x2f;
  return code >= FIRST && code <= LAST ? code - FIRST : -1;
});

/** 0–15 for a hex digit's char code, else -1 (NaN, past the end, included). */
function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/**
 * The credential of one upstream call (the token after "Bearer "), as the set of its windows:
 * every run of {@link CREDENTIAL_WINDOW} consecutive characters of the credential and of its
 * base64 and base64url forms, letter case ignored. Text is scanned as it is and percent-decoded,
 * so a run that is URL-encoded (wholly or in part) or re-cased is found too. A credential shorter
 * than the window has no such run: it is then found whole (as is or URL-encoded, not in base64,
 * where a handful of characters would match ordinary text by chance). Scans are linear in the
 * text's length.
 */
export class CredentialScanner {
  private readonly width: number;
  /** The windows as numbers, sorted for a binary search. */
  private readonly windows: Float64Array;
  /** RADIX^(width-1): the weight of a window's first digit, removed when the window slides. */
  private readonly lead: number;
  /** Where each of the last `width` characters starts in the text scanned, and its digit
   * (rings): one pair per scanner, reused by every scan. */
  private readonly starts: Int32Array;
  private readonly digits: Int32Array;

  constructor(credential: string) {
    this.width = Math.min(CREDENTIAL_WINDOW, credential.length);
    this.lead = RADIX ** (this.width - 1);
    this.starts = new Int32Array(this.width);
    this.digits = new Int32Array(this.width);
    const forms =
      credential.length < CREDENTIAL_WINDOW
        ? [credential]
        : [credential, base64Of(credential, 0), base64Of(credential, 1), base64Of(credential, 2)];
    const windows: number[] = [];
    for (const form of forms) this.scan(form, false, windows);
    this.windows = new Float64Array(windows).sort();
  }

  /** `text` with each run that repeats part of the credential replaced by {@link REDACTED}. */
  redact(text: string): string {
    let ranges = this.scan(text, false);
    if (text.includes('%')) ranges = merge(ranges, this.scan(text, true));
    if (ranges.length === 0) return text;
    let redacted = '';
    let from = 0;
    for (const [start, end] of ranges) {
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
    if (this.width < CREDENTIAL_WINDOW) return false;
    return (
      this.scan(text, false, undefined, true).length > 0 ||
      (text.includes('%') && this.scan(text, true, undefined, true).length > 0)
    );
  }

  /**
   * The source ranges, sorted and merged, of the windows of `text` (percent-decoded when
   * `decode`) that are the credential's; only the first when `firstOnly`. With `collect`, every
   * window is added to it instead (how the credential's own windows are gathered).
   */
  private scan(text: string, decode: boolean, collect?: number[], firstOnly = false): Range[] {
    const { width, lead, windows, starts, digits } = this;
    const ranges: Range[] = [];
    if (width === 0) return ranges;
    let key = 0;
    let run = 0;
    for (let i = 0, n = 0; i < text.length; n++) {
      let code = text.charCodeAt(i);
      let length = 1;
      if (decode && code === 0x25) {
        const high = hexValue(text.charCodeAt(i + 1));
        const low = hexValue(text.charCodeAt(i + 2));
        if (high >= 0 && low >= 0) {
          code = high * 16 + low;
          length = 3;
        }
      }
      const digit = digitOf(code);
      const slot = n % width;
      const dropped = run >= width ? (digits[slot] as number) : 0;
      starts[slot] = i;
      digits[slot] = digit;
      i += length;
      if (digit < 0) {
        key = 0;
        run = 0;
        continue;
      }
      key = (key - dropped * lead) * RADIX + digit;
      run++;
      if (run < width) continue;
      if (collect !== undefined) {
        collect.push(key);
        continue;
      }
      if (!includes(windows, key)) continue;
      const start = starts[(n + 1) % width] as number;
      const last = ranges.at(-1);
      if (last !== undefined && start <= last[1]) last[1] = i;
      else ranges.push([start, i]);
      if (firstOnly) break;
    }
    return ranges;
  }
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * The base64 of the credential from character `skip` on, only the characters its own bits make
 * (no padding, no last partial one). Credentials are visible ASCII (auth and the configuration
 * refuse anything else), one byte a character. Base64 text that encodes a run of the credential,
 * whatever surrounds it, contains a run of the form for one of the three alignments.
 */
function base64Of(credential: string, skip: number): string {
  let form = '';
  let bits = 0;
  let pending = 0;
  for (let i = skip; i < credential.length; i++) {
    bits = ((bits << 8) | (credential.charCodeAt(i) & 0xff)) & 0xffff;
    pending += 8;
    while (pending >= 6) {
      pending -= 6;
      form += BASE64[(bits >> pending) & 63];
    }
  }
  return form;
}

/** Whether the sorted `values` include `value`. */
function includes(values: Float64Array, value: number): boolean {
  let low = 0;
  let high = values.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const found = values[middle] as number;
    if (found === value) return true;
    if (found < value) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

/** Two sorted lists of ranges as one, overlapping or touching ranges joined. */
function merge(left: readonly Range[], right: readonly Range[]): Range[] {
  const merged: Range[] = [];
  for (let l = 0, r = 0; l < left.length || r < right.length;) {
    const fromLeft = r >= right.length || (l < left.length && left[l]![0] <= right[r]![0]);
    const [start, end] = (fromLeft ? left[l++] : right[r++]) as Range;
    const last = merged.at(-1);
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}
