import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const KUBERNETES_DIR = resolve(__dirname, '../../deploy/kubernetes');

/** A Kubernetes object as parsed from YAML: only what the tests read is typed. */
export interface KubeObject {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly [field: string]: unknown;
}

/** The name and text of every deploy/kubernetes/*.yaml. */
export function readManifestFiles(): Array<{ file: string; text: string }> {
  return readdirSync(KUBERNETES_DIR)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => ({ file, text: readFileSync(join(KUBERNETES_DIR, file), 'utf8') }));
}

/** The documents of one YAML file as plain values; throws on YAML errors, naming `label`. */
export function parseManifestDocuments(label: string, text: string): unknown[] {
  return parseAllDocuments(text).map((document) => {
    if (document.errors.length > 0) throw new Error(`${label}: ${document.errors[0]?.message}`);
    return document.toJS() as unknown;
  });
}

/** Every object in deploy/kubernetes/*.yaml, with the file it came from. */
export function readManifests(): Array<KubeObject & { file: string }> {
  return readManifestFiles().flatMap(({ file, text }) =>
    parseManifestDocuments(file, text).map((object) => ({ ...(object as KubeObject), file })),
  );
}

/** The one object of this kind; fails when there is none or several. */
export function single<T>(objects: readonly KubeObject[], kind: string): T {
  const matching = objects.filter((o) => o.kind === kind);
  if (matching.length !== 1) throw new Error(`expected one ${kind}, found ${matching.length}`);
  return matching[0] as T;
}
