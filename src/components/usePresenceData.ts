import { readFailureOf, usePresence } from '../hooks';
import type { CategoryValue, PresenceGraphDetails, UserIdInput } from '../model';
import type { PresenceStatus } from './usePresenceBadgeState';

/** What a connected component shows for a user: the badge's own inputs. */
export interface PresenceData {
  category?: CategoryValue | undefined;
  timestamp?: number | undefined;
  status: PresenceStatus;
  /** Set while the status is the last known one: when a newer one is asked for. */
  updateDueAt?: number | undefined;
  /** Graph's own state, for a presence from a Graph source. */
  graph?: PresenceGraphDetails | undefined;
  /** What failed, when `status` says a read failed (for components that announce it). */
  error?: Error | undefined;
}

/**
 * Feeds a badge from the hooks: `'self'` is the requesting user. A failed read shows its own
 * state (forbidden, not found, error), never the last data as if it were current and never
 * OFFLINE.
 */
export function usePresenceData(userId: UserIdInput | 'self'): PresenceData {
  const q = usePresence(userId === 'self' ? undefined : userId);
  if (q.isError) {
    return { status: readFailureOf(q.error), error: q.error };
  }
  if (q.data) {
    const { category, timestamp, graph, updateDueAt } = q.data;
    return { status: 'ready', category, timestamp, graph, updateDueAt };
  }
  return { status: 'loading' };
}
