/**
 * The tests' own check that a text holds no part of a credential, written without the code it
 * checks (src/synctera/credentials.ts): a part is 8 consecutive characters of the credential, as
 * they are, URL-encoded (as `encodeURIComponent` does, or every character) or in base64 or
 * base64url, in any letter case.
 */

const RUN = 8;

/** `text` with every character percent-encoded. */
function percentEncoded(text: string): string {
  return [...Buffer.from(text)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
}

/** The base64 (and base64url) text of `credential` at each alignment, only its own characters. */
function base64Forms(credential: string): string[] {
  const forms: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const bytes = Buffer.from('x'.repeat(pad) + credential);
    const from = Math.ceil((pad * 8) / 6);
    const to = Math.floor((bytes.length * 8) / 6);
    forms.push(
      bytes.toString('base64').slice(from, to),
      bytes.toString('base64url').slice(from, to),
    );
  }
  return forms;
}

/** Every part of `credential` a text must not hold, in lower case. */
export function credentialParts(credential: string): string[] {
  const parts = new Set<string>();
  for (let i = 0; i + RUN <= credential.length; i++) {
    const run = credential.slice(i, i + RUN);
    for (const form of [run, encodeURIComponent(run), percentEncoded(run)]) {
      parts.add(form.toLowerCase());
    }
  }
  for (const form of base64Forms(credential)) {
    for (let i = 0; i + RUN <= form.length; i++) parts.add(form.slice(i, i + RUN).toLowerCase());
  }
  return [...parts];
}

/** The parts of any of `credentials` that `text` holds (none, one hopes). */
export function leakedParts(text: string, credentials: readonly string[]): string[] {
  const haystack = text.toLowerCase();
  return credentials.flatMap(credentialParts).filter((part) => haystack.includes(part));
}
