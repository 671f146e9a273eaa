import { makePresence, parseUserId, type Presence } from '../model';

/** What survives a reload for one engine key: the last answer and when the pod was last asked. */
export interface PersistedEntry {
  key: string;
  presence?: Pick<Presence, 'userId' | 'category' | 'timestamp'> | undefined;
  /** When the read that gave `presence` was sent. */
  seenAt?: number | undefined;
  /** When the pod was last asked about the user: the 5-minute budget of external users. */
  lastReadAt?: number | undefined;
}

/**
 * Where the engine keeps its state across reloads, filed under a session identity (a digest of
 * the token, or the requesting user's id behind a proxy; never the token itself). `load` gives
 * nothing for another identity.
 */
export interface PresencePersistence {
  load(identity: string): PersistedEntry[] | undefined;
  save(identity: string, entries: PersistedEntry[]): void;
  clear(): void;
}

interface Stored {
  v: 1;
  identity: string;
  entries: PersistedEntry[];
}

/** Entries kept at the most: a roster of thousands still fits the few MB sessionStorage allows. */
const MAX_ENTRIES = 5000;

/**
 * sessionStorage: it survives a reload of the tab and ends with it, which is the life of the
 * budget we need to remember (open tabs already share theirs through the tab coordinator).
 * `undefined` where the page has no usable sessionStorage (server, sandboxed frame, Node).
 */
export function createSessionStoragePersistence(name = 'presence-widgets'): PresencePersistence | undefined {
  let storage: Storage;
  try {
    if (typeof sessionStorage === 'undefined') return undefined;
    storage = sessionStorage;
    // Safari's private mode and sandboxed frames throw on use, not on access.
    storage.getItem(name);
  } catch {
    return undefined;
  }
  const slot = `${name}:v1`;
  return {
    load(identity) {
      let stored: Stored | undefined;
      try {
        const text = storage.getItem(slot);
        stored = text ? (JSON.parse(text) as Stored) : undefined;
      } catch {
        stored = undefined;
      }
      if (!stored || stored.v !== 1 || !Array.isArray(stored.entries)) return undefined;
      if (stored.identity !== identity) {
        // Another session's state is worth nothing to this one, and must not be shown to it.
        this.clear();
        return undefined;
      }
      return stored.entries.filter(isPersistedEntry);
    },
    save(identity, entries) {
      const body: Stored = { v: 1, identity, entries: entries.slice(-MAX_ENTRIES) };
      try {
        storage.setItem(slot, JSON.stringify(body));
      } catch {
        // Quota or a storage turned off mid-session: losing the cache only costs a slower reload.
      }
    },
    clear() {
      try {
        storage.removeItem(slot);
      } catch {
        // Nothing to clear where storage is gone.
      }
    },
  };
}

function isTime(value: unknown): value is number | undefined {
  return value === undefined || (typeof value === 'number' && Number.isFinite(value));
}

/** Storage is input like any other: anything malformed is dropped, never trusted. */
function isPersistedEntry(raw: unknown): raw is PersistedEntry {
  if (typeof raw !== 'object' || raw === null) return false;
  const e = raw as PersistedEntry;
  if (typeof e.key !== 'string' || !isTime(e.seenAt) || !isTime(e.lastReadAt)) return false;
  if (e.presence === undefined) return true;
  const p = e.presence;
  return (
    typeof p === 'object' &&
    p !== null &&
    parseUserId(p.userId) === p.userId &&
    typeof p.category === 'string' &&
    p.category.length > 0 &&
    isTime(p.timestamp)
  );
}

/** The stored form of a presence back to a normalised one. */
export function revivePresence(p: NonNullable<PersistedEntry['presence']>): Presence {
  return makePresence(p.userId, p.category, p.timestamp);
}
