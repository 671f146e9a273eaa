import { PresenceApiError } from '../client';
import { makePresence, type CategoryValue, type Presence } from '../model';
import { publish } from './answers';
import { retryDelay } from './options';
import type { PresenceKey } from './presenceKey';
import { isTransient, toApiError } from './requests';
import type { SyncState } from './SyncState';

const aborted = () => new PresenceApiError({ kind: 'aborted', status: 0, endpoint: 'POST /v2/user/presence' });

/** Tries of one set before it fails (rate limits, server and network faults only). */
const SET_ATTEMPTS = 3;

interface WriteJob {
  category: CategoryValue;
  soft: boolean | undefined;
  seq: number;
}

interface WriteWaiter {
  seq: number;
  resolve: (p: Presence) => void;
  reject: (e: unknown) => void;
}

/**
 * Own-presence writes (POST /v2/user/presence): shown at once (optimistic), one in flight at a
 * time, sets made meanwhile coalesced so the pod ends with the last choice, rolled back on failure.
 */
export class OwnPresenceWriter {
  #seq = 0;
  #lastWriteAt = 0;
  #pending: WriteJob | undefined;
  #writing = false;
  readonly #waiters: WriteWaiter[] = [];

  readonly #state: SyncState;

  constructor(state: SyncState) {
    this.#state = state;
  }

  /** Whether a set is out (or waiting to be retried). */
  get writing(): boolean {
    return this.#writing;
  }

  /** A mark to take when a read of the own presence starts, for {@link isOutdatedRead}. */
  get mark(): number {
    return this.#seq;
  }

  /**
   * Whether a read of the own presence, started at `startedAt` (with {@link mark} `markAtStart`),
   * shows the state from before our own set: it started before the set, or while one is in flight,
   * and the pod's timestamp does not say it is newer.
   */
  isOutdatedRead(presence: Presence, markAtStart: number, startedAt: number): boolean {
    const staleByWrite = this.#writing || markAtStart !== this.#seq || startedAt < this.#lastWriteAt;
    return staleByWrite && !(presence.timestamp !== undefined && presence.timestamp > this.#lastWriteAt);
  }

  /** See `PresenceSync.setOwnPresence`. */
  set(input: { category: CategoryValue; soft?: boolean | undefined }): Promise<Presence> {
    const state = this.#state;
    if (typeof input?.category !== 'string' || input.category.length === 0) {
      return Promise.reject(new PresenceApiError({ kind: 'bad-request', status: 0, endpoint: 'POST /v2/user/presence' }));
    }
    if (state.destroyed) return Promise.reject(aborted());
    const seq = ++this.#seq;
    this.#lastWriteAt = state.now();
    this.#pending = { category: input.category, soft: input.soft, seq };
    const self = state.entry('self');
    const base = self.optimistic ?? self.presence;
    const userId = base?.userId ?? state.selfId;
    if (userId) this.#showOwn(makePresence(userId, input.category, state.now()), true);
    const result = new Promise<Presence>((resolve, reject) => this.#waiters.push({ seq, resolve, reject }));
    if (!this.#writing) void this.#drain();
    return result;
  }

  #ownKeys(): PresenceKey[] {
    const keys: PresenceKey[] = ['self'];
    if (this.#state.selfId) keys.push(this.#state.selfId);
    return keys;
  }

  #showOwn(presence: Presence, optimistic: boolean): void {
    const state = this.#state;
    for (const key of this.#ownKeys()) {
      const entry = key === 'self' ? state.entry(key) : state.entries.get(key);
      if (!entry) continue;
      if (optimistic) entry.optimistic = presence;
      else {
        // Confirmed now: a read sent before this moment may still show the old state.
        entry.optimistic = undefined;
        entry.presence = presence;
        entry.seenAt = state.now();
      }
      publish(state, entry);
    }
  }

  #rollbackOwn(): void {
    for (const key of this.#ownKeys()) {
      const entry = this.#state.entries.get(key);
      if (!entry || !entry.optimistic) continue;
      entry.optimistic = undefined;
      publish(this.#state, entry);
    }
  }

  async #drain(): Promise<void> {
    const state = this.#state;
    this.#writing = true;
    while (this.#pending && !state.destroyed) {
      const job = this.#pending;
      this.#pending = undefined;
      try {
        const result = await this.#send(job);
        if (result === 'superseded') continue;
        this.#lastWriteAt = Math.max(this.#lastWriteAt, result.timestamp ?? state.now());
        state.learnSelf(result);
        if (!this.#pending) {
          this.#showOwn(result, false);
          state.coordinator.post({ t: 'presence', key: 'self', presence: result, at: state.now() });
          this.#settle(job.seq, (w) => w.resolve(result));
        } else {
          // A newer choice waits (and stays shown): this one is what the pod holds now, so it is
          // what a failure of the newer one rolls back to, not the state from before both.
          for (const key of this.#ownKeys()) {
            const entry = state.entries.get(key);
            if (!entry) continue;
            entry.presence = result;
            entry.seenAt = state.now();
          }
          // Destroyed meanwhile, the newer choice is never sent: this one is what the pod holds.
          if (state.destroyed) this.#settle(job.seq, (w) => w.resolve(result));
        }
      } catch (error) {
        if (!this.#pending) {
          this.#rollbackOwn();
          this.#settle(job.seq, (w) => w.reject(error));
        }
      }
    }
    this.#writing = false;
    // Choices the destroyed engine will never send: their callers learn so rather than wait for ever.
    if (state.destroyed) {
      this.#pending = undefined;
      this.#settle(this.#seq, (w) => w.reject(aborted()));
    }
  }

  #settle(upTo: number, settle: (w: WriteWaiter) => void): void {
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const w = this.#waiters[i]!;
      if (w.seq <= upTo) {
        this.#waiters.splice(i, 1);
        settle(w);
      }
    }
  }

  async #send(job: WriteJob): Promise<Presence | 'superseded'> {
    const state = this.#state;
    for (let attempt = 1; ; attempt++) {
      state.emit({ type: 'request', kind: 'set', at: state.now(), key: 'self' });
      try {
        return await state.client.setOwnPresence({ category: job.category, soft: job.soft });
      } catch (raw) {
        const error = toApiError(raw, 'POST /v2/user/presence');
        if (!isTransient(error) || attempt >= SET_ATTEMPTS || state.destroyed) throw error;
        await new Promise((r) => setTimeout(r, retryDelay(error, attempt, state.options)));
        // A newer choice made while we waited replaces this one; sending both would only race.
        if (this.#pending) return 'superseded';
      }
    }
  }
}
