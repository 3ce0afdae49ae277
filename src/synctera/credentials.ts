/**
 * Finds, in text that came back from the upstream, whatever repeats the credential sent to it,
 * so that no part of it travels on to a client or a log line.
 */

import { randomBytes } from 'node:crypto';

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
 * The multipliers of the windows' hash, drawn once per process. The windows come from the
 * caller's token: with a fixed hash, a token could be crafted whose windows all land in one run
 * of slots, making each request's set quadratic to build. The window's high bits are folded in
 * with one secret multiplier, then multiply-shift hashing with another (odd) picks the slot, so
 * which windows share a slot cannot be known from outside.
 */
const [HIGH_MULTIPLIER, HASH_MULTIPLIER] = [
  randomBytes(4).readUInt32LE(),
  randomBytes(4).readUInt32LE() | 1,
];

/**
 * Where each of the last characters of a scan starts in its text, and its digit: rings of the
 * window's width. Scans are synchronous, so every scanner shares one pair.
 */
const RING_STARTS = new Int32Array(CREDENTIAL_WINDOW);
const RING_DIGITS = new Int32Array(CREDENTIAL_WINDOW);

/**
 * The credential of one upstream call (the token after "Bearer "), as the set of its windows:
 * every run of {@link CREDENTIAL_WINDOW} consecutive characters of the credential and of its
 * base64 and base64url forms, letter case ignored. Text is scanned as it is and percent-decoded,
 * so a run that is URL-encoded (wholly or in part) or re-cased is found too. A credential shorter
 * than the window has no such run: it is then found whole (as is or URL-encoded, not in base64,
 * where a handful of characters would match ordinary text by chance). Made per request, so both
 * making it and scanning are linear: the windows go into a hash set, not a sorted list.
 */
export class CredentialScanner {
  private readonly width: number;
  /** RADIX^(width-1): the weight of a window's first digit, removed when the window slides. */
  private readonly lead: number;
  /**
   * The windows plus one, by open addressing: a power-of-two table at most half full, 0 (as
   * allocated) where empty. A typed table costs no fill: a caller's token can be 16 KB long.
   */
  private readonly table: Float64Array;
  /** 32 less the table's bits: a hash's top bits pick its slot. */
  private readonly shift: number;

  constructor(credential: string) {
    this.width = Math.min(CREDENTIAL_WINDOW, credential.length);
    this.lead = RADIX ** (this.width - 1);
    const forms = credential.length < CREDENTIAL_WINDOW ? [credential] : withBase64(credential);
    let length = 0;
    for (const form of forms) length += form.length;
    const bits = Math.max(4, Math.ceil(Math.log2(2 * length)));
    this.table = new Float64Array(2 ** bits);
    this.shift = 32 - bits;
    for (const form of forms) this.scan(form, false, true);
    // The rings held the credential's last characters: nothing of it stays in them.
    RING_DIGITS.fill(0);
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
      this.scan(text, false, false, true).length > 0 ||
      (text.includes('%') && this.scan(text, true, false, true).length > 0)
    );
  }

  /**
   * The source ranges, sorted and merged, of the windows of `text` (percent-decoded when
   * `decode`) that are the credential's; only the first when `firstOnly`. With `collect`, every
   * window is added to the set instead (how the credential's own windows are gathered).
   */
  private scan(text: string, decode: boolean, collect = false, firstOnly = false): Range[] {
    const { width, lead } = this;
    const ranges: Range[] = [];
    if (width === 0) return ranges;
    let key = 0;
    let run = 0;
    // `slot` is where the current character goes in the rings: the oldest one's place.
    for (let i = 0, slot = 0; i < text.length; slot = slot + 1 === width ? 0 : slot + 1) {
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
      const dropped = run >= width ? (RING_DIGITS[slot] as number) : 0;
      RING_STARTS[slot] = i;
      RING_DIGITS[slot] = digit;
      i += length;
      if (digit < 0) {
        key = 0;
        run = 0;
        continue;
      }
      key = (key - dropped * lead) * RADIX + digit;
      run++;
      if (run < width) continue;
      if (!this.find(key, collect)) continue;
      const start = RING_STARTS[slot + 1 === width ? 0 : slot + 1] as number;
      const last = ranges.at(-1);
      if (last !== undefined && start <= last[1]) last[1] = i;
      else ranges.push([start, i]);
      if (firstOnly) break;
    }
    return ranges;
  }

  /** Whether the set holds `key`; with `add`, it is added instead and false is returned. */
  private find(key: number, add: boolean): boolean {
    const { table } = this;
    const mask = table.length - 1;
    const stored = key + 1;
    // The key's low 32 bits, and its high bits folded in; the product's top bits pick the slot.
    const folded = (key >>> 0) ^ Math.imul((key * 2 ** -32) >>> 0, HIGH_MULTIPLIER);
    for (let slot = Math.imul(folded, HASH_MULTIPLIER) >>> this.shift; ; slot = (slot + 1) & mask) {
      const found = table[slot] as number;
      if (found === stored) return !add;
      if (found === 0) {
        if (add) table[slot] = stored;
        return false;
      }
    }
  }
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
