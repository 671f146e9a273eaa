import type { Presence, UserId } from '../../model';
import type { PresenceGuardStore } from '../PresenceGuardStore';
import type { HubControlMessage, HubFailureWire, HubMessage } from './hubWire';
import type { PresenceHubOptions } from './PresenceHubOptions';
import type { PresenceHubStore } from './PresenceHubStore';
import type { ResolvedHubOptions } from './resolveHubOptions';

/** A viewer's pod session with at least one stream on this node. */
export interface Session {
  readonly key: string;
  readonly token: string;
  /** The request that opened the session's first stream, for `onUnauthorized`. */
  readonly request: Request;
  readonly tenant: number;
  readonly streams: Set<Stream>;
  /** External users waiting for a registration. */
  readonly pendingRegistration: Set<UserId>;
  registering: boolean;
  registrationRetryAt: number;
  dead: boolean;
}

/** One page's server-sent-events stream. */
export interface Stream {
  readonly id: string;
  readonly session: Session;
  readonly subs: Set<UserId>;
  readonly controller: ReadableStreamDefaultController<Uint8Array>;
  /** Presences waiting for the next frame, each already serialized (once for all its streams). */
  queuedPresence: string[];
  queuedFailures: HubFailureWire[];
  flushScheduled: boolean;
  closed: boolean;
}

/** A user followed for a company (shared internal reads) or for one session. */
export interface Watch {
  readonly key: string;
  /** `t:<tenant>` or `s:<session key>`. */
  readonly scope: string;
  readonly userId: UserId;
  readonly external: boolean;
  /** The viewers' company: the channel the node listens to for this watch. */
  readonly tenant: number;
  /** For per-session scopes: the session whose token reads. */
  readonly session: Session | undefined;
  readonly streams: Set<Stream>;
  readonly phase: number;
  /**
   * This watch's name in leases: asking again after a timeout finds its own lease, but a watch
   * made anew (a page reconnecting) does not take one this node already used.
   */
  readonly owner: string;
  last: Presence | undefined;
  askedAt: number | undefined;
  failure: HubFailureWire | undefined;
  lastEpoch: number;
  /** Earliest time of the next attempt (budget, Retry-After, back-off). */
  nextAt: number;
  failures: number;
  inflight: boolean;
  stopped: boolean;
  /** A 403 on an external read earned one fresh registration. */
  reregistered: boolean;
}

export type PodAnswer = { status: number; headers: Headers; text: string } | { error: unknown };

/** What a read learned: see `read` in createHubReads. */
export type ReadOutcome = 'done' | 'uncounted' | 'retry';

/**
 * The operations of a hub node, each defined in the file that answers its question and called
 * through the context, so that the files depend on this one and not on each other.
 */
export interface HubOperations {
  // createHubStorePolicy: failures and the store's outage
  report(error: unknown, during: string): void;
  storeFailed(error: unknown, during: string): void;
  storeAnswered(): void;
  takeLease(key: string, owner: string, t: number): Promise<boolean | 'later'>;
  releaseLease(key: string, owner: string): Promise<void>;
  // createHubStreams: the event streams
  startStream(session: Session, request: Request, initial: readonly UserId[]): Response;
  write(stream: Stream, text: string): void;
  queuePresence(stream: Stream, json: string): void;
  queueFailure(stream: Stream, failure: HubFailureWire): void;
  endStream(stream: Stream, reason: string): void;
  dropStream(stream: Stream): void;
  heartbeat(): void;
  // createHubSubscriptions: who watches what, and fan-out between nodes
  subscribe(stream: Stream, ids: readonly UserId[]): Promise<void>;
  unwatch(stream: Stream, userId: UserId): void;
  share(watch: Watch, message: HubMessage): Promise<void>;
  acquireTenantChannel(tenant: number): void;
  releaseTenantChannel(tenant: number): void;
  subscribeControl(): void;
  applyControl(message: HubControlMessage): Promise<boolean>;
  // createPodCaller: the pod and its sessions
  callPod(method: 'GET' | 'POST', path: string, token: string, body?: string): Promise<PodAnswer>;
  endSession(session: Session): Promise<void>;
  tenantOfSession(sessionKey: string, token: string): Promise<number | Response>;
  // createHubReads: reading on schedule
  attempt(watch: Watch): Promise<void>;
  read(watch: Watch, external: boolean): Promise<ReadOutcome>;
  backOff(watch: Watch, t: number, retryAfter?: number): void;
  // createExternalReads: per session, within the guard
  attemptExternal(watch: Watch, t: number): Promise<void>;
  flushRegistrations(session: Session, force?: boolean): Promise<void>;
}

/** One hub node's configuration, state and operations. */
export interface HubContext extends HubOperations {
  readonly options: PresenceHubOptions;
  readonly config: ResolvedHubOptions;
  readonly store: PresenceHubStore;
  readonly guard: PresenceGuardStore;
  readonly now: () => number;
  readonly streams: Map<string, Stream>;
  readonly sessions: Map<string, Session>;
  readonly watches: Map<string, Watch>;
  /** Channel subscriptions per viewer tenant: the unsubscribe function, or the pending attempt. */
  readonly tenantChannels: Map<number, { off: (() => Promise<void>) | undefined; pending: boolean }>;
  /** Leases this node took itself while the store was failing. */
  readonly localLeases: Map<string, number>;
  readonly tenantLookups: Map<string, Promise<number | Response>>;
  /**
   * When each session may next read each external user, kept past the watch (a page that
   * reconnects to this node makes a new one): the guard store holds the same, but not while
   * Redis is empty after a restart.
   */
  readonly externalDue: Map<string, number>;
  readonly counts: { internal: number; external: number; registrations: number; own: number };
  closed: boolean;
  /** True while the shared store fails and the node serves its viewers from its own reads. */
  degraded: boolean;
  storeFailingSince: number | undefined;
  controlOff: (() => Promise<void>) | undefined;
  controlPending: boolean;
  watchSerial: number;
}
