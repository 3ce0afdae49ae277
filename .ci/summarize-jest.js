// Prints `tests: N passed, N failed[, N skipped]` from Jest's JSON results and exits non-zero
// when a test or a suite failed, when none ran, or when Jest itself failed.
'use strict';
const { readFileSync } = require('node:fs');

const [file, jestStatus] = process.argv.slice(2);
let results;
try {
  results = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.log('tests: 0 passed, 1 failed');
  console.error(`No Jest results in ${file}: ${error.message}`);
  process.exit(1);
}
const passed = results.numPassedTests;
const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
const skipped = results.numPendingTests + results.numTodoTests;
console.log(
  `tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`,
);
if (failed > 0 || passed === 0 || Number(jestStatus) !== 0) process.exit(1);
