// Prints the Markdown summary of one or more StrykerJS JSON reports (reports/mutation/<layer>.json,
// written by `npm run mutate`), for MUTATION.md: score per file and per layer, then every mutant
// that survived or had no test, with its line and replacement.
//   node scripts/mutationSummary.mjs model client guard
// A slow layer measured in parts (MUTATE_NAME runs) gets one total over its parts with --total:
//   node scripts/mutationSummary.mjs --total engine sync-a sync-b sync-c1 sync-c2 sync-d1 sync-d2
// A file measured in more than one of the given reports counts once, from the newest report.
import { readFileSync, statSync } from 'node:fs';

const SCORED = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);
const DETECTED = new Set(['Killed', 'Timeout']);
const pct = (k, n) => (n === 0 ? '–' : `${((100 * k) / n).toFixed(1)}%`);

const args = process.argv.slice(2);
const totalAt = args.indexOf('--total');
const totalName = totalAt >= 0 ? args.splice(totalAt, 2)[1] : undefined;
const layers = args;
const reportPath = (layer) => `reports/mutation/${layer}.json`;
const newestFor = new Map();
for (const layer of [...layers].sort((a, b) => statSync(reportPath(a)).mtimeMs - statSync(reportPath(b)).mtimeMs)) {
  for (const file of Object.keys(JSON.parse(readFileSync(reportPath(layer), 'utf8')).files)) newestFor.set(file, layer);
}
let allKilled = 0;
let allScored = 0;
const rows = [];
const survivors = [];
for (const layer of layers) {
  const report = JSON.parse(readFileSync(reportPath(layer), 'utf8'));
  let layerKilled = 0;
  let layerScored = 0;
  for (const [file, { mutants }] of Object.entries(report.files).sort()) {
    if (newestFor.get(file) !== layer) continue;
    const scored = mutants.filter((m) => SCORED.has(m.status));
    const killed = scored.filter((m) => DETECTED.has(m.status)).length;
    const timedOut = scored.filter((m) => m.status === 'Timeout').length;
    layerKilled += killed;
    layerScored += scored.length;
    rows.push(`| ${layer} | ${file} | ${scored.length} | ${killed} (${timedOut} timed out) | ${scored.length - killed} | ${pct(killed, scored.length)} |`);
    for (const m of scored.filter((x) => !DETECTED.has(x.status))) {
      const replacement = (m.replacement ?? m.mutatorName).replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 70);
      survivors.push(`| ${file}:${m.location.start.line} | ${m.mutatorName} | \`${replacement}\` | ${m.status} |`);
    }
  }
  rows.push(`| **${layer}** | **all** | **${layerScored}** | **${layerKilled}** | **${layerScored - layerKilled}** | **${pct(layerKilled, layerScored)}** |`);
  allKilled += layerKilled;
  allScored += layerScored;
}
if (totalName) {
  rows.push(`| **${totalName}** | **all parts** | **${allScored}** | **${allKilled}** | **${allScored - allKilled}** | **${pct(allKilled, allScored)}** |`);
}
console.log('| layer | file | scored mutants | killed | survived | score |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
console.log('\n| where | mutator | replacement | status |');
console.log('| --- | --- | --- | --- |');
for (const s of survivors) console.log(s);
