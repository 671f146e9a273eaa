import { readFailureOf, usePresence } from '../hooks';
import type { UserIdInput } from '../model';
import type { PresenceData } from './PresenceData';

export type { PresenceData } from './PresenceData';

/**
 * Feeds a badge from the hooks: `'self'` is the requesting user. A failed read shows its own
 * state (forbidden, not found, error), never the last data as if it were current and never
 * OFFLINE.
 */
export function usePresenceData(userId: UserIdInput | 'self'): PresenceData {
  const q = usePresence(userId === 'self' ? undefined : userId);
  if (q.isError) {
    return { status: readFailureOf(q.error) };
  }
  if (q.data) {
    const { category, timestamp, graph, updateDueAt } = q.data;
    return { status: 'ready', category, timestamp, graph, updateDueAt };
  }
  return { status: 'loading' };
}
