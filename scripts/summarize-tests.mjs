#!/usr/bin/env node
// Prints vitest's result as one plain "N passed, N failed" line for CI logs that read it.
import { existsSync, readFileSync } from 'node:fs';

const file = new URL('../test-results/vitest.json', import.meta.url);
if (!existsSync(file)) {
  console.log('tests: no vitest report was written');
  process.exit(0);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
