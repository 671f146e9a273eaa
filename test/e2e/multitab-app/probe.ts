/**
 * What the multi-tab fixture page exposes as `window.__pw`, for the Node-side test to read with
 * `page.evaluate`. Only plain data crosses, so every answer is JSON-safe.
 */
export interface MultiTabProbe {
  /** This tab's id in the coordinator, or `'local'` when the broadcast APIs were missing. */
  readonly tabId: string;
  /** Whether this tab currently holds the poller lock. */
  isLeader(): boolean;
  /** What this tab's engine shows for `id`. */
  state(id: string): ProbeState;
  /** The engine's counters plus the requests this tab itself sent. */
  stats(): ProbeStats;
}

/** One user's state in one tab. */
export interface ProbeState {
  category?: string | undefined;
  timestamp?: number | undefined;
  lastReadAt?: number | undefined;
  /** Error kind, when the last read failed. */
  error?: string | undefined;
}

/** Counters of one tab. */
export interface ProbeStats {
  entries: number;
  retained: number;
  registrations: number;
  remoteTabs: number;
  /** Presence reads this tab sent to the pod. */
  readsSent: number;
  /** Interest registrations this tab sent to the pod. */
  registersSent: number;
  /** Leadership changes seen by this tab, oldest first. */
  leadership: Array<{ leader: boolean; at: number }>;
}

declare global {
  interface Window {
    __pw?: MultiTabProbe;
  }
}
