process.env.TZ = 'UTC';

import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_LABELS,
  de,
  en,
  enBadge,
  formatLabel,
  formatSince,
  fr,
  ja,
  mergeLabels,
  resolveLabels,
  type PresenceLabels,
} from '../../src/components';
import { PRESENCE_CATEGORIES } from '../../src/model';

const LOCALES = { en, fr, de, ja } as const;

describe('resolveLabels', () => {
  it.each([
    ['en', en],
    ['en-US', en],
    ['fr', fr],
    ['fr-CA', fr],
    ['fr_FR', fr],
    ['FR', fr],
    ['de-AT', de],
    ['de-CH', de],
    ['ja', ja],
    ['ja-JP', ja],
    ['pt-BR', en],
    ['', en],
    [undefined, en],
    ['constructor', en],
    ['__proto__', en],
    ['hasOwnProperty', en],
  ] as const)('%j gives the %s labels', (locale, expected) => {
    expect(resolveLabels(locale)).toBe(expected);
  });

  it('applies overrides without touching the built-in set', () => {
    const out = resolveLabels('fr', { AWAY: 'Parti', BUSY: undefined });
    expect(out.AWAY).toBe('Parti');
    expect(out.BUSY).toBe('Occupé');
    expect(fr.AWAY).toBe('Absent');
  });

  it('mergeLabels ignores undefined entries', () => {
    expect(mergeLabels(en, { since: undefined, saving: 'Wait' })).toEqual({ ...en, saving: 'Wait' });
  });
});

describe('built-in languages', () => {
  const keys = Object.keys(en).sort();

  it('are the four documented ones', () => {
    expect(Object.keys(BUILT_IN_LABELS).sort()).toEqual(['de', 'en', 'fr', 'ja']);
  });

  it('English badge strings are a subset of the full English set', () => {
    for (const [key, value] of Object.entries(enBadge)) expect(en[key as keyof PresenceLabels]).toBe(value);
    expect(Object.keys(enBadge)).not.toContain('changeStatus');
  });

  it.each(Object.entries(LOCALES))('%s has every key, none empty', (_name, labels) => {
    expect(Object.keys(labels).sort()).toEqual(keys);
    for (const value of Object.values(labels)) expect(value.trim()).not.toBe('');
  });

  it.each(Object.entries(LOCALES))('%s keeps the template placeholders', (_name, labels) => {
    expect(labels.since).toContain('{time}');
    expect(labels.externalSees).toContain('{external}');
    expect(labels.nameWithStatus).toContain('{name}');
    expect(labels.nameWithStatus).toContain('{status}');
  });

  // German uses the English word "Offline"; everything else must be translated.
  const SAME_AS_ENGLISH: Record<string, readonly string[]> = { fr: [], de: ['OFFLINE'], ja: [] };
  it.each(['fr', 'de', 'ja'] as const)('%s translates every category', (name) => {
    const labels = LOCALES[name];
    for (const category of PRESENCE_CATEGORIES) {
      if (SAME_AS_ENGLISH[name]?.includes(category)) continue;
      expect(labels[category], category).not.toBe(en[category]);
    }
  });

  it.each(Object.entries(LOCALES))('%s gives distinct labels to distinct categories', (_name, labels) => {
    const values = PRESENCE_CATEGORIES.map((c) => labels[c]);
    expect(new Set(values).size).toBe(values.length);
  });
});

describe('formatLabel', () => {
  it('fills placeholders and leaves unknown ones', () => {
    expect(formatLabel('{name}, {status} {other}', { name: 'Ada', status: 'Away' })).toBe('Ada, Away {other}');
  });

  it('inserts values literally ($ patterns and markup stay text)', () => {
    expect(formatLabel('{a}', { a: "$& $' <b>" })).toBe("$& $' <b>");
  });

  it('does not read inherited properties', () => {
    expect(formatLabel('{toString}', {})).toBe('{toString}');
  });
});

describe('formatSince', () => {
  const SET = Date.UTC(2026, 2, 3, 10, 32);

  it.each([
    { now: Date.UTC(2026, 2, 3, 23, 59), locale: 'en-GB', text: 'since 10:32' },
    { now: Date.UTC(2026, 2, 4, 0, 1), locale: 'en-GB', text: 'since 3 Mar 2026, 10:32' },
    { now: Date.UTC(2026, 2, 3, 11, 0), locale: 'de', text: 'seit 10:32' },
    { now: Date.UTC(2027, 0, 1), locale: 'fr', text: 'depuis 3 mars 2026, 10:32' },
  ])('$locale at $now: "$text"', ({ now, locale, text }) => {
    const template = resolveLabels(locale).since;
    expect(formatSince(SET, now, locale, template)).toBe(text);
  });

  it('falls back to the runtime language for a malformed tag', () => {
    expect(() => formatSince(SET, SET, 'not a locale!!', 'since {time}')).not.toThrow();
    expect(formatSince(SET, SET, 'not a locale!!', 'since {time}')).toMatch(/^since .*10.*32/);
  });
});
