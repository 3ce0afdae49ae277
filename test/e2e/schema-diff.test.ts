import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BASELINE, NEW_ENUM_VALUE, REMOVED_FIELD } from '../helpers/schema-edits';

/** `npm test` builds the tools first (`pretest`); CI runs this file as `npm run schema:diff`. */
const GATE = resolve(__dirname, '../../.tools/test/tools/schema-diff.js');

describe('the breaking-change gate', () => {
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
