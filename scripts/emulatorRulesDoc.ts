import { POD_RULES } from '../src/mock-pod/podRules';

/** docs/emulator-rules.md, written from the emulator's own rule table so the two cannot drift. */
export function emulatorRulesDoc(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = POD_RULES.map(
    (r) => `| ${r.id} | ${cell(r.rule)} | ${cell(r.source)} | ${r.whenOff ? cell(r.whenOff) : ''} |`,
  );
  return [
    '# The pod emulator\'s rules',
    '',
    '<!-- Written by `node --import tsx scripts/emulatorRulesDoc.ts` from src/mock-pod/podRules.ts; a test checks it. -->',
    '',
    'Every rule `presence-widgets/mock-pod` enforces, with its source: a rule id of the seed documents',
    '(`shared/SEED-RULES.md`), `spec` for the official pod OpenAPI spec, or `assumption` for our reading of what',
    'the docs leave open. Each assumption can be switched off, which gives the other reading, so that an app can',
    'be tested against both: `createMockPod({ assumptions: { rateLimit429: false } })`, or `ALL_ASSUMPTIONS_OFF`',
    'for all of them. Status codes the spec does not list for an operation (429 anywhere, 403 on Set Presence)',
    'are assumptions.',
    '',
    '| id | rule | source | when switched off |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(new URL('../docs/emulator-rules.md', import.meta.url), emulatorRulesDoc());
}
