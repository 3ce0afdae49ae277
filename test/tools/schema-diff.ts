/**
 * The breaking-change gate (`npm run schema:diff`): compares schema/schema.graphql with
 * schema/baseline/schema.graphql, the schema of the last release. Dangerous changes (safe for
 * the schema, possibly not for a client, such as a new enum value) are printed; a breaking change
 * fails unless the baseline moves in the same change, which makes the break a reviewed decision.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Change, CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

/** Run from `.tools/test/tools/`, whose `../../schema` is the copy `build:tools` makes. */
const BASELINE = resolve(__dirname, '../../schema/baseline/schema.graphql');
const CURRENT = resolve(__dirname, '../../schema/schema.graphql');

/** The changes from one schema to the next, by what they do to a client. */
export interface SchemaChanges {
  readonly breaking: readonly Change[];
  readonly dangerous: readonly Change[];
  readonly safe: readonly Change[];
}

/** Classifies every change from `baselineSdl` to `currentSdl`. */
export async function compareSchemas(
  baselineSdl: string,
  currentSdl: string,
): Promise<SchemaChanges> {
  const changes = await diff(buildSchema(baselineSdl), buildSchema(currentSdl));
  const at = (level: CriticalityLevel) => changes.filter((c) => c.criticality.level === level);
  return {
    breaking: at(CriticalityLevel.Breaking),
    dangerous: at(CriticalityLevel.Dangerous),
    safe: at(CriticalityLevel.NonBreaking),
  };
}

/** The report for people: one line per breaking or dangerous change, then what to do. */
export function describeChanges({ breaking, dangerous, safe }: SchemaChanges): string {
  const line = (change: Change) =>
    `  - ${change.message}${change.criticality.reason ? ` (${change.criticality.reason})` : ''}`;
  const lines = [
    `schema:diff: against the last released schema: ${breaking.length} breaking, ` +
      `${dangerous.length} dangerous, ${safe.length} safe change(s).`,
  ];
  if (dangerous.length > 0) {
    lines.push('Dangerous (clients may need to handle them):', ...dangerous.map(line));
  }
  if (breaking.length > 0) {
    lines.push(
      'Breaking (clients built against the released schema would fail):',
      ...breaking.map(line),
      'Keep the released fields and deprecate them instead, or, when the break is intended ' +
        '(every client has moved, or this is a new major release), copy schema/schema.graphql ' +
        'to schema/baseline/schema.graphql in the same change and say why in its message.',
    );
  }
  return lines.join('\n');
}

/** Usage: `schema-diff.js [baseline current]`, the committed files by default. */
async function main([baseline = BASELINE, current = CURRENT]: string[]): Promise<void> {
  const changes = await compareSchemas(
    readFileSync(baseline, 'utf8'),
    readFileSync(current, 'utf8'),
  );
  const report = describeChanges(changes);
  if (changes.breaking.length > 0) {
    console.error(report);
    process.exit(1);
  }
  console.log(report);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error('schema:diff failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
