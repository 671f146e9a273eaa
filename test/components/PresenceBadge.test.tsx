// "since" times are checked as text, so pin the zone before anything formats a date.
process.env.TZ = 'UTC';

import { render, renderHook, screen } from '@testing-library/react';
import { createRef, type ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import {
  PresenceBadge,
  PresenceUiProvider,
  renderPresenceBadge,
  usePresenceBadgeState,
  type IconGlyph,
  type PresenceStatus,
} from '../../src/components';
import type { PresenceCategory, PresenceTone } from '../../src/model';

interface Row {
  category: PresenceCategory;
  label: string;
  glyph: IconGlyph;
  tone: PresenceTone;
  external: PresenceCategory;
}

/*
 * Written out by hand from the Get Presence table rather than derived from src/model, so that
 * a wrong mapping there or in the badge fails here.
 */
const ROWS: readonly Row[] = [
  { category: 'UNDEFINED', label: 'Status not set', glyph: 'ring', tone: 'unknown', external: 'UNDEFINED' },
  { category: 'AVAILABLE', label: 'Available', glyph: 'check', tone: 'available', external: 'AVAILABLE' },
  { category: 'BUSY', label: 'Busy', glyph: 'sign', tone: 'busy', external: 'BUSY' },
  { category: 'DO_NOT_DISTURB', label: 'Do not disturb', glyph: 'circle', tone: 'busy', external: 'AWAY' },
  { category: 'ON_THE_PHONE', label: 'On the phone', glyph: 'phone', tone: 'busy', external: 'ON_THE_PHONE' },
  { category: 'BE_RIGHT_BACK', label: 'Be right back', glyph: 'clock', tone: 'away', external: 'AWAY' },
  { category: 'IN_A_MEETING', label: 'In a meeting', glyph: 'phone', tone: 'busy', external: 'IN_A_MEETING' },
  { category: 'AWAY', label: 'Away', glyph: 'clock', tone: 'away', external: 'AWAY' },
  { category: 'OUT_OF_OFFICE', label: 'Out of office', glyph: 'circle', tone: 'out-of-office', external: 'OUT_OF_OFFICE' },
  { category: 'OFF_WORK', label: 'Off work', glyph: 'clock', tone: 'away', external: 'OFFLINE' },
  { category: 'OFFLINE', label: 'Offline', glyph: 'cross', tone: 'offline', external: 'OFFLINE' },
];
const byCategory = new Map(ROWS.map((r) => [r.category, r]));

const CASES = ROWS.flatMap((row) =>
  (['internal', 'external'] as const).map((view) => {
    const shown = byCategory.get(view === 'external' ? row.external : row.category) as Row;
    return { category: row.category, view, shown };
  }),
);

const glyphOf = (el: Element): string | null => el.querySelector('svg')?.getAttribute('data-glyph') ?? null;

describe('PresenceBadge', () => {
  it.each(CASES)('$category, $view view: shows $shown.category', ({ category, view, shown }) => {
    render(<PresenceBadge category={category} view={view} />);
    const badge = screen.getByRole('img', { name: shown.label });
    expect(badge).toHaveAttribute('data-category', shown.category);
    expect(badge).toHaveAttribute('data-tone', shown.tone);
    expect(badge).toHaveAttribute('data-status', 'ready');
    expect(badge).toHaveClass('pw-badge', `pw-badge--${shown.tone}`);
    expect(glyphOf(badge)).toBe(shown.glyph);
  });

  it('takes the view from the provider, and a prop beats the provider', () => {
    render(
      <PresenceUiProvider view="external">
        <PresenceBadge category="BE_RIGHT_BACK" data-testid="ctx" />
        <PresenceBadge category="BE_RIGHT_BACK" view="internal" data-testid="prop" />
      </PresenceUiProvider>,
    );
    expect(screen.getByTestId('ctx')).toHaveAccessibleName('Away');
    expect(screen.getByTestId('prop')).toHaveAccessibleName('Be right back');
  });

  it('gives every glyph its own shape', () => {
    const glyphs: IconGlyph[] = ['check', 'clock', 'cross', 'sign', 'phone', 'circle', 'ring', 'unknown', 'loading', 'error', 'hidden'];
    const statuses: Record<string, PresenceStatus> = { loading: 'loading', error: 'error', hidden: 'forbidden' };
    const categoryFor = (g: IconGlyph): PresenceCategory | undefined => ROWS.find((r) => r.glyph === g)?.category;
    const shapes = glyphs.map((g) => {
      const { container, unmount } = render(
        <PresenceBadge category={categoryFor(g) ?? 'NOT_A_STATUS'} status={statuses[g] ?? 'ready'} />,
      );
      const svg = container.querySelector('svg') as SVGSVGElement;
      expect(svg.getAttribute('data-glyph')).toBe(g);
      const html = svg.innerHTML;
      unmount();
      return html;
    });
    expect(new Set(shapes).size).toBe(glyphs.length);
  });

  it('keeps the SVG out of the accessibility tree and the tab order', () => {
    const { container } = render(<PresenceBadge category="AVAILABLE" />);
    const svg = container.querySelector('svg') as SVGSVGElement;
    expect(svg).toHaveAttribute('aria-hidden', 'true');
    expect(svg).toHaveAttribute('focusable', 'false');
    expect(svg).not.toHaveAttribute('role');
  });

  describe('values the library does not know', () => {
    const hostile = '<img src=x onerror=alert(1)>';

    it.each(['internal', 'external'] as const)('renders a hostile value as plain unknown (%s view)', (view) => {
      const alert = vi.spyOn(window, 'alert').mockImplementation(() => {});
      const { container } = render(<PresenceBadge category={hostile} view={view} showLabel showSince timestamp={1} />);
      expect(container.querySelector('img')).toBeNull();
      expect(container.innerHTML).not.toContain('onerror');
      expect(container.textContent).toBe('Unknown status');
      const badge = container.firstElementChild as HTMLElement;
      expect(badge).toHaveAttribute('data-category', 'unknown');
      expect(badge).toHaveAttribute('data-tone', 'unknown');
      expect(glyphOf(badge)).toBe('unknown');
      expect(alert).not.toHaveBeenCalled();
      alert.mockRestore();
    });

    it.each(['FUTURE_STATE', 'available', 'constructor', '__proto__', 'toString', ''])('%j is "Unknown status"', (value) => {
      render(<PresenceBadge category={value} />);
      const badge = screen.getByRole('img', { name: 'Unknown status' });
      expect(badge).toHaveAttribute('data-category', 'unknown');
      expect(glyphOf(badge)).toBe('unknown');
    });

    it('shows unknown when there is no category yet', () => {
      render(<PresenceBadge />);
      expect(screen.getByRole('img', { name: 'Unknown status' })).toHaveAttribute('data-category', 'unknown');
    });
  });

  describe('non-data states', () => {
    it.each([
      { status: 'loading', label: 'Loading status', glyph: 'loading' },
      { status: 'error', label: 'Status unavailable', glyph: 'error' },
      { status: 'forbidden', label: 'Status hidden', glyph: 'hidden' },
      { status: 'not-found', label: 'User not found', glyph: 'hidden' },
    ] as const)('$status: "$label" with the $glyph glyph, hiding the category', ({ status, label, glyph }) => {
      render(<PresenceBadge status={status} category="AVAILABLE" showSince timestamp={0} />);
      const badge = screen.getByRole('img', { name: label });
      expect(badge).toHaveAttribute('data-status', status);
      expect(badge).not.toHaveAttribute('data-category');
      expect(badge).toHaveAttribute('data-tone', 'unknown');
      expect(glyphOf(badge)).toBe(glyph);
    });
  });

  describe('labels', () => {
    it('label replaces the computed one', () => {
      render(<PresenceBadge category="AVAILABLE" label="Free to chat" />);
      expect(screen.getByRole('img', { name: 'Free to chat' })).toHaveAttribute('data-category', 'AVAILABLE');
    });

    it('aria-label works too, and label wins over it', () => {
      const { rerender } = render(<PresenceBadge category="AVAILABLE" aria-label="Here" />);
      expect(screen.getByRole('img')).toHaveAccessibleName('Here');
      rerender(<PresenceBadge category="AVAILABLE" aria-label="Here" label="Free" />);
      expect(screen.getByRole('img')).toHaveAccessibleName('Free');
    });

    it('labels replaces single strings', () => {
      render(<PresenceBadge category="AWAY" labels={{ AWAY: 'Gone fishing', BUSY: undefined }} />);
      expect(screen.getByRole('img')).toHaveAccessibleName('Gone fishing');
    });

    it.each([
      { locale: 'en-GB', label: 'Available' },
      { locale: 'fr-CA', label: 'Disponible' },
      { locale: 'de', label: 'Verfügbar' },
      { locale: 'ja-JP', label: '連絡可能' },
      { locale: 'pt-BR', label: 'Available' },
    ])('provider locale $locale gives "$label"', ({ locale, label }) => {
      render(
        <PresenceUiProvider locale={locale}>
          <PresenceBadge category="AVAILABLE" />
        </PresenceUiProvider>,
      );
      expect(screen.getByRole('img')).toHaveAccessibleName(label);
    });

    it('a locale prop switches language below a provider', () => {
      render(
        <PresenceUiProvider locale="de">
          <PresenceBadge category="BUSY" locale="ja" />
        </PresenceUiProvider>,
      );
      expect(screen.getByRole('img')).toHaveAccessibleName('取り込み中');
    });

    it('without a provider a locale prop keeps English labels (languages ship with the provider)', () => {
      render(<PresenceBadge category="BUSY" locale="fr" />);
      expect(screen.getByRole('img')).toHaveAccessibleName('Busy');
    });

    it('provider overrides apply to every badge below', () => {
      render(
        <PresenceUiProvider locale="fr" labels={{ BUSY: 'Pris' }}>
          <PresenceBadge category="BUSY" />
        </PresenceUiProvider>,
      );
      expect(screen.getByRole('img')).toHaveAccessibleName('Pris');
    });
  });

  describe('visible label', () => {
    it('reads the text once: no role=img, no aria-label, decorative icon', () => {
      const { container } = render(<PresenceBadge category="BE_RIGHT_BACK" showLabel />);
      const badge = container.firstElementChild as HTMLElement;
      expect(screen.queryByRole('img')).toBeNull();
      expect(badge).not.toHaveAttribute('aria-label');
      expect(badge).not.toHaveAttribute('role');
      expect(badge.querySelector('svg')).toHaveAttribute('aria-hidden', 'true');
      expect(screen.getByText('Be right back')).toHaveClass('pw-badge__label');
      // The whole readable content is the label, exactly once.
      expect(badge.textContent).toBe('Be right back');
    });

    it('uses the override as the visible text', () => {
      render(<PresenceBadge category="AWAY" showLabel label="Lunch" />);
      expect(screen.getByText('Lunch')).toBeVisible();
      expect(screen.queryByText('Away')).toBeNull();
    });
  });

  describe('since', () => {
    const SET = Date.UTC(2026, 2, 3, 10, 32);
    const SAME_DAY = Date.UTC(2026, 2, 3, 15, 0);
    const NEXT_DAY = Date.UTC(2026, 2, 4, 9, 0);

    it('shows the time for a state set today', () => {
      const { container } = render(
        <PresenceBadge category="AWAY" showSince timestamp={SET} now={SAME_DAY} locale="en-GB" />,
      );
      expect(screen.getByText('since 10:32')).toBeVisible();
      // The label stays readable, hidden visually, so the text reads "Away since 10:32".
      expect(screen.getByText('Away')).toHaveClass('pw-visually-hidden');
      expect(container.textContent).toBe('Away since 10:32');
      expect(screen.queryByRole('img')).toBeNull();
    });

    it('adds the date for an older state', () => {
      render(<PresenceBadge category="AWAY" showSince showLabel timestamp={SET} now={NEXT_DAY} locale="en-GB" />);
      expect(screen.getByText('since 3 Mar 2026, 10:32')).toBeVisible();
      expect(screen.getByText('Away')).toHaveClass('pw-badge__label');
    });

    it.each([
      { locale: 'fr', text: 'depuis 10:32' },
      { locale: 'de', text: 'seit 10:32' },
      { locale: 'ja', text: '10:32から' },
    ])('$locale: "$text"', ({ locale, text }) => {
      render(
        <PresenceUiProvider locale={locale}>
          <PresenceBadge category="BUSY" showSince timestamp={SET} now={SAME_DAY} />
        </PresenceUiProvider>,
      );
      expect(screen.getByText(text)).toBeVisible();
    });

    it.each([
      { why: 'OFFLINE (its timestamp is the request time)', category: 'OFFLINE', view: 'internal' },
      { why: 'OFF_WORK seen as OFFLINE', category: 'OFF_WORK', view: 'external' },
      { why: 'UNDEFINED', category: 'UNDEFINED', view: 'internal' },
      { why: 'an unknown value', category: 'SOMETHING_NEW', view: 'internal' },
    ] as const)('is never shown for $why', ({ category, view }) => {
      const { container } = render(
        <PresenceBadge category={category} view={view} showSince timestamp={SET} now={SAME_DAY} locale="en-GB" />,
      );
      expect(container.textContent).not.toContain('since');
      expect(container.querySelector('.pw-badge__since')).toBeNull();
    });

    it('is not shown without a timestamp', () => {
      const { container } = render(<PresenceBadge category="AWAY" showSince now={SAME_DAY} />);
      expect(container.querySelector('.pw-badge__since')).toBeNull();
      expect(screen.getByRole('img', { name: 'Away' })).toBeInTheDocument();
    });

    it('survives a malformed locale tag', () => {
      render(<PresenceBadge category="AWAY" showSince timestamp={SET} now={SAME_DAY} locale="en_GB!!" />);
      expect(screen.getByText(/^since .*32/)).toBeVisible();
    });
  });

  describe('sizes', () => {
    it.each(['tiny', 'extra-small', 'small', 'medium', 'large', 'extra-large'] as const)(
      '%s is a data-size for the stylesheet',
      (size) => {
        const { container } = render(<PresenceBadge category="AWAY" size={size} />);
        expect(container.firstElementChild).toHaveAttribute('data-size', size);
        expect(container.querySelector('svg')).not.toHaveAttribute('width');
      },
    );

    it('defaults to medium', () => {
      render(<PresenceBadge category="AWAY" />);
      expect(screen.getByRole('img')).toHaveAttribute('data-size', 'medium');
    });

    it('a number sets the SVG size directly (no inline style)', () => {
      const { container } = render(<PresenceBadge category="AWAY" size={14} />);
      expect(container.firstElementChild).toHaveAttribute('data-size', 'custom');
      const svg = container.querySelector('svg') as SVGSVGElement;
      expect(svg).toHaveAttribute('width', '14');
      expect(svg).toHaveAttribute('height', '14');
      expect(container.querySelector('[style]')).toBeNull();
    });
  });

  describe('props and refs', () => {
    it('forwards the ref to the root span', () => {
      const ref = createRef<HTMLSpanElement>();
      render(<PresenceBadge ref={ref} category="AWAY" />);
      expect(ref.current).toBe(screen.getByRole('img'));
      expect(ref.current?.tagName).toBe('SPAN');
    });

    it('spreads other props last and merges class names', () => {
      const onClick = vi.fn();
      render(
        <PresenceBadge
          category="AWAY"
          id="me"
          className="extra"
          title="Ada is away"
          data-testid="badge"
          data-size="override"
          onClick={onClick}
        />,
      );
      const badge = screen.getByTestId('badge');
      expect(badge).toHaveAttribute('id', 'me');
      expect(badge).toHaveAttribute('title', 'Ada is away');
      expect(badge).toHaveAttribute('data-size', 'override');
      expect(badge).toHaveClass('pw-badge', 'pw-badge--away', 'extra');
      badge.click();
      expect(onClick).toHaveBeenCalledOnce();
    });

    it('does not leak its own props as attributes', () => {
      const { container } = render(
        <PresenceBadge category="AWAY" timestamp={5} now={6} showSince={false} locale="fr" view="internal" />,
      );
      const attrs = Array.from((container.firstElementChild as Element).attributes, (a) => a.name);
      for (const name of ['category', 'timestamp', 'now', 'showsince', 'locale', 'view', 'labels']) {
        expect(attrs).not.toContain(name);
      }
    });
  });

  describe('usePresenceBadgeState', () => {
    const wrapper = ({ children }: { children: ReactNode }) => (
      <PresenceUiProvider view="external">{children}</PresenceUiProvider>
    );

    it('computes the external view, keeping the raw value apart', () => {
      const { result } = renderHook(() => usePresenceBadgeState({ category: 'BE_RIGHT_BACK', id: 'x' }), { wrapper });
      expect(result.current).toMatchObject({
        status: 'ready',
        category: 'AWAY',
        rawCategory: 'BE_RIGHT_BACK',
        dataCategory: 'AWAY',
        view: 'external',
        glyph: 'clock',
        tone: 'away',
        label: 'Away',
        since: undefined,
        size: 'medium',
        px: undefined,
        root: { id: 'x' },
      });
    });

    it('lets a custom render reuse the state', () => {
      function Custom() {
        const state = usePresenceBadgeState({ category: 'BUSY' });
        return renderPresenceBadge({ ...state, label: `${state.label}!` });
      }
      render(<Custom />);
      expect(screen.getByRole('img', { name: 'Busy!' })).toHaveAttribute('data-category', 'BUSY');
    });
  });
});
