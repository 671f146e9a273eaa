import type { ReactElement } from 'react';
import { GLYPH_MARKS as MARKS, hasDisc, type IconGlyph } from './glyphMarks';

export type { IconGlyph } from './glyphMarks';

const disc = <circle cx="16" cy="16" r="16" />;

/** Props of {@link PresenceIcon}. */
export interface PresenceIconProps {
  /** Shape to draw. */
  glyph: IconGlyph;
  /**
   * Width and height in CSS pixels, as SVG attributes (no inline style, so a strict CSP is fine).
   * Without it the size comes from `--pw-icon-size`, set by the stylesheet from `data-size`.
   */
  px?: number | undefined;
  /**
   * A small mark at the lower right on top of the glyph: `out-of-office` for a state combined with
   * out of office (Graph's Available/OutOfOffice, Busy/InACall + OOF). Decorative like the glyph.
   */
  marker?: 'out-of-office' | undefined;
}

/**
 * A presence glyph as inline SVG. Always decorative: the element that owns it carries the
 * role and the accessible name. Its colour is `--pw-tone`, set by the nearest `data-tone`
 * ancestor; needs `presence-widgets.css` for colours and strokes.
 */
export function PresenceIcon({ glyph, px, marker }: PresenceIconProps): ReactElement {
  return (
    <svg
      className="pw-icon"
      data-glyph={glyph}
      viewBox="0 0 32 32"
      width={px}
      height={px}
      aria-hidden="true"
      focusable="false"
    >
      {hasDisc(glyph) && disc}
      {MARKS[glyph] && <path d={MARKS[glyph]} />}
      {marker && <circle className="pw-icon__marker" data-marker={marker} cx="24" cy="24" r="9" />}
    </svg>
  );
}
