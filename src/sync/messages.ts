import type { Presence } from '../model';
import type { PresenceApiError, PresenceApiErrorKind } from '../client';

/** What a tab says to the others. Never carries a token, only ids, presence and error summaries. */
export type SyncMessage =
  /** A tab's current wish list: the keys it shows and whether it is visible. */
  | { t: 'want'; tab: string; keys: string[]; visible: boolean }
  /** The tab is going away; forget its wishes now rather than after they expire. */
  | { t: 'bye'; tab: string }
  /** The leader started a network read of `key` at `at` (the budget is spent even if it fails). */
  | { t: 'read'; key: string; at: number }
  /** The leader registered interest in these ids at `at`, under the session `session` (a digest). */
  | { t: 'registered'; ids: string[]; at: number; session?: string | undefined }
  /**
   * A presence the leader read (`at`: when the read was sent), or a confirmed set from any tab
   * (`at`: when it was confirmed). Answers are ordered by `at`, never by their timestamps.
   */
  | { t: 'presence'; key: string; presence: Presence; at?: number | undefined }
  /** The pod-wide listing the leader read at `at`: one message for all its users. */
  | { t: 'listing'; at: number; homeTenant?: number | undefined; presences: Presence[] }
  /** A read failed; followers show the same state. */
  | { t: 'error'; key: string; error: ErrorSummary }
  /** A new tab asks for what the others know. */
  | { t: 'hello'; tab: string }
  /** The leader's answer to `hello`, and its heartbeat. */
  | { t: 'state'; entries: SharedEntry[] }
  | { t: 'beat'; tab: string; at: number };

export interface ErrorSummary {
  kind: PresenceApiErrorKind;
  status: number;
  endpoint: string;
  code?: number | undefined;
  serverMessage?: string | undefined;
  retryAfterMs?: number | undefined;
}

export interface SharedEntry {
  key: string;
  presence?: Presence | undefined;
  lastReadAt?: number | undefined;
  /** When the read behind `presence` was sent. */
  seenAt?: number | undefined;
  registeredAt?: number | undefined;
  registeredSession?: string | undefined;
}

/** What other tabs need of an error to show the same state. */
export function summarizeError(error: PresenceApiError): ErrorSummary {
  return {
    kind: error.kind,
    status: error.status,
    endpoint: error.endpoint,
    code: error.code,
    serverMessage: error.serverMessage,
    retryAfterMs: error.retryAfterMs,
  };
}
