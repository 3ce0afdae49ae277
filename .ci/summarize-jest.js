// Usage: summarize-jest.js <label> <results.json> <jest exit status> [<label> <results> <status>]…
// Prints one `<label>: passed N, failed N` line per run from Jest's JSON results (each `npm test`
// run, and the browser tier), then the one line CI reads, `tests: N passed, N failed[, N
// skipped]`, summed over the runs. Exits non-zero
// when any run had a failed test or suite, ran no test, had no results, or Jest itself failed.
'use strict';
const { readFileSync } = require('node:fs');

const args = process.argv.slice(2);
const total = { passed: 0, failed: 0, skipped: 0 };
let ok = args.length > 0 && args.length % 3 === 0;
for (let i = 0; i + 2 < args.length; i += 3) {
  const [label, file, jestStatus] = args.slice(i, i + 3);
  let results;
  try {
    results = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`${label}: no Jest results in ${file}: ${error.message}`);
    total.failed += 1;
    ok = false;
    continue;
  }
  const passed = results.numPassedTests;
  const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
  const skipped = results.numPendingTests + results.numTodoTests;
  console.log(`${label}: passed ${passed}, failed ${failed}, skipped ${skipped}`);
  total.passed += passed;
  total.failed += failed;
  total.skipped += skipped;
  if (failed > 0 || passed === 0 || Number(jestStatus) !== 0) ok = false;
}
if (!ok && total.failed === 0) total.failed = 1;
console.log(
  `tests: ${total.passed} passed, ${total.failed} failed` +
    (total.skipped > 0 ? `, ${total.skipped} skipped` : ''),
);
if (!ok) process.exit(1);
