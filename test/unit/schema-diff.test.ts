import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { compareSchemas, describeChanges } from '../tools/schema-diff';

const BASELINE = readFileSync(resolve(__dirname, '../../schema/baseline/schema.graphql'), 'utf8');
/** `npm test` builds the tools first (`pretest`); CI runs this file as `npm run schema:diff`. */
const GATE = resolve(__dirname, '../../.tools/test/tools/schema-diff.js');

/** The baseline with one edit; fails loudly when the text to edit is gone. */
function edited(search: string, replacement: string): string {
  expect(BASELINE).toContain(search);
  return BASELINE.replace(search, replacement);
}

const REMOVED_FIELD = edited(
  '\n\n  """The Idempotency-Key that was sent upstream for this field."""\n  idempotencyKey: String!',
  '',
);
const NEW_ENUM_VALUE = edited('  COMPLETE\n}', '  COMPLETE\n\n  EXPIRED\n}');
const NEW_OPTIONAL_FIELD = edited(
  'type DocumentVerificationSession {',
  'type DocumentVerificationSession {\n  expiresAt: String',
);

describe('the breaking-change gate', () => {
  it('finds nothing between a schema and itself', async () => {
    const changes = await compareSchemas(BASELINE, BASELINE);
    expect([...changes.breaking, ...changes.dangerous, ...changes.safe]).toEqual([]);
  });

  it('calls a removed field breaking and says how to move the baseline', async () => {
    const changes = await compareSchemas(BASELINE, REMOVED_FIELD);
    expect(changes.breaking.map((c) => c.path)).toEqual([
      'CreateDocumentVerificationSessionPayload.idempotencyKey',
    ]);
    const report = describeChanges(changes);
    expect(report).toContain("Field 'idempotencyKey' was removed");
    expect(report).toContain('copy schema/schema.graphql to schema/baseline/schema.graphql');
  });

  it('calls a new enum value dangerous, not breaking, and prints it', async () => {
    const changes = await compareSchemas(BASELINE, NEW_ENUM_VALUE);
    expect(changes.breaking).toEqual([]);
    expect(changes.dangerous.map((c) => c.path)).toEqual(['SessionState.EXPIRED']);
    expect(describeChanges(changes)).toMatch(/Dangerous[^\n]*\n.*EXPIRED/);
  });

  it('calls a new optional field safe', async () => {
    const changes = await compareSchemas(BASELINE, NEW_OPTIONAL_FIELD);
    expect(changes.breaking).toEqual([]);
    expect(changes.dangerous).toEqual([]);
    expect(changes.safe.map((c) => c.path)).toEqual(['DocumentVerificationSession.expiresAt']);
  });

  describe('as CI runs it', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'schema-diff-'));
      writeFileSync(join(dir, 'baseline.graphql'), BASELINE);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const gate = (current: string) => {
      writeFileSync(join(dir, 'current.graphql'), current);
      return spawnSync(
        process.execPath,
        [GATE, join(dir, 'baseline.graphql'), join(dir, 'current.graphql')],
        { encoding: 'utf8' },
      );
    };

    it('exits 1 on a breaking change', () => {
      const run = gate(REMOVED_FIELD);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('1 breaking');
    });

    it('exits 0 on a dangerous change and prints it', () => {
      const run = gate(NEW_ENUM_VALUE);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('EXPIRED');
    });
  });
});
