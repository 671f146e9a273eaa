import { render } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PresenceAvatar, PresenceBadge, PresenceUiProvider, StatusPicker } from '../../src/components';
import { PRESENCE_CATEGORIES } from '../../src/model';

const dir = resolve(import.meta.dirname, '../../src/components');
const read = (file: string): string => readFileSync(resolve(dir, file), 'utf8');
/** The per-component files, in the order styles.css imports them. */
const PARTS = ['base', 'badge', 'avatar', 'picker', 'roster', 'message'] as const;
const FILES = Object.fromEntries(PARTS.map((part) => [part, read(`styles/${part}.css`)])) as Record<(typeof PARTS)[number], string>;
/** What `presence-widgets/styles.css` holds once the build inlines its imports. */
const CSS = PARTS.map((part) => FILES[part]).join('\n');

/** The `--pw-*: #hex` declarations of the first block opened by `selector`. */
function tokens(selector: string): Record<string, string> {
  const start = CSS.indexOf(selector);
  expect(start, selector).toBeGreaterThanOrEqual(0);
  const open = CSS.indexOf('{', start);
  const body = CSS.slice(open + 1, CSS.indexOf('}', open));
  expect(body).toContain('--pw-surface');
  return Object.fromEntries([...body.matchAll(/(--pw-[\w-]+):\s*(#[0-9a-f]{6})\s*;/gi)].map((m) => [m[1], m[2]]));
}

function luminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  const [r, g, b] = [n >> 16, (n >> 8) & 255, n & 255].map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const LIGHT = tokens(':root,\n:host {');
const DARK = tokens('@media (prefers-color-scheme: dark) {');
const TONES = ['available', 'away', 'busy', 'offline', 'out-of-office', 'unknown'];

describe('presence-widgets.css', () => {
  it('is the per-component files, base first, and nothing else', () => {
    const imports = [...read('presence-widgets.css').matchAll(/@import '([^']+)';/g)].map((m) => m[1]);
    expect(imports).toEqual(PARTS.map((part) => `./styles/${part}.css`));
    expect(read('presence-widgets.css').replace(/\/\*[\s\S]*?\*\//g, '').replace(/@import '[^']+';/g, '').trim()).toBe('');
  });

  it('keeps the theme tokens in base.css only, and each component in its own file', () => {
    for (const part of ['badge', 'avatar', 'picker', 'roster', 'message'] as const) {
      expect(FILES[part], part).not.toMatch(/--pw-surface:|\.pw-icon\b|@import/);
    }
    expect(FILES.badge).toMatch(/\.pw-badge\b/);
    expect(FILES.badge).not.toMatch(/\.pw-(avatar|picker|listbox|option)\b/);
    expect(FILES.avatar).not.toMatch(/\.pw-(badge|picker|listbox|option)\b/);
    expect(FILES.picker).not.toMatch(/\.pw-(badge|avatar)\b/);
  });

  it('the explicit themes repeat the default and media-query palettes exactly', () => {
    expect(tokens("[data-pw-theme='light'] {")).toEqual(LIGHT);
    expect(tokens("[data-pw-theme='dark'] {")).toEqual(DARK);
    expect(Object.keys(DARK).sort()).toEqual(Object.keys(LIGHT).sort());
  });

  it('is dark only when the host asks: the OS setting reaches only data-pw-theme="system"', () => {
    const queries = [...CSS.matchAll(/@media \(prefers-color-scheme: dark\)\s*{\s*([^{]+){/g)].map((m) => m[1]!.trim());
    expect(queries).toEqual(["[data-pw-theme='system']"]);
    expect(CSS).toMatch(/\[data-pw-theme='system'\]\s*{\s*color-scheme: light dark;/);
  });

  describe.each([
    ['light', LIGHT],
    ['dark', DARK],
  ])('%s theme contrast', (_name, t) => {
    const get = (name: string): string => t[`--pw-${name}`] as string;

    it.each(TONES)('%s is at least 3:1 on the surface and on the highlighted option', (tone) => {
      expect(contrast(get(tone), get('surface'))).toBeGreaterThanOrEqual(3);
      expect(contrast(get(tone), get('active'))).toBeGreaterThanOrEqual(3);
    });

    it.each(['text', 'text-muted', 'danger'])('%s is at least 4.5:1 on the surface', (name) => {
      expect(contrast(get(name), get('surface'))).toBeGreaterThanOrEqual(4.5);
    });

    it('text stays readable on the highlighted option and the initials', () => {
      expect(contrast(get('text'), get('active'))).toBeGreaterThanOrEqual(4.5);
      expect(contrast(get('text-muted'), get('active'))).toBeGreaterThanOrEqual(4.5);
      expect(contrast(get('avatar-text'), get('avatar-bg'))).toBeGreaterThanOrEqual(4.5);
    });

    it('focus ring and borders are at least 3:1', () => {
      expect(contrast(get('focus-ring'), get('surface'))).toBeGreaterThanOrEqual(3);
      expect(contrast(get('focus-ring'), get('active'))).toBeGreaterThanOrEqual(3);
      expect(contrast(get('border'), get('surface'))).toBeGreaterThanOrEqual(3);
    });
  });

  it('has a tone rule per tone, reduced-motion and forced-colors blocks, and logical placement', () => {
    for (const tone of TONES) expect(CSS).toContain(`[data-tone='${tone}'] { --pw-tone: var(--pw-${tone}); }`);
    expect(CSS).toMatch(/@media \(prefers-reduced-motion: reduce\)\s*{\s*\.pw-icon\[data-glyph='loading'\]\s*{\s*animation: none;/);
    expect(CSS).toContain('@media (forced-colors: active)');
    expect(CSS).toMatch(/\.pw-avatar__badge\s*{[^}]*inset-inline-end: calc\(var\(--pw-badge-ring\) \* -1\);/);
    expect(CSS).not.toMatch(/\b(left|right):/);
  });

  it('keeps [hidden] working on the list despite its display rule', () => {
    expect(CSS).toMatch(/\.pw-listbox\[hidden\]\s*{\s*display: none;/);
  });
});

describe('strict CSP', () => {
  it('no component writes a style attribute', () => {
    const { container } = render(
      <PresenceUiProvider locale="de">
        {PRESENCE_CATEGORIES.map((c) => (
          <PresenceBadge key={c} category={c} showLabel showSince timestamp={0} now={1} size={13} />
        ))}
        <PresenceBadge status="loading" />
        <PresenceAvatar name="Ada" category="AWAY" src="/a.png" size={160} />
        <StatusPicker defaultOpen pending error="x" />
      </PresenceUiProvider>,
    );
    expect(container.querySelectorAll('[style]')).toHaveLength(0);
    expect(container.querySelectorAll('style, script')).toHaveLength(0);
  });
});
