import { describe, expect, it } from 'vitest';
import { sessionKeyOf } from '../../src/client';

describe('sessionKeyOf', () => {
  // cyrb53 (seed 0), the digest the comment names: its author's published examples. Keys persist
  // in sessionStorage across reloads, so a change of digest would orphan every stored budget.
  it.each([
    ['a', 7929297801672961],
    ['b', 8684336938537663],
    ['revenge', 4051478007546757],
    ['revenue', 8309097637345594],
  ])('%j is cyrb53 %i, in base 36 after "s:"', (token, digest) => {
    expect(sessionKeyOf(token)).toBe(`s:${digest.toString(36)}`);
  });

  it('is the same for the same token and never holds the token', () => {
    const token = 'eyJhbGciOiJSUzUxMiJ9.session-token-1234';
    expect(sessionKeyOf(token)).toBe(sessionKeyOf(`${token}`));
    expect(sessionKeyOf(token)).not.toContain('session');
    expect(sessionKeyOf(token)).toMatch(/^s:[0-9a-z]{1,11}$/);
  });

  it('tells apart tokens that differ by one character, its place, or the length', () => {
    const tokens = ['', 'ab', 'ba', 'abc', 'abd', 'Abc', 'abc ', 'token-1', 'token-2', 'token-10'];
    for (let i = 0; i < 500; i++) tokens.push(`jwt.${i}.sig`);
    const keys = new Set(tokens.map(sessionKeyOf));
    expect(keys.size).toBe(tokens.length);
  });

  it('stays within 53 bits for long tokens', () => {
    for (const token of ['x'.repeat(4096), '~'.repeat(1000), 'Z9'.repeat(777)]) {
      const digest = parseInt(sessionKeyOf(token).slice(2), 36);
      expect(Number.isSafeInteger(digest)).toBe(true);
    }
  });
});
