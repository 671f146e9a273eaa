import { PresenceApiError } from '../client';
import type { Presence, UserId } from '../model';
import { acceptAnswer, clearFault, failEntry, storePresence } from './answers';
import type { BatchReader } from './BatchReader';
import { externalGapStart } from './budget';
import { retryDelay } from './options';
import type { OwnPresenceWriter } from './OwnPresenceWriter';
import type { PodListingPoller } from './PodListingPoller';
import { isLocalKey, isRegistrable, parsePresenceKey, userOfKey } from './presenceKey';
import type { Registrations } from './Registrations';
import { isTimeout, toApiError, withTimeout } from './requests';
import type { Sessions } from './Sessions';
import type { Sweeper } from './Sweeper';
import type { Entry, SyncState } from './SyncState';

/** The parts a read needs. */
export interface ReadParts {
  registrations: Registrations;
  sessions: Sessions;
  batch: BatchReader;
  writer: OwnPresenceWriter;
  listing: PodListingPoller;
  sweeper: Sweeper;
}

/**
 * Scheduling of reads: when each key is read (within its budget, only while someone waits for
 * it, only in the leading tab), the read itself (registered interest first for external users),
 * and what its answer or failure does to the key.
 */
export class ReadScheduler {
  readonly #state: SyncState;
  readonly #registrations: Registrations;
  readonly #sessions: Sessions;
  readonly #batch: BatchReader;
  readonly #writer: OwnPresenceWriter;
  readonly #listing: PodListingPoller;
  readonly #sweeper: Sweeper;

  constructor(state: SyncState, parts: ReadParts) {
    this.#state = state;
    this.#registrations = parts.registrations;
    this.#sessions = parts.sessions;
    this.#batch = parts.batch;
    this.#writer = parts.writer;
    this.#listing = parts.listing;
    this.#sweeper = parts.sweeper;
  }

  /** Plans the next read of `entry`, or none when nobody waits for it or this tab does not lead. */
  schedule(entry: Entry, remote?: Set<string>): void {
    const state = this.#state;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    if (!state.started || state.destroyed || entry.inflight || entry.stopped || !state.coordinator.isLeader()) return;
    const hub = state.hub;
    if (hub) {
      hub.wantsChanged();
      // While the hub's stream is open it brings every user; the own presence is still read here.
      if (hub.live && isRegistrable(entry.key)) return;
    }
    if (!state.isActive(entry, remote)) return;
    const delay = Math.max(0, state.nextDue(entry) - state.now());
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      this.#poll(entry);
    }, delay);
  }

  /** Reschedules every key (and the keys other tabs show), the renewals and the listing. */
  rescheduleAll(): void {
    const state = this.#state;
    if (!state.started) return;
    this.#registrations.wantPending();
    const remote = state.remoteWants.visibleKeys();
    for (const raw of remote) {
      const key = parsePresenceKey(raw);
      if (key) state.entry(key);
    }
    for (const e of state.entries.values()) this.schedule(e, remote);
    this.#registrations.scheduleRenewal();
    this.#listing.schedule(remote);
  }

  /** Stops every planned read (this tab stopped leading). */
  cancelAll(): void {
    for (const e of this.#state.entries.values()) {
      if (e.timer) clearTimeout(e.timer);
      e.timer = undefined;
    }
  }

  #poll(entry: Entry): void {
    const state = this.#state;
    const registrations = this.#registrations;
    const sessions = this.#sessions;
    const batch = this.#batch;
    const writer = this.#writer;
    if (entry.inflight || state.destroyed) return;
    let waitedOnSelf = false;
    const run = async () => {
      let external = false;
      let session: string | undefined;
      const id = userOfKey(entry.key);
      if (id !== undefined) {
        waitedOnSelf = true;
        external = await this.#resolveExternal(id);
        waitedOnSelf = false;
        // A renewed token is a new session that registered nothing: find out before reading.
        session = await sessions.checkSession();
        // Local reads answer OFFLINE for other companies without interest (SYM-GUP-4), but no
        // seed exempts them from the 5-minute limit, so they keep the external gap.
        if (external && isRegistrable(entry.key)) await registrations.ensure(id);
      }
      const now = state.now();
      // The budget is checked again after the awaits: another tab may have read meanwhile.
      if (now < state.nextDue(entry) || !state.coordinator.isLeader() || state.destroyed) return;
      const budgetBefore = entry.lastReadAt;
      entry.lastReadAt = now;
      state.coordinator.post({ t: 'read', key: entry.key, at: now });
      state.emit({ type: 'request', kind: 'read', at: now, key: entry.key, external });
      if (external) sessions.persistNow();
      const markAtStart = writer.mark;
      let timedOut = false;
      let sent = true;
      try {
        const presence = await withTimeout(state.options.requestTimeoutMs, (signal) =>
          id === undefined
            ? state.client.getOwnPresence({ signal })
            : isLocalKey(entry.key)
              ? state.client.getUserPresence(id, { signal, local: true })
              : state.client.getUsersPresence
                ? batch.read(id, signal)
                : state.client.getUserPresence(id, { signal, session: external ? session : undefined }),
        );
        this.#acceptRead(entry, presence, markAtStart, now);
      } catch (error) {
        timedOut = isTimeout(error);
        if (error instanceof PresenceApiError && error.kind === 'session-changed' && error.status === 0) {
          // Stopped before sending: the budget was not spent.
          sent = false;
          entry.lastReadAt = budgetBefore;
        }
        throw error;
      } finally {
        if (external && sent) {
          const end = externalGapStart(state.now(), timedOut, state.options);
          entry.lastReadAt = Math.max(entry.lastReadAt ?? 0, end);
          state.coordinator.post({ t: 'read', key: entry.key, at: end });
        }
      }
    };
    entry.inflight = run()
      .catch((error: unknown) => (waitedOnSelf ? this.#awaitSelf(entry, error) : this.#acceptError(entry, error)))
      .finally(() => {
        entry.inflight = undefined;
        this.schedule(entry);
        this.#sweeper.schedule();
      });
  }

  /**
   * Whether a user is external. Needs the requesting user's tenant: learned from their own
   * presence, read first if need be. While it cannot be learned the read fails with the own
   * presence's error (and backs off): guessing "external" would register internal users, and
   * guessing "internal" could break the external limit.
   */
  async #resolveExternal(key: UserId): Promise<boolean> {
    const state = this.#state;
    const guess = state.externalGuess(key);
    if (guess !== undefined) return guess;
    const self = state.entry('self');
    if (!self.inflight && state.now() >= self.retryAt) this.#poll(self);
    await self.inflight;
    const known = state.externalGuess(key);
    if (known !== undefined) return known;
    throw self.error ?? new PresenceApiError({ kind: 'network', status: 0, endpoint: 'GET /v2/user/presence' });
  }

  /**
   * The user was not asked: their side stays unknown until the own presence is read. They show
   * its error (nothing else is known) unless a last known status is on screen, and are tried
   * again with it rather than backing off on their own for a failure that was not theirs.
   */
  #awaitSelf(entry: Entry, raw: unknown): void {
    const state = this.#state;
    const error = toApiError(raw, 'GET /v2/user/presence');
    if (error.kind === 'aborted' || state.destroyed) return;
    // At least one back-off step on: an own read that ended without an answer must not spin.
    entry.retryAt = Math.max(state.nextDue(state.entry('self')), state.now() + state.options.backoffBaseMs);
    if (!entry.presence) failEntry(state, entry, error, true);
  }

  #acceptRead(entry: Entry, presence: Presence, markAtStart: number, startedAt: number): void {
    const state = this.#state;
    // A read that started before our own set (or while it is in flight) shows the old state.
    if (state.isOwnKey(entry.key) && this.#writer.isOutdatedRead(presence, markAtStart, startedAt)) {
      clearFault(entry);
      // While the set is out, the next read waits an interval as after any answer (the set's own
      // answer brings the state): with nothing shown yet the key would be due again at once, one
      // read per round trip for as long as the set is out.
      if (this.#writer.writing) entry.retryAt = startedAt + state.options.internalIntervalMs;
      return;
    }
    const hadError = entry.error !== undefined;
    clearFault(entry);
    entry.reregistered = false;
    if (entry.key === 'self') state.learnSelf(presence);
    acceptAnswer(state, entry, presence, startedAt, hadError, true);
  }

  #acceptError(entry: Entry, raw: unknown): void {
    const state = this.#state;
    const error = toApiError(raw, entry.key === 'self' ? 'GET /v2/user/presence' : 'GET /v3/user/{uid}/presence');
    if (error.kind === 'aborted' || state.destroyed) return;
    const now = state.now();
    if (error.kind === 'session-changed') {
      // Not the user's problem: the next poll sees the new session, registers, then reads.
      state.session = undefined;
      entry.retryAt = 0;
      return;
    }
    if (error.kind === 'forbidden' && !entry.reregistered && state.needsInterest(entry.key)) {
      // A lost or lapsed registration also reads 403: register afresh and read once more when
      // the budget allows, before calling the user forbidden.
      entry.reregistered = true;
      this.#registrations.forget(entry.key);
      this.#registrations.want(entry.key);
      return;
    }
    if (error.kind === 'unauthorized') {
      // The session ended: what was kept for it is worth nothing to the next one.
      this.#sessions.clearKept();
    }
    entry.failures += 1;
    if (error.kind === 'rate-limited' && (entry.presence || entry.failures === 1)) {
      // Another app on the same session spent the budget. That is not an error: the last known
      // status stays on screen with when it will be updated; with none yet, the badge keeps
      // loading until the pod allows a read. Only a second 429 in a row is shown as one.
      entry.retryAt = now + retryDelay(error, entry.failures, state.options);
      if (entry.presence) {
        storePresence(state, entry, { ...entry.presence, updateDueAt: Math.max(entry.retryAt, state.nextDue(entry)) }, false);
      }
      return;
    }
    if (error.kind === 'forbidden' || error.kind === 'not-found') {
      entry.stopped = true;
    } else {
      entry.retryAt = now + retryDelay(error, entry.failures, state.options);
    }
    failEntry(state, entry, error, true);
  }
}
