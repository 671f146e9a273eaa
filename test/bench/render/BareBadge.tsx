import type { ReactElement } from 'react';

/*
 * The baseline: what a hand-written badge costs at the least. A span with a role and a label
 * around an inline SVG disc and one mark, colours inline, no stylesheet, no context, no hooks.
 */
const STYLE: Readonly<Record<string, readonly [label: string, color: string, mark: string]>> = {
  UNDEFINED: ['Status not set', '#8a8886', ''],
  AVAILABLE: ['Available', '#13a10e', 'M9 17l5 5 9-10'],
  BUSY: ['Busy', '#d13438', 'M9 16h14'],
  DO_NOT_DISTURB: ['Do not disturb', '#d13438', 'M9 16h14'],
  ON_THE_PHONE: ['On the phone', '#d13438', 'M9 8l4-1 2 5-2 2a10 10 0 0 0 5 5l2-2 5 2-1 4C16 24 8 16 9 8z'],
  BE_RIGHT_BACK: ['Be right back', '#eaa300', 'M16 9v8l5 3'],
  IN_A_MEETING: ['In a meeting', '#d13438', 'M9 8l4-1 2 5-2 2a10 10 0 0 0 5 5l2-2 5 2-1 4C16 24 8 16 9 8z'],
  AWAY: ['Away', '#eaa300', 'M16 9v8l5 3'],
  OUT_OF_OFFICE: ['Out of office', '#c239b3', ''],
  OFF_WORK: ['Off work', '#eaa300', 'M16 9v8l5 3'],
  OFFLINE: ['Offline', '#8a8886', 'M11 11l10 10m0-10L11 21'],
};

/** Props of {@link BareBadge}. */
export interface BareBadgeProps {
  /** A Symphony category; others show as "Unknown status". */
  category: string;
}

/** The bare `<span>` + inline SVG baseline of the render benchmark. */
export function BareBadge({ category }: BareBadgeProps): ReactElement {
  const [label, color, mark] = STYLE[category] ?? ['Unknown status', '#8a8886', ''];
  return (
    <span role="img" aria-label={label} style={{ display: 'inline-flex', width: 16, height: 16 }}>
      <svg viewBox="0 0 32 32" width="16" height="16" aria-hidden="true" focusable="false">
        <circle cx="16" cy="16" r="16" fill={color} />
        {mark && <path d={mark} fill="none" stroke="#fff" strokeWidth="3" strokeLinecap="round" />}
      </svg>
    </span>
  );
}
