import { randomBytes } from 'node:crypto';
import {
  EXTERNAL_READ_GAP_MS,
  INTEREST_TTL_MS,
  isLaterAnswer,
  isSamePresence,
  makePresence,
  parseJsonLossless,
  parsePresence,
  parseUserId,
  tenantOf,
  type Presence,
  type UserId,
} from '../../model';
import { createMemoryGuardStore } from '../createMemoryGuardStore';
import { crossSiteRefusal, isJsonContentType, normalizeOrigin } from '../crossSiteRefusal';
import type { PresenceGuardStore } from '../PresenceGuardStore';
import { readLimited, TOO_LARGE } from '../readLimited';
import { sessionKeyOf } from '../sessionKeyOf';
import { createMemoryHubStore } from './createMemoryHubStore';
import {
  parseControlMessage,
  parseHubMessage,
  phaseOf,
  retryAfterMs,
  sseFrame,
  wireUserId,
  type HubControlMessage,
  type HubFailureWire,
  type HubMessage,
  type HubPresenceWire,
} from './hubWire';
import type { PresenceHubStore } from './PresenceHubStore';

/** Options of {@link createPresenceHub}. */
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
   * ({@link createRedisHubStore}). @default createMemoryHubStore() (one node)
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

const DEFAULT_MOUNT_PATH = '/api/presence-hub';
const LOCKED_DOWN = {
  'cache-control': 'private, no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
} as const;
const HEADER_VALUE = /^[\x21-\x7e]+$/;
/** A stream whose client reads slower than this much queued output is dropped (it reconnects). */
const MAX_QUEUED_BYTES = 1024 * 1024;
const MAX_BODY_BYTES = 256 * 1024;
const REGISTRATION_CHUNK = 1000;
const EXTERNAL_SAFETY_MARGIN_MS = 10_000;
// Registrations count as lapsed a minute early: the pod's hour started when it received them.
const REGISTRATION_MARGIN_MS = 60_000;
const encoder = new TextEncoder();

function problem(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ code: status, message }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...LOCKED_DOWN, ...headers },
  });
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`createPresenceHub: ${name} must be a positive number`);
  }
  return value;
}

function normalizePodUrl(podUrl: string): string {
  let url: URL;
  try {
    url = new URL(podUrl);
  } catch {
    throw new TypeError('createPresenceHub: podUrl must be an absolute http(s) URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username || url.password) {
    throw new TypeError('createPresenceHub: podUrl must be an http(s) URL without query, fragment or credentials');
  }
  return url.href.replace(/\/+$/, '');
}

interface Session {
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

interface Stream {
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

interface Watch {
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

type PodAnswer = { status: number; headers: Headers; text: string } | { error: unknown };

/**
 * Creates a presence hub: pages open one server-sent-events stream, say which users they show,
 * and receive their presence as it changes, while the pod is read once per interval per
 * internal user for all viewers of a company, and per viewer session, within Symphony's rules,
 * for external users. See docs/presence-hub.md.
 *
 * - `GET {mountPath}/stream[?ids=1,2]`: the stream (authenticated like the proxy: the same
 *   `getSessionToken`, the same cross-site refusal). Events: `ready` (`{stream, tenant, intervalMs,
 *   externalIntervalMs}`: `tenant` is the viewer's company), `presence` (an array of `{userId, category, timestamp, observedAt}`),
 *   `presence-error` (an array of `{userId, status, message}`), `closing` (`{reason}`).
 * - `POST {mountPath}/subscriptions` with `{stream, add?: ids, remove?: ids}`: changes what a
 *   stream watches without reconnecting; 202. Any node accepts it (it is relayed to the node
 *   holding the stream), so load balancers need no sticky sessions.
 *
 * @example
 * const hub = createPresenceHub({ podUrl: process.env.POD_URL!, getSessionToken: (req) => oboTokenFor(req) });
 * http.createServer(toNodeListener(hub.handle)).listen(8080);
 */
export function createPresenceHub(options: PresenceHubOptions): PresenceHub {
  if (typeof options.getSessionToken !== 'function') throw new TypeError('createPresenceHub: getSessionToken is required');
  const podBase = normalizePodUrl(options.podUrl);
  const mountPath = (options.mountPath ?? DEFAULT_MOUNT_PATH).replace(/\/+$/, '');
  if (mountPath !== '' && !mountPath.startsWith('/')) throw new TypeError('createPresenceHub: mountPath must start with "/"');
  const scale = positive(options.timeScale, 1, 'timeScale');
  const scaled = (ms: number) => ms / scale;
  const intervalMs = scaled(positive(options.intervalMs, 60_000, 'intervalMs'));
  // The margin covers a node dying between the pod's handling of a read and its answer: the
  // claim then never restarts at the answer, and another node must not read a moment too early.
  const gapMs = scaled(
    Math.max(EXTERNAL_READ_GAP_MS, positive(options.externalReadGapMs, EXTERNAL_READ_GAP_MS, 'externalReadGapMs')) + EXTERNAL_SAFETY_MARGIN_MS,
  );
  const registrationTtlMs = scaled(positive(options.registrationTtlMs, INTEREST_TTL_MS, 'registrationTtlMs'));
  const registrationMarginMs = scaled(REGISTRATION_MARGIN_MS);
  const cacheTtlMs = scaled(positive(options.cacheTtlMs, 60 * 60_000, 'cacheTtlMs'));
  const heartbeatMs = positive(options.heartbeatMs, 15_000, 'heartbeatMs');
  const timeoutMs = positive(options.timeoutMs, 30_000, 'timeoutMs');
  const maxSubs = Math.floor(positive(options.maxSubscriptionsPerStream, 5000, 'maxSubscriptionsPerStream'));
  const maxStreamsPerSession = Math.floor(positive(options.maxStreamsPerSession, 32, 'maxStreamsPerSession'));
  const tenantTtlMs = scaled(12 * 60 * 60_000);
  const shareInternal = options.shareInternal !== false;
  const store = options.store ?? createMemoryHubStore();
  const guard = options.guardStore ?? createMemoryGuardStore();
  const now = options.now ?? Date.now;
  const fetchImpl = () => options.fetch ?? globalThis.fetch;
  const nodeId = options.nodeId ?? randomBytes(6).toString('base64url');
  if (nodeId.includes('.') || nodeId.includes(':')) throw new TypeError('createPresenceHub: nodeId must not contain "." or ":"');
  // Often enough that a read starts soon after its interval turns; never more than 4 a second.
  const tickMs = Math.max(250 / scale, Math.min(1000, intervalMs / 8));
  const allowedOrigins = new Set((options.allowedOrigins ?? []).map((o) => normalizeOrigin(o, 'allowedOrigins')));
  if (options.clientOrigin !== undefined) allowedOrigins.add(normalizeOrigin(options.clientOrigin, 'clientOrigin'));

  const streams = new Map<string, Stream>();
  const sessions = new Map<string, Session>();
  const watches = new Map<string, Watch>();
  /** Channel subscriptions per viewer tenant: the unsubscribe function, or the pending attempt. */
  const tenantChannels = new Map<number, { off: (() => Promise<void>) | undefined; pending: boolean }>();
  /** Leases this node took itself while the store was failing. */
  const localLeases = new Map<string, number>();
  const tenantLookups = new Map<string, Promise<number | Response>>();
  /**
   * When each session may next read each external user, kept past the watch (a page that
   * reconnects to this node makes a new one): the guard store holds the same, but not while
   * Redis is empty after a restart.
   */
  const externalDue = new Map<string, number>();
  const counts = { internal: 0, external: 0, registrations: 0, own: 0 };
  let degraded = false;
  let watchSerial = 0;
  /** When the store's current run of failures began. */
  let storeFailingSince: number | undefined;
  let closed = false;
  let controlOff: (() => Promise<void>) | undefined;

  function report(error: unknown, during: string): void {
    // Reads still in flight when the hub closed fail as the app shuts the pod connection: noise.
    if (closed) return;
    try {
      options.onError?.(error, { during });
    } catch {
      // A failing logger must not break the hub.
    }
  }

  function storeFailed(error: unknown, during: string): void {
    if (!degraded) report(error, `store: ${during}`);
    degraded = true;
  }

  function storeAnswered(): void {
    degraded = false;
    storeFailingSince = undefined;
  }

  // ------------------------------------------------------------------ streams

  function write(stream: Stream, text: string): void {
    if (stream.closed) return;
    try {
      stream.controller.enqueue(encoder.encode(text));
      // A client that does not read would make the node hold its backlog: it is dropped, and
      // its page reconnects and gets a fresh snapshot.
      if ((stream.controller.desiredSize ?? 0) < -MAX_QUEUED_BYTES) endStream(stream, 'too-slow');
    } catch {
      dropStream(stream);
    }
  }

  function queuePresence(stream: Stream, json: string): void {
    stream.queuedPresence.push(json);
    scheduleFlush(stream);
  }

  function queueFailure(stream: Stream, failure: HubFailureWire): void {
    stream.queuedFailures.push(failure);
    scheduleFlush(stream);
  }

  /** Everything that changed in one turn goes out as one frame per kind: a snapshot is one write. */
  function scheduleFlush(stream: Stream): void {
    if (stream.flushScheduled) return;
    stream.flushScheduled = true;
    queueMicrotask(() => {
      stream.flushScheduled = false;
      if (stream.closed) return;
      if (stream.queuedPresence.length > 0) write(stream, `event: presence\ndata: [${stream.queuedPresence.splice(0).join(',')}]\n\n`);
      if (stream.queuedFailures.length > 0) write(stream, sseFrame('presence-error', stream.queuedFailures.splice(0)));
    });
  }

  function endStream(stream: Stream, reason: string): void {
    if (stream.closed) return;
    write(stream, sseFrame('closing', { reason }));
    try {
      stream.controller.close();
    } catch {
      // Already closed by the client.
    }
    dropStream(stream);
  }

  /** Forgets a stream and everything only it needed. */
  function dropStream(stream: Stream): void {
    if (stream.closed) return;
    stream.closed = true;
    streams.delete(stream.id);
    for (const userId of stream.subs) unwatch(stream, userId);
    stream.subs.clear();
    const session = stream.session;
    session.streams.delete(stream);
    if (session.streams.size === 0 && sessions.get(session.key) === session) {
      sessions.delete(session.key);
      releaseTenantChannel(session.tenant);
    }
  }

  // ------------------------------------------------------------------ watches

  function scopeOf(session: Session, userId: UserId): { scope: string; external: boolean } {
    const external = tenantOf(userId) !== session.tenant;
    return { scope: !external && shareInternal ? `t:${session.tenant}` : `s:${session.key}`, external };
  }

  const cacheKey = (watch: Watch) => `last:${watch.scope}:${watch.userId}`;

  /** Adds users to a stream; sends what is known at once, and reads what nobody has read yet. */
  async function subscribe(stream: Stream, ids: readonly UserId[]): Promise<void> {
    const fresh: Watch[] = [];
    for (const userId of ids) {
      if (stream.closed || stream.subs.has(userId) || stream.subs.size >= maxSubs) continue;
      const { scope, external } = scopeOf(stream.session, userId);
      const key = `${scope}|${userId}`;
      let watch = watches.get(key);
      if (!watch) {
        watch = {
          key,
          scope,
          userId,
          external,
          tenant: stream.session.tenant,
          session: scope.startsWith('s:') ? stream.session : undefined,
          streams: new Set(),
          phase: phaseOf(userId, intervalMs),
          owner: `${nodeId}#${(watchSerial += 1)}`,
          last: undefined,
          askedAt: undefined,
          failure: undefined,
          lastEpoch: -Infinity,
          nextAt: 0,
          failures: 0,
          inflight: false,
          stopped: false,
          reregistered: false,
        };
        if (external) watch.nextAt = externalDue.get(key) ?? 0;
        watches.set(key, watch);
        fresh.push(watch);
      }
      watch.streams.add(stream);
      // The watch's copy of the id: a thousand pages watching a user hold one string.
      stream.subs.add(watch.userId);
      if (watch.last) queuePresence(stream, JSON.stringify(wireOf(watch.last, watch.askedAt ?? now())));
      else if (watch.failure) queueFailure(stream, watch.failure);
    }
    if (fresh.length === 0) return;
    // The last known presence, read by any node, before anything is read again.
    try {
      const cached = await store.getMany(fresh.map(cacheKey));
      storeAnswered();
      fresh.forEach((watch, i) => {
        const message = cached[i] ? parseHubMessage(cached[i]) : undefined;
        if (message && message.u === watch.userId) apply(watch, message);
      });
    } catch (error) {
      storeFailed(error, 'cache read');
    }
    for (const watch of fresh) if (watches.get(watch.key) === watch) void attempt(watch);
  }

  function unwatch(stream: Stream, userId: UserId): void {
    const { scope } = scopeOf(stream.session, userId);
    const key = `${scope}|${userId}`;
    const watch = watches.get(key);
    if (!watch) return;
    watch.streams.delete(stream);
    if (watch.streams.size === 0) watches.delete(key);
  }

  function wireOf(presence: Presence, askedAt: number): HubPresenceWire {
    return { userId: presence.userId, category: presence.category, timestamp: presence.timestamp, observedAt: askedAt };
  }

  /** Takes a read's outcome (this node's or another's) and pushes what changed to the watch's streams. */
  function apply(watch: Watch, message: HubMessage): void {
    if (!isLaterAnswer(watch.askedAt, message.a)) return;
    if (message.p) {
      const presence = makePresence(watch.userId, message.p.category, message.p.timestamp);
      const hadFailure = watch.failure !== undefined;
      watch.askedAt = message.a;
      watch.failure = undefined;
      if (!hadFailure && isSamePresence(watch.last, presence)) return;
      watch.last = presence;
      // Serialized once, however many pages watch this user.
      const json = JSON.stringify(wireOf(presence, message.a));
      for (const stream of watch.streams) queuePresence(stream, json);
    } else if (message.e) {
      watch.askedAt = message.a;
      watch.failure = { userId: watch.userId, status: message.e.status, message: message.e.message };
      watch.last = undefined;
      for (const stream of watch.streams) queueFailure(stream, watch.failure);
    }
  }

  /** Applies a read here, keeps it for new subscribers and tells the other nodes. */
  async function share(watch: Watch, message: HubMessage): Promise<void> {
    apply(watch, message);
    const text = JSON.stringify(message);
    try {
      await Promise.all([store.publish(`t:${watch.tenant}`, text), store.set(cacheKey(watch), text, cacheTtlMs)]);
      storeAnswered();
    } catch (error) {
      storeFailed(error, 'publish');
    }
  }

  function onMessage(text: string): void {
    const message = parseHubMessage(text);
    if (!message || message.n === nodeId) return;
    const watch = watches.get(`${message.w}|${message.u}`);
    if (watch) apply(watch, message);
  }

  function acquireTenantChannel(tenant: number): void {
    const entry = tenantChannels.get(tenant);
    if (entry && (entry.off || entry.pending)) return;
    const record = entry ?? { off: undefined, pending: false };
    tenantChannels.set(tenant, record);
    record.pending = true;
    store.subscribe(`t:${tenant}`, onMessage).then(
      (off) => {
        record.pending = false;
        if (tenantChannels.get(tenant) !== record || closed) void off().catch(() => undefined);
        else record.off = off;
      },
      (error: unknown) => {
        // Tried again on the next tick: until then the node's own reads serve its viewers.
        record.pending = false;
        storeFailed(error, 'subscribe');
      },
    );
  }

  function releaseTenantChannel(tenant: number): void {
    for (const s of sessions.values()) if (s.tenant === tenant) return;
    const record = tenantChannels.get(tenant);
    tenantChannels.delete(tenant);
    if (record?.off) void record.off().catch(() => undefined);
  }

  // ------------------------------------------------------------------ pod calls

  async function callPod(method: 'GET' | 'POST', path: string, token: string, body?: string): Promise<PodAnswer> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException('The pod did not answer in time', 'TimeoutError')), timeoutMs);
    try {
      const headers = new Headers({ accept: 'application/json', sessionToken: token });
      if (body !== undefined) headers.set('content-type', 'application/json');
      const response = await fetchImpl()(`${podBase}${path}`, { method, headers, body, redirect: 'error', signal: controller.signal });
      const bytes = await readLimited(response.body, 8 * 1024 * 1024);
      if (bytes === TOO_LARGE) return { error: new Error('The pod answer was too large') };
      return { status: response.status, headers: response.headers, text: new TextDecoder().decode(bytes) };
    } catch (error) {
      return { error };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * After a 401 the session is over: the app drops its cached token, and the session's pages
   * are told to reconnect, which opens a new session (with its own registrations and budget,
   * SYM-RI-8) under the token `getSessionToken` gives then.
   */
  async function endSession(session: Session): Promise<void> {
    if (session.dead) return;
    session.dead = true;
    try {
      await options.onUnauthorized?.(session.request);
    } catch (error) {
      report(error, 'onUnauthorized');
    }
    for (const stream of [...session.streams]) endStream(stream, 'unauthorized');
  }

  /** The session user's company: from the guard's cache, or one own-presence read. */
  async function tenantOfSession(sessionKey: string, token: string): Promise<number | Response> {
    const cached = await guard.getTenant(sessionKey, now());
    if (cached !== undefined) return cached;
    let pending = tenantLookups.get(sessionKey);
    if (!pending) {
      pending = (async (): Promise<number | Response> => {
        counts.own += 1;
        const answer = await callPod('GET', '/v2/user/presence', token);
        if ('error' in answer) {
          report(answer.error, 'own presence');
          return problem(502, 'The pod could not be reached');
        }
        if (answer.status === 401) return problem(401, 'The Symphony session was refused');
        if (answer.status < 200 || answer.status > 299) return problem(502, `The pod refused the session (HTTP ${answer.status})`);
        const body = parseJsonText(answer.text);
        const userId = parseUserId(typeof body === 'object' && body !== null ? (body as { userId?: unknown }).userId : undefined);
        if (!userId) return problem(502, "Could not tell the session user's company from the pod's answer");
        const tenant = tenantOf(userId);
        await guard.setTenant(sessionKey, tenant, now(), tenantTtlMs).catch((error: unknown) => report(error, 'guard'));
        return tenant;
      })().finally(() => tenantLookups.delete(sessionKey));
      tenantLookups.set(sessionKey, pending);
    }
    return pending;
  }

  function parseJsonText(text: string): unknown {
    try {
      return parseJsonLossless(text);
    } catch {
      return undefined;
    }
  }

  // ------------------------------------------------------------------ reading

  const epochOf = (watch: Watch, t: number) => Math.floor((t + watch.phase) / intervalMs);

  /** Sessions on this node that may read the watch, the most recently opened first. */
  function readersOf(watch: Watch): Session[] {
    if (watch.session) return watch.session.dead ? [] : [watch.session];
    const out: Session[] = [];
    for (const s of sessions.values()) if (s.tenant === watch.tenant && !s.dead) out.push(s);
    return out.reverse();
  }

  /** True: read; false: another node holds it; 'later': the store did not answer, ask again. */
  async function takeLease(key: string, owner: string, t: number): Promise<boolean | 'later'> {
    try {
      const ok = await store.takeLease(key, owner, intervalMs * 2);
      storeAnswered();
      return ok;
    } catch (error) {
      storeFailed(error, 'lease');
      // A slow answer (a busy node, a Redis hiccup) is asked again on the next tick: reading
      // now could double another node's read. Only a store that has failed for a whole interval
      // is given up on: each node then reads for its own viewers, at most once per node per
      // interval, so viewers keep their updates while Redis is away.
      storeFailingSince ??= t;
      if (t - storeFailingSince < intervalMs) return 'later';
      for (const [k, until] of localLeases) if (until <= t) localLeases.delete(k);
      if (localLeases.has(key)) return false;
      localLeases.set(key, t + intervalMs * 2);
      return true;
    }
  }

  async function releaseLease(key: string, owner: string): Promise<void> {
    localLeases.delete(key);
    await store.releaseLease(key, owner).catch((error: unknown) => storeFailed(error, 'lease release'));
  }

  function backOff(watch: Watch, t: number, retryAfter?: number): void {
    watch.failures += 1;
    const delay = retryAfter ?? Math.min(intervalMs, scaled(1000) * 2 ** Math.min(watch.failures, 10));
    watch.nextAt = t + delay;
  }

  /** One step of a watch: reads it when its interval (or budget) allows and this node gets the lease. */
  async function attempt(watch: Watch): Promise<void> {
    if (closed || watch.inflight || watch.stopped || watch.streams.size === 0) return;
    const t = now();
    if (t < watch.nextAt) return;
    watch.inflight = true;
    try {
      if (watch.external) await attemptExternal(watch, t);
      else await attemptInternal(watch, t);
    } catch (error) {
      report(error, 'read');
      backOff(watch, now());
    } finally {
      watch.inflight = false;
    }
  }

  async function attemptInternal(watch: Watch, t: number): Promise<void> {
    const epoch = epochOf(watch, t);
    if (epoch <= watch.lastEpoch) return;
    watch.lastEpoch = epoch;
    const lease = `lease:${watch.scope}:${watch.userId}:${epoch}`;
    const taken = await takeLease(lease, watch.owner, t);
    if (taken === 'later') {
      watch.lastEpoch = epoch - 1;
      return;
    }
    if (!taken) return;
    const outcome = await read(watch, false);
    if (outcome === 'retry') {
      // Nobody read it: give the interval back so this node or another tries again soon.
      watch.lastEpoch = epoch - 1;
      await releaseLease(lease, watch.owner);
    }
  }

  async function attemptExternal(watch: Watch, t: number): Promise<void> {
    const session = watch.session as Session;
    if (!(await guard.isRegistered(session.key, watch.userId, t))) {
      session.pendingRegistration.add(watch.userId);
      void flushRegistrations(session);
      return;
    }
    const claim = await guard.claimRead(session.key, watch.userId, t, gapMs);
    if (!claim.ok) {
      // Another node, or the proxy, read for this session: its result arrives by message.
      watch.nextAt = t + claim.retryAfterMs;
      externalDue.set(watch.key, watch.nextAt);
      return;
    }
    const outcome = await read(watch, true);
    if (outcome === 'uncounted') {
      await guard.releaseRead(session.key, watch.userId, claim.claimId).catch((error: unknown) => report(error, 'guard'));
    } else {
      // The pod counts the read when it handles it: the gap restarts now (as in the proxy).
      await guard.renewRead(session.key, watch.userId, claim.claimId, now(), gapMs).catch((error: unknown) => report(error, 'guard'));
      watch.nextAt = outcome !== 'retry' ? now() + gapMs : Math.max(watch.nextAt, now() + gapMs);
      externalDue.set(watch.key, watch.nextAt);
    }
  }

  /**
   * Reads a watch's user with one of its sessions. 'done' when the pod answered (presence or a
   * final refusal), 'uncounted' when the pod refused before reading (the budget is given back),
   * 'retry' when nothing was learned.
   */
  async function read(watch: Watch, external: boolean): Promise<'done' | 'uncounted' | 'retry'> {
    for (const session of readersOf(watch)) {
      const askedAt = now();
      if (external) counts.external += 1;
      else counts.internal += 1;
      const answer = await callPod('GET', `/v3/user/${watch.userId}/presence`, session.token);
      if ('error' in answer) {
        report(answer.error, 'read');
        backOff(watch, now());
        return 'retry';
      }
      const { status } = answer;
      if (status >= 200 && status <= 299) {
        const parsed = parsePresence(parseJsonText(answer.text), watch.userId);
        if (!parsed.ok || parsed.value.userId !== watch.userId) {
          report(new Error(`The pod's presence answer was unusable: ${parsed.ok ? 'another user' : parsed.reason}`), 'read');
          backOff(watch, now());
          return 'retry';
        }
        watch.failures = 0;
        watch.reregistered = false;
        const { category, timestamp } = parsed.value;
        await share(watch, { n: nodeId, w: watch.scope, u: watch.userId, p: { category, timestamp }, a: askedAt });
        return 'done';
      }
      if (status === 401) {
        // This session ended; another viewer of the company may still read.
        await endSession(session);
        continue;
      }
      if (status === 403 && external && !watch.reregistered) {
        // A lapsed or lost registration reads 403 too: register once more before giving up.
        watch.reregistered = true;
        session.pendingRegistration.add(watch.userId);
        void flushRegistrations(session, true);
        return 'uncounted';
      }
      if (status === 403 || status === 404) {
        watch.stopped = true;
        const message = status === 404 ? 'No such user' : 'The pod refused to show this user';
        await share(watch, { n: nodeId, w: watch.scope, u: watch.userId, e: { status, message }, a: askedAt });
        return 'uncounted';
      }
      const now429 = now();
      backOff(watch, now429, status === 429 ? retryAfterMs(answer.headers.get('retry-after'), now429) : undefined);
      return status === 400 ? 'uncounted' : 'retry';
    }
    // No session on this node can read it any more.
    backOff(watch, now());
    return 'retry';
  }

  async function flushRegistrations(session: Session, force = false): Promise<void> {
    if (session.registering || session.dead || closed) return;
    if (now() < session.registrationRetryAt) return;
    session.registering = true;
    try {
      const t = now();
      const ids: UserId[] = [];
      for (const id of session.pendingRegistration) {
        if (force || !(await guard.isRegistered(session.key, id, t))) ids.push(id);
      }
      session.pendingRegistration.clear();
      for (let i = 0; i < ids.length; i += REGISTRATION_CHUNK) await register(session, ids.slice(i, i + REGISTRATION_CHUNK));
    } catch (error) {
      report(error, 'register');
    } finally {
      session.registering = false;
    }
    // Due reads of freshly registered users go now rather than at the next tick.
    for (const watch of watches.values()) if (watch.session === session && watch.external) void attempt(watch);
  }

  async function register(session: Session, ids: UserId[]): Promise<void> {
    if (ids.length === 0) return;
    const slot = await guard.takeRegistration(session.key, now(), 300, 60_000);
    if (!slot.ok) {
      session.registrationRetryAt = now() + slot.retryAfterMs;
      for (const id of ids) session.pendingRegistration.add(id);
      return;
    }
    const sentAt = now();
    counts.registrations += 1;
    const answer = await callPod('POST', '/v1/user/presence/register', session.token, `[${ids.join(',')}]`);
    if ('error' in answer) {
      report(answer.error, 'register');
      session.registrationRetryAt = now() + scaled(5000);
      for (const id of ids) session.pendingRegistration.add(id);
      return;
    }
    if (answer.status >= 200 && answer.status <= 299) {
      const remaining = registrationTtlMs - registrationMarginMs - Math.max(0, now() - sentAt);
      if (remaining > 0) await guard.recordRegistration(session.key, ids, now(), remaining);
      return;
    }
    if (answer.status === 401) {
      await endSession(session);
      return;
    }
    if ((answer.status === 404 || answer.status === 400) && ids.length > 1) {
      // One unknown id fails the whole list: halve it so the others still get registered.
      const half = Math.ceil(ids.length / 2);
      await register(session, ids.slice(0, half));
      await register(session, ids.slice(half));
      return;
    }
    if (answer.status === 404 || answer.status === 403 || answer.status === 400) {
      for (const id of ids) {
        const watch = watches.get(`s:${session.key}|${id}`);
        if (!watch) continue;
        watch.stopped = true;
        const message = answer.status === 404 ? 'No such user' : 'The pod refused to register interest in this user';
        await share(watch, { n: nodeId, w: watch.scope, u: id, e: { status: answer.status, message }, a: sentAt });
      }
      return;
    }
    session.registrationRetryAt = now() + (retryAfterMs(answer.headers.get('retry-after'), now()) ?? scaled(5000));
    for (const id of ids) session.pendingRegistration.add(id);
  }

  function tick(): void {
    if (closed) return;
    const t = now();
    for (const [key, due] of externalDue) if (due <= t) externalDue.delete(key);
    for (const tenant of new Set([...sessions.values()].map((s) => s.tenant))) acquireTenantChannel(tenant);
    if (!controlOff) subscribeControl();
    for (const session of sessions.values()) if (session.pendingRegistration.size > 0) void flushRegistrations(session);
    for (const watch of watches.values()) void attempt(watch);
  }

  function heartbeat(): void {
    for (const stream of streams.values()) write(stream, ': keep-alive\n\n');
  }

  // ------------------------------------------------------------------ subscription changes from other nodes

  let controlPending = false;
  function subscribeControl(): void {
    if (controlPending || controlOff || closed) return;
    controlPending = true;
    store.subscribe(`node:${nodeId}`, (text) => {
      const message = parseControlMessage(text);
      if (message) void applyControl(message);
    }).then(
      (off) => {
        controlPending = false;
        if (closed) void off().catch(() => undefined);
        else controlOff = off;
      },
      (error: unknown) => {
        controlPending = false;
        storeFailed(error, 'subscribe');
      },
    );
  }

  async function applyControl(message: HubControlMessage): Promise<boolean> {
    const stream = streams.get(message.stream);
    if (!stream || stream.session.key !== message.sk) return false;
    for (const id of message.remove) {
      if (stream.subs.delete(id)) unwatch(stream, id);
    }
    await subscribe(stream, message.add);
    return true;
  }

  // ------------------------------------------------------------------ HTTP

  async function authenticate(request: Request): Promise<{ token: string; key: string } | Response> {
    let token: string | null | undefined;
    try {
      token = await options.getSessionToken(request);
    } catch (error) {
      report(error, 'getSessionToken');
      return problem(503, 'Could not obtain a Symphony session for this request');
    }
    if (token === undefined || token === null || token === '') return problem(401, 'No Symphony session for this request');
    if (typeof token !== 'string' || !HEADER_VALUE.test(token)) {
      report(new TypeError('getSessionToken returned something that is not a usable header value'), 'getSessionToken');
      return problem(500, 'Unusable Symphony session');
    }
    return { token, key: sessionKeyOf(token) };
  }

  function parseIds(values: readonly unknown[]): UserId[] | string {
    const out: UserId[] = [];
    for (const value of values) {
      const id = wireUserId(value);
      if (!id) return 'User ids must be positive 64-bit integers (as strings when above 2^53)';
      out.push(id);
    }
    return out;
  }

  async function openStream(request: Request, url: URL): Promise<Response> {
    const rawIds = url.searchParams.get('ids');
    const initial = rawIds === null || rawIds === '' ? [] : parseIds(rawIds.split(','));
    if (typeof initial === 'string') return problem(400, initial);
    if (initial.length > maxSubs) return problem(413, `At most ${maxSubs} users per stream`);
    const auth = await authenticate(request);
    if (auth instanceof Response) return auth;
    let tenant: number | Response;
    try {
      tenant = await tenantOfSession(auth.key, auth.token);
    } catch (error) {
      report(error, 'guard');
      return problem(503, 'Presence hub store unavailable', { 'retry-after': '5' });
    }
    if (tenant instanceof Response) return tenant;
    if (closed) return problem(503, 'The presence hub is shutting down', { 'retry-after': '1' });
    let session = sessions.get(auth.key);
    if (session && session.streams.size >= maxStreamsPerSession) {
      return problem(429, `At most ${maxStreamsPerSession} streams per session`, { 'retry-after': '30' });
    }
    if (!session || session.dead) {
      session = {
        key: auth.key,
        token: auth.token,
        request,
        tenant,
        streams: new Set(),
        pendingRegistration: new Set(),
        registering: false,
        registrationRetryAt: 0,
        dead: false,
      };
      sessions.set(auth.key, session);
      acquireTenantChannel(tenant);
    }
    const owner = session;
    const id = `${nodeId}.${randomBytes(12).toString('base64url')}`;
    let stream: Stream | undefined;
    const body = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          stream = {
            id,
            session: owner,
            subs: new Set(),
            controller,
            queuedPresence: [],
            queuedFailures: [],
            flushScheduled: false,
            closed: false,
          };
          streams.set(id, stream);
          owner.streams.add(stream);
          controller.enqueue(
            encoder.encode(
              `retry: 2000\n${sseFrame('ready', { stream: id, tenant: owner.tenant, intervalMs: intervalMs * scale, externalIntervalMs: Math.round(gapMs * scale) })}`,
            ),
          );
        },
        cancel() {
          if (stream) dropStream(stream);
        },
      },
      // Counted in bytes, so that `desiredSize` tells how much a slow client left unread.
      { highWaterMark: 0, size: (chunk) => chunk.byteLength },
    );
    const created = stream as Stream | undefined;
    if (!created) return problem(500, 'Stream could not be opened');
    request.signal.addEventListener('abort', () => dropStream(created), { once: true });
    if (initial.length > 0) void subscribe(created, initial).catch((error: unknown) => report(error, 'subscribe'));
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'x-accel-buffering': 'no',
        ...LOCKED_DOWN,
      },
    });
  }

  async function changeSubscriptions(request: Request): Promise<Response> {
    if (!isJsonContentType(request.headers.get('content-type'))) {
      await request.body?.cancel().catch(() => undefined);
      return problem(415, 'Content-Type must be application/json');
    }
    const bytes = await readLimited(request.body, MAX_BODY_BYTES).catch((): typeof TOO_LARGE => TOO_LARGE);
    if (bytes === TOO_LARGE) return problem(413, 'Request body too large');
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      return problem(400, 'Body must be JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return problem(400, 'Body must be a JSON object');
    const { stream: streamId, add = [], remove = [] } = body as { stream?: unknown; add?: unknown; remove?: unknown };
    if (typeof streamId !== 'string' || !/^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,64}$/.test(streamId)) {
      return problem(400, 'Body must name the "stream" from the ready event');
    }
    if (!Array.isArray(add) || !Array.isArray(remove)) return problem(400, '"add" and "remove" must be arrays of user ids');
    if (add.length > maxSubs || remove.length > maxSubs) return problem(413, `At most ${maxSubs} users per stream`);
    const addIds = parseIds(add);
    const removeIds = parseIds(remove);
    if (typeof addIds === 'string') return problem(400, addIds);
    if (typeof removeIds === 'string') return problem(400, removeIds);
    const auth = await authenticate(request);
    if (auth instanceof Response) return auth;
    const message: HubControlMessage = { stream: streamId, sk: auth.key, add: addIds, remove: removeIds };
    const owner = streamId.slice(0, streamId.indexOf('.'));
    if (owner === nodeId) {
      const local = streams.get(streamId);
      if (!local) return problem(404, 'No such stream: open a new one');
      if (local.session.key !== auth.key) return problem(403, 'The stream belongs to another session');
      const after = new Set(local.subs);
      for (const i of removeIds) after.delete(i);
      for (const i of addIds) after.add(i);
      if (after.size > maxSubs) return problem(413, `At most ${maxSubs} users per stream`);
      await applyControl(message);
      return new Response(null, { status: 204, headers: LOCKED_DOWN });
    }
    // Held by another node: relayed through the store; a stream that ended makes its page reconnect anyway.
    try {
      await store.publish(`node:${owner}`, JSON.stringify(message));
    } catch (error) {
      storeFailed(error, 'relay');
      return problem(503, 'Presence hub store unavailable', { 'retry-after': '2' });
    }
    return new Response(null, { status: 202, headers: LOCKED_DOWN });
  }

  async function handle(request: Request): Promise<Response> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return problem(404, 'Not found');
    }
    const path = url.pathname;
    if (mountPath !== '' && !path.startsWith(`${mountPath}/`)) return problem(404, 'Not found');
    const route = path.slice(mountPath.length);
    const method = request.method.toUpperCase();
    if (route !== '/stream' && route !== '/subscriptions') return problem(404, 'Not found');
    const allowed = route === '/stream' ? 'GET' : 'POST';
    if (method !== allowed) return problem(405, 'Method not allowed', { allow: allowed });
    // Before anything is read or spent: a page of another site must not act as the user.
    const refusal = crossSiteRefusal(request, url, allowedOrigins);
    if (refusal !== undefined) return problem(403, refusal);
    return route === '/stream' ? openStream(request, url) : changeSubscriptions(request);
  }

  const tickTimer = setInterval(tick, tickMs);
  const heartbeatTimer = setInterval(heartbeat, heartbeatMs);
  // Timers of a hub must not keep a process alive that has nothing else to do.
  (tickTimer as { unref?: () => void }).unref?.();
  (heartbeatTimer as { unref?: () => void }).unref?.();
  subscribeControl();

  return {
    handle: async (request) => {
      try {
        return await handle(request);
      } catch (error) {
        report(error, 'request');
        return problem(500, 'Presence hub failed');
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(tickTimer);
      clearInterval(heartbeatTimer);
      for (const stream of [...streams.values()]) endStream(stream, 'shutdown');
      const offs = [...tenantChannels.values()].map((r) => r.off).filter((off) => off !== undefined);
      tenantChannels.clear();
      if (controlOff) offs.push(controlOff);
      controlOff = undefined;
      await Promise.all(offs.map((off) => off().catch(() => undefined)));
    },
    stats: () => ({
      nodeId,
      streams: streams.size,
      sessions: sessions.size,
      watches: watches.size,
      reads: { ...counts },
      degraded,
    }),
  };
}
