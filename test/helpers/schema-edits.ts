import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The last released schema and edits of it, for the breaking-change gate's tests. */
export const BASELINE = readFileSync(
  resolve(__dirname, '../../schema/baseline/schema.graphql'),
  'utf8',
);

/** The baseline with one edit; fails loudly when the text to edit is gone. */
function edited(search: string, replacement: string): string {
  if (!BASELINE.includes(search)) throw new Error(`the baseline no longer holds: ${search}`);
  return BASELINE.replace(search, replacement);
}

export const REMOVED_FIELD = edited(
  '\n\n  """The Idempotency-Key that was sent upstream for this field."""\n  idempotencyKey: String!',
  '',
);
export const NEW_ENUM_VALUE = edited('  COMPLETE\n}', '  COMPLETE\n\n  EXPIRED\n}');
export const NEW_OPTIONAL_FIELD = edited(
  'type DocumentVerificationSession {',
  'type DocumentVerificationSession {\n  expiresAt: String',
);
