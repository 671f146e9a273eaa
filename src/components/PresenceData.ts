import type { CategoryValue, PresenceGraphDetails } from '../model';

/**
 * What the component knows apart from the category itself. `ready` means "show `category`"
 * (or the unknown glyph when there is none); the others replace the category.
 */
export type PresenceStatus = 'ready' | 'loading' | 'error' | 'forbidden' | 'not-found';

/** What a connected component shows for a user: the badge's own inputs. */
export interface PresenceData {
  category?: CategoryValue | undefined;
  timestamp?: number | undefined;
  status: PresenceStatus;
  /** Set while the status is the last known one: when a newer one is asked for. */
  updateDueAt?: number | undefined;
  /** Graph's own state, for a presence from a Graph source. */
  graph?: PresenceGraphDetails | undefined;
}
