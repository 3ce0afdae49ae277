import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Kind, parse } from 'graphql';

/**
 * The committed operations (schema/operations, shipped with the package and the artifact):
 * the frontends' operations, whose names are the only ones the metrics keep.
 */
const OPERATIONS_DIR = resolve(__dirname, '../../schema/operations');

/** The names of the operations in the `.graphql` files of `dir`, read once at start-up. */
export function readOperationNames(dir: string = OPERATIONS_DIR): ReadonlySet<string> {
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.graphql'))) {
    const document = parse(readFileSync(join(dir, file), 'utf8'), { noLocation: true });
    for (const definition of document.definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION && definition.name !== undefined) {
        names.add(definition.name.value);
      }
    }
  }
  return names;
}
