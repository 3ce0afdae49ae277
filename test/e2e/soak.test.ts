import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { withoutNodeWarnings } from '../helpers/process';

/** `npm test` builds `.tools/` first; this keeps the soak script from rotting. */
const SOAK = resolve(__dirname, '../../.tools/test/soak/soak.js');

describe('soak script', () => {
  it('runs a short soak through the built subgraph and passes', () => {
    const run = spawnSync(process.execPath, [SOAK, '--requests', '200', '--concurrency', '10'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(withoutNodeWarnings(run.stderr)).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('SOAK PASSED');
    const report = JSON.parse(run.stdout.slice(0, run.stdout.lastIndexOf('}') + 1)) as {
      requests: number;
      duplicates: number;
      nonContractErrors: number;
    };
    expect(report).toMatchObject({ requests: 200, duplicates: 0, nonContractErrors: 0 });
  });

  it('refuses a bad --requests', () => {
    const run = spawnSync(process.execPath, [SOAK, '--requests', 'many'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--requests must be a positive integer');
  });
});
