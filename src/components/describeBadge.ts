import { getCategoryInfo, type CategoryValue, type PresenceCategory, type PresenceTone } from '../model';
import type { IconGlyph } from './glyphMarks';
import type { PresenceBadgeLabels } from './labels';

/** What a badge is, not yet how it is drawn: the same for the React badge and the custom element. */
export interface BadgeLook {
  glyph: IconGlyph;
  tone: PresenceTone;
  /** Accessible (and, with a visible label, shown) text. */
  label: string;
  /** The known category shown (after the external mapping). */
  category: PresenceCategory | undefined;
  /** `data-category`: the known category shown, `unknown`, or `undefined` when not ready. */
  dataCategory: string | undefined;
}

/** Non-data states a badge shows instead of a category. */
export type BadgeStatus = 'ready' | 'loading' | 'error' | 'forbidden' | 'not-found';

/**
 * Glyph, tone and label of a badge (without Graph's states, which the React provider injects).
 * Unknown values stay unknown in the external view: guessing would show a state never sent.
 */
export function describeBadge(
  status: BadgeStatus,
  rawCategory: CategoryValue | undefined,
  view: 'internal' | 'external',
  labels: PresenceBadgeLabels,
): BadgeLook {
  let info = status === 'ready' && rawCategory !== undefined ? getCategoryInfo(rawCategory) : undefined;
  if (info && view === 'external') info = getCategoryInfo(info.externalView);
  const category = info?.category;
  // One expression per field: this runs in the 2 KiB badge bundle.
  return {
    glyph: info ? info.glyph : status === 'ready' ? 'unknown' : status === 'loading' || status === 'error' ? status : 'hidden',
    tone: info ? info.tone : 'unknown',
    label: category ? labels[category] : labels[status === 'ready' ? 'unknown' : status === 'not-found' ? 'notFound' : status],
    category,
    dataCategory: status === 'ready' ? (category ?? 'unknown') : undefined,
  };
}
