/** `npm run schema:print [--check]`: writes schema/schema.graphql, or fails when it is stale. */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printSubgraphSdl } from './schema';

const target = resolve(__dirname, '../../schema/schema.graphql');
const printed = `${printSubgraphSdl()}\n`;

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // A missing file is stale too.
  }
  if (committed !== printed) {
    process.stderr.write(`${target} is stale: run "npm run schema:print" and commit it.\n`);
    process.exit(1);
  }
  process.stdout.write(`${target} is up to date.\n`);
} else {
  writeFileSync(target, printed);
  process.stdout.write(`Wrote ${target}\n`);
}
