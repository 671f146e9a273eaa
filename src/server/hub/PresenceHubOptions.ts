import type { PresenceGuardStore } from '../PresenceGuardStore';
import type { PresenceHubStore } from './PresenceHubStore';

/** Options of `createPresenceHub`. */
export interface PresenceHubOptions {
  /** The pod's API base URL, e.g. `https://acme.symphony.com/pod`. */
  podUrl: string;
  /**
   * The pod session token of the user behind `request` (for an extension app: the user's
   * on-behalf-of session), as for `createPresenceProxy`. Return `undefined`, `null` or `''`
   * when the request has no user session: the hub answers 401.
   */
  getSessionToken(request: Request): string | null | undefined | Promise<string | null | undefined>;
  /**
   * Path the hub is mounted at: the stream is `GET {mountPath}/stream`, subscription changes
   * `POST {mountPath}/subscriptions`. Use `''` when the framework strips the mount path.
   * @default '/api/presence-hub'
   */
  mountPath?: string | undefined;
  /** Origin of the Symphony web client the app is framed in; accepted besides the app's own. */
  clientOrigin?: string | undefined;
  /**
   * Origins whose pages may use the hub besides the app's own (same rules as the proxy's).
   * @default [clientOrigin] when `clientOrigin` is set, else []
   */
  allowedOrigins?: readonly string[] | undefined;
  /**
   * Where nodes share leases, last known presence and fan-out. Several nodes need a shared one
   * (`createRedisHubStore`). @default createMemoryHubStore() (one node)
   */
  store?: PresenceHubStore | undefined;
  /**
   * Where the external-user rules are kept per session (the proxy's guard). Share it with the
   * proxy and with every node, so that a page falling back to polling through the proxy, or
   * reconnecting to another node, stays within Symphony's limits. @default createMemoryGuardStore()
   */
  guardStore?: PresenceGuardStore | undefined;
  /**
   * Read an internal user (same company as the viewer) once per interval for every viewer of
   * that company, with any of their sessions (SYM-RI-2: "Any user can see the presence of other
   * users of the same company"). `false` where that does not hold (information barriers): each
   * viewer's reads are then made with its own session and pushed to it alone.
   * @default true
   */
  shareInternal?: boolean | undefined;
  /** How often an internal user is read (once per interval across all nodes). @default 60000 */
  intervalMs?: number | undefined;
  /**
   * Shortest time between two reads of the same external user by one session; raised to
   * Symphony's 5 minutes (SYM-RI-6) when shorter. The hub adds 10 s to it, so that a node dying
   * mid-read cannot let another read a moment early. @default 300000
   */
  externalReadGapMs?: number | undefined;
  /** How long a registration of interest counts as live (SYM-RI-4: an hour). @default 3600000 */
  registrationTtlMs?: number | undefined;
  /** How long the last known presence is kept for new subscribers. @default 3600000 */
  cacheTtlMs?: number | undefined;
  /** Comment line sent on idle streams so proxies keep them open. @default 15000 */
  heartbeatMs?: number | undefined;
  /** Most users one stream may watch (413 above). @default 5000 */
  maxSubscriptionsPerStream?: number | undefined;
  /** Most open streams of one session on one node (429 above). @default 32 */
  maxStreamsPerSession?: number | undefined;
  /** Time the pod has to answer a read. @default 30000 */
  timeoutMs?: number | undefined;
  /** fetch used to call the pod. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /** Time source, ms since 1970. @default Date.now */
  now?: (() => number) | undefined;
  /**
   * Simulation only (benchmarks against the emulator with a clock running this many times
   * faster): every duration above, Symphony's 5 minutes and hour included, is divided by it.
   * Never set it against a real pod. @default 1
   */
  timeScale?: number | undefined;
  /** This node's name in leases and messages. @default random */
  nodeId?: string | undefined;
  /**
   * Called when the pod answers 401 for a stream's session: drop the cached token. The session's
   * streams are then closed (`closing` with reason `unauthorized`) and their pages reconnect.
   */
  onUnauthorized?: ((request: Request) => void | Promise<void>) | undefined;
  /** Failures viewers only see as a status (pod unreachable, store down), for the app's logs. */
  onError?: ((error: unknown, context: { during: string }) => void) | undefined;
}

/** Counters of one hub node. */
export interface PresenceHubStats {
  readonly nodeId: string;
  /** Open event streams. */
  readonly streams: number;
  /** Viewer sessions with a stream on this node. */
  readonly sessions: number;
  /** Users this node follows (per company for shared internal users, per session otherwise). */
  readonly watches: number;
  /** Pod requests this node made, by kind. */
  readonly reads: { readonly internal: number; readonly external: number; readonly registrations: number; readonly own: number };
  /** True while the shared store fails and the node serves its viewers from its own reads. */
  readonly degraded: boolean;
}

/** A running hub: its fetch handler, and how to stop it. */
export interface PresenceHub {
  /** A WHATWG fetch handler (Request → Response); mount it with `toNodeListener` or a framework's route. */
  readonly handle: (request: Request) => Promise<Response>;
  /** Ends every stream (pages reconnect, to another node if there is one) and stops reading. */
  close(): Promise<void>;
  stats(): PresenceHubStats;
}
