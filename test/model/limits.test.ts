// @vitest-environment node
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXTERNAL_READ_GAP_MS, INTEREST_TTL_MS, LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from '../../src/model';

const SRC = join(process.cwd(), 'src');

/** Literals that spell one of Symphony's limits (5 minutes, an hour, 5,000 a page). */
const RULE_LITERAL = /\b(300_?000|5 \* 60_000|5 \* 60 \* 1000|3_?600_?000|60 \* 60_000|60 \* 60 \* 1000|5_?000)\b/;

/**
 * Places where such a number means something else, each with why. Anything new must use the
 * model's constants (src/model/limits.ts) or be added here with its reason.
 */
const NOT_THE_RULE: Record<string, string> = {
  'model/graphExpiration.ts': "Microsoft Graph's own expiry bounds (GR-SP-6), not Symphony's",
  'components/StatusMessageEditor.tsx': 'expiry choices offered for a status message',
  'server/createPresenceProxy.ts': 'how long a learned tenant is kept (12 hours)',
  'server/verifyUserJwt.ts': 'the largest clock skew accepted for a JWT',
  'server/createMemoryGuardStore.ts': 'housekeeping of the registration rate window',
  'server/hub/resolveHubOptions.ts': "the hub's own defaults (named constants): cache lifetime, subscription cap per stream, tenant cache, registration retry",
  'sync/TabCoordinator.ts': 'the leader heartbeat',
  'sync/options.ts': 'the longest back-off after faults',
  'sync/persistence.ts': 'how many entries survive a reload',
  'mock-pod/buildPopulation.ts': 'generated user ids',
  'mock-pod/mockPodIdentity.ts': 'lifetimes of the emulator JWTs and certificate',
};

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.tsx?$/.test(name)) yield path;
  }
}

describe("Symphony's limits are defined once (src/model/limits.ts)", () => {
  it('have the values of the seeds and the spec', () => {
    expect(EXTERNAL_READ_GAP_MS).toBe(5 * 60 * 1000); // SYM-RI-6
    expect(INTEREST_TTL_MS).toBe(60 * 60 * 1000); // SYM-RI-4
    expect(LIST_LIMIT_MAX).toBe(5000);
    expect(LIST_LIMIT_DEFAULT).toBe(1000);
  });

  it('no other source file spells them as a literal', () => {
    const stray: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const name = relative(SRC, file).split('\\').join('/');
      if (name === 'model/limits.ts' || NOT_THE_RULE[name]) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.trim();
          // Comments may say "5 minutes" or "@default 300000"; code may not.
          if (code.startsWith('*') || code.startsWith('//') || code.startsWith('/*')) return;
          if (RULE_LITERAL.test(code)) stray.push(`${name}:${i + 1}: ${code}`);
        });
    }
    expect(stray).toEqual([]);
  });

  it('the allow-list names only files that still hold such a number', () => {
    for (const name of Object.keys(NOT_THE_RULE)) {
      expect(RULE_LITERAL.test(readFileSync(join(SRC, name), 'utf8')), name).toBe(true);
    }
  });
});
