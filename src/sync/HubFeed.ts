import type { HubConnection, HubSource } from '../client';
import type { UserId } from '../model';
import { acceptAnswer, clearFault, failEntry } from './answers';
import { isRegistrable, parsePresenceKey } from './presenceKey';
import type { ReadScheduler } from './ReadScheduler';
import type { HubLink, SyncState } from './SyncState';

/**
 * The engine's side of a presence hub (`createHubSource`): the leading tab holds the one stream
 * and tells it which users someone shows (in any tab); pushes land in entries as reads would,
 * and reach the other tabs the same way. While the stream is open (or being opened) the users it
 * covers are not polled; when it cannot be opened, polling through the client resumes within the
 * budget the hub's reads left (their times count as this session's reads).
 */
export class HubFeed implements HubLink {
  /** True unless the stream cannot be opened: user keys are then the hub's, not the poller's. */
  live = false;
  private connection: HubConnection | undefined;
  private wantTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly state: SyncState,
    private readonly reads: ReadScheduler,
    private readonly source: HubSource,
  ) {}

  /** Opens the stream in the leading tab, closes it in the others. */
  lead(leader: boolean): void {
    const state = this.state;
    if (!leader || state.destroyed) return this.stop();
    if (this.connection) return;
    this.connection = this.source.connect({
      presence: (list) => {
        for (const pushed of list) {
          const entry = state.entry(pushed.userId);
          const at = pushed.observedAt ?? state.now();
          // The hub read with this session: the poller's budget starts from it.
          entry.lastReadAt = Math.max(entry.lastReadAt ?? 0, at);
          state.coordinator.post({ t: 'read', key: entry.key, at });
          const hadError = entry.error !== undefined;
          clearFault(entry);
          acceptAnswer(state, entry, pushed, at, hadError, true);
        }
      },
      failure: (list) => {
        for (const { userId, error } of list) {
          const entry = state.entry(userId);
          entry.stopped = true;
          failEntry(state, entry, error, true);
        }
      },
      tenant: (tenant) => {
        // Without it every user would count as external (the safe side) once polling takes over.
        if (state.selfTenant !== undefined) return;
        state.selfTenant = tenant;
        this.reads.rescheduleAll();
      },
      state: (next) => {
        // Connecting counts as live: polling would double the hub's first reads. Only a stream
        // that cannot be opened (the source says when) hands the users back to the poller.
        const live = next !== 'unavailable';
        if (live === this.live) return;
        this.live = live;
        this.reads.rescheduleAll();
      },
    });
    this.wantsChanged();
  }

  /** Sends the users to watch, once per burst of changes. */
  wantsChanged(): void {
    if (!this.connection || this.wantTimer) return;
    this.wantTimer = setTimeout(() => {
      this.wantTimer = undefined;
      const state = this.state;
      const remote = state.remoteWants.visibleKeys();
      const ids = new Set<UserId>();
      for (const e of state.entries.values()) if (isRegistrable(e.key) && state.isActive(e, remote)) ids.add(e.key);
      for (const raw of remote) {
        const key = parsePresenceKey(raw);
        if (key && isRegistrable(key)) ids.add(key);
      }
      this.connection?.setUserIds(ids);
    }, 0);
  }

  stop(): void {
    this.connection?.close();
    this.connection = undefined;
    if (this.wantTimer) clearTimeout(this.wantTimer);
    this.wantTimer = undefined;
    this.live = false;
  }
}
