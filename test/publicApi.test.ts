// @vitest-environment node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_ENTRIES, buildApiReport, formatApiReport, readCommittedApiReport } from '../scripts/apiReport';

const ROOT = join(import.meta.dirname, '..');
const REGENERATE = 'The public API changed. If that was meant, run `npm run api:report`, review the diff of api/presence-widgets.api.json and commit it (and say so in docs/public-api.md when a name is added or removed).';

describe('public API (api/presence-widgets.api.json)', () => {
  // One TypeScript program over every entry: a few seconds on a busy machine.
  const report = buildApiReport();

  it('matches the committed report', { timeout: 60_000 }, () => {
    expect(formatApiReport(report), REGENERATE).toBe(readCommittedApiReport());
  });

  it('names every export of the public entries (no `export *`)', () => {
    for (const file of Object.values(API_ENTRIES)) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      expect(text, `${file} re-exports a whole module; list the names instead`).not.toMatch(/^\s*export\s+\*/m);
    }
  });

  it('keeps what the README and docs import', () => {
    const docs = ['README.md', 'docs/extension-apps.md', 'docs/graph.md', 'docs/public-api.md'];
    const imports = /import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'(presence-widgets(?:\/[\w/-]+)?)'/g;
    const missing: string[] = [];
    let checked = 0;
    for (const doc of docs) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      for (const [, names = '', entry = ''] of text.matchAll(imports)) {
        const exported = report[entry];
        for (const raw of names.split(',')) {
          const name = raw.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]?.trim();
          if (!name) continue;
          checked += 1;
          if (!exported || !(name in exported)) missing.push(`${doc}: ${name} from '${entry}'`);
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it('leaves the internals out of the main entry', () => {
    const main = report['presence-widgets'] ?? {};
    for (const internal of ['attachPresenceSync', 'getPresenceSync', 'PresenceContext', 'PresenceUiContext', 'usePresenceBadgeState', 'usePresenceData', 'usePresenceDisplay']) {
      expect(main, internal).not.toHaveProperty(internal);
    }
  });
});
