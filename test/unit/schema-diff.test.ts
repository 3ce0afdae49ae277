import {
  BASELINE,
  NEW_ENUM_VALUE,
  NEW_OPTIONAL_FIELD,
  REMOVED_FIELD,
} from '../helpers/schema-edits';
import { compareSchemas, describeChanges } from '../tools/schema-diff';

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
});
