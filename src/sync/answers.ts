/**
 * How an answer becomes what is shown: whichever part got it (a read, the listing, another tab,
 * a reload), a presence or an error lands in an entry through these functions.
 */
import type { PresenceApiError } from '../client';
import { isLaterAnswer, isSamePresence, type Presence } from '../model';
import { summarizeError } from './messages';
import type { Entry, SyncState } from './SyncState';

/** The key answered: no back-off, no error, polling on. */
export function clearFault(entry: Entry): void {
  entry.failures = 0;
  entry.retryAt = 0;
  entry.stopped = false;
  if (entry.error) entry.error = undefined;
}

/** Shows the entry's presence (the optimistic one first): settles its waiters and tells listeners. */
export function publish(state: SyncState, entry: Entry): void {
  const shown = entry.optimistic ?? entry.presence;
  if (!shown) return;
  entry.error = undefined;
  for (const w of [...entry.waiters]) w.resolve(shown);
  entry.waiters.clear();
  state.emit({ type: 'presence', key: entry.key, presence: shown });
}

/** Stores a confirmed presence, notifies listeners and, when `share`, the other tabs. */
export function storePresence(state: SyncState, entry: Entry, presence: Presence, share: boolean): void {
  entry.presence = presence;
  if (state.isOwnKey(entry.key)) {
    // The own presence is reachable under two keys; keep both in step.
    const twin =
      entry.key === 'self' ? (state.selfId ? state.entries.get(state.selfId) : undefined) : state.entries.get('self');
    if (twin && twin !== entry && entry.seenAt !== undefined && isLaterAnswer(twin.seenAt, entry.seenAt)) {
      twin.presence = presence;
      twin.seenAt = entry.seenAt;
      if (!twin.optimistic) publish(state, twin);
    }
  }
  if (!entry.optimistic) publish(state, entry);
  if (share) state.coordinator.post({ t: 'presence', key: entry.key, presence, at: entry.seenAt });
  state.links.persistSoon();
}

/**
 * Takes an answer asked for at `askedAt` unless a later-asked one is held (SYM-GUP-1/2: never
 * by timestamp). Nothing new keeps the current object so no badge re-renders, unless an error
 * or a "last known, updating later" mark must be cleared.
 */
export function acceptAnswer(
  state: SyncState,
  entry: Entry,
  presence: Presence,
  askedAt: number,
  hadError: boolean,
  share: boolean,
): void {
  if (!isLaterAnswer(entry.seenAt, askedAt)) return;
  entry.seenAt = askedAt;
  const marked = entry.presence?.updateDueAt !== undefined;
  if (!hadError && !marked && isSamePresence(entry.presence, presence)) {
    state.links.persistSoon();
    return;
  }
  const { updateDueAt: _due, ...fresh } = presence;
  storePresence(state, entry, { ...fresh, observedAt: askedAt }, share);
}

/** Shows an error for the key: its waiters reject, listeners and (when `share`) other tabs hear. */
export function failEntry(state: SyncState, entry: Entry, error: PresenceApiError, share: boolean): void {
  entry.error = error;
  for (const w of [...entry.waiters]) w.reject(error);
  entry.waiters.clear();
  state.emit({ type: 'error', key: entry.key, error });
  if (share) state.coordinator.post({ t: 'error', key: entry.key, error: summarizeError(error) });
}
