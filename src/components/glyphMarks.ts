import type { PresenceGlyph } from '../model';

/*
 * The icons' drawing, without React: the React components (icons.tsx) and the custom elements
 * (src/elements) both draw from this table, so the two renderers cannot drift apart.
 */

/** Every shape an icon can take: the presence glyphs plus the two non-data states. */
export type IconGlyph = PresenceGlyph | 'loading' | 'error' | 'hidden';

/*
 * Each glyph is a disc in the tone colour (`currentColor`) with one mark in the surface colour,
 * so "mark on disc" has the same contrast as "disc on surface". One path per glyph keeps the
 * badge bundle small: dots are zero-length segments drawn by the round line cap, and stroke
 * widths, caps and the mark colour come from the stylesheet (`.pw-icon path`).
 */
export const GLYPH_MARKS: Readonly<Record<IconGlyph, string>> = {
  check: 'M9 17l5 5 9-10',
  clock: 'M16 9v8l5 3',
  cross: 'M11 11l10 10m0-10L11 21',
  sign: 'M9 16h14',
  // A handset, filled rather than stroked (see `[data-glyph=phone]` in the stylesheet).
  phone: 'M9 8l4-1 2 5-2 2a10 10 0 0 0 5 5l2-2 5 2-1 4C16 24 8 16 9 8z',
  circle: '',
  unknown: 'M12 12a4 4 0 1 1 6 3.5c-1.2.7-2 1.3-2 2.5v.5m0 4.5v0',
  error: 'M16 8v9m0 6v0',
  // Forbidden or not found: a slashed disc, told apart from the "?" of an unknown value.
  hidden: 'M10 22L22 10',
  // Open shapes in the tone colour, without a disc.
  ring: 'M16 3a13 13 0 1 0 0 26a13 13 0 1 0 0-26',
  loading: 'M16 3a13 13 0 1 0 13 13',
};

/** Open shapes (ring, loading arc) are drawn without the disc under the mark. */
export function hasDisc(glyph: IconGlyph): boolean {
  return glyph !== 'ring' && glyph !== 'loading';
}
