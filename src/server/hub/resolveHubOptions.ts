import { randomBytes } from 'node:crypto';
import { EXTERNAL_READ_GAP_MS, INTEREST_TTL_MS } from '../../model';
import { normalizeOrigin } from '../crossSiteRefusal';
import type { PresenceHubOptions } from './PresenceHubOptions';

const DEFAULT_MOUNT_PATH = '/api/presence-hub';
const DEFAULT_INTERVAL_MS = 60_000;
/** The hub's own cache of last known presence: not a Symphony rule. */
const DEFAULT_CACHE_TTL_MS = 60 * 60_000;
const DEFAULT_HEARTBEAT_MS = 15_000;
const DEFAULT_TIMEOUT_MS = 30_000;
/** The hub's own cap on one stream, so a page cannot make a node follow unbounded users. */
const DEFAULT_MAX_SUBSCRIPTIONS_PER_STREAM = 5000;
const DEFAULT_MAX_STREAMS_PER_SESSION = 32;
/** How long a session's learned company is kept (as the proxy does). */
const TENANT_TTL_MS = 12 * 60 * 60_000;
/** Wait before a registration is tried again after a failure without Retry-After. */
const REGISTRATION_RETRY_MS = 5000;
const EXTERNAL_SAFETY_MARGIN_MS = 10_000;
// Registrations count as lapsed a minute early: the pod's hour started when it received them.
const REGISTRATION_MARGIN_MS = 60_000;

/** Options after defaults, checks and the simulation's time scale. */
export interface ResolvedHubOptions {
  readonly podBase: string;
  readonly mountPath: string;
  readonly scale: number;
  readonly intervalMs: number;
  /** Shortest time between two reads of one external user by one session, with the safety margin. */
  readonly gapMs: number;
  readonly registrationTtlMs: number;
  readonly registrationMarginMs: number;
  readonly registrationRetryMs: number;
  readonly cacheTtlMs: number;
  readonly heartbeatMs: number;
  readonly timeoutMs: number;
  readonly maxSubs: number;
  readonly maxStreamsPerSession: number;
  readonly tenantTtlMs: number;
  readonly shareInternal: boolean;
  readonly nodeId: string;
  readonly tickMs: number;
  readonly allowedOrigins: ReadonlySet<string>;
  /** A duration of the real world in the (possibly faster) simulated clock. */
  readonly scaled: (ms: number) => number;
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

/** Checks the options of `createPresenceHub` and fills in the defaults; throws on bad input. */
export function resolveHubOptions(options: PresenceHubOptions): ResolvedHubOptions {
  if (typeof options.getSessionToken !== 'function') throw new TypeError('createPresenceHub: getSessionToken is required');
  const podBase = normalizePodUrl(options.podUrl);
  const mountPath = (options.mountPath ?? DEFAULT_MOUNT_PATH).replace(/\/+$/, '');
  if (mountPath !== '' && !mountPath.startsWith('/')) throw new TypeError('createPresenceHub: mountPath must start with "/"');
  const scale = positive(options.timeScale, 1, 'timeScale');
  const scaled = (ms: number) => ms / scale;
  const intervalMs = scaled(positive(options.intervalMs, DEFAULT_INTERVAL_MS, 'intervalMs'));
  // The margin covers a node dying between the pod's handling of a read and its answer: the
  // claim then never restarts at the answer, and another node must not read a moment too early.
  const gapMs = scaled(
    Math.max(EXTERNAL_READ_GAP_MS, positive(options.externalReadGapMs, EXTERNAL_READ_GAP_MS, 'externalReadGapMs')) + EXTERNAL_SAFETY_MARGIN_MS,
  );
  const nodeId = options.nodeId ?? randomBytes(6).toString('base64url');
  if (nodeId.includes('.') || nodeId.includes(':')) throw new TypeError('createPresenceHub: nodeId must not contain "." or ":"');
  const allowedOrigins = new Set((options.allowedOrigins ?? []).map((o) => normalizeOrigin(o, 'allowedOrigins')));
  if (options.clientOrigin !== undefined) allowedOrigins.add(normalizeOrigin(options.clientOrigin, 'clientOrigin'));
  return {
    podBase,
    mountPath,
    scale,
    scaled,
    intervalMs,
    gapMs,
    registrationTtlMs: scaled(positive(options.registrationTtlMs, INTEREST_TTL_MS, 'registrationTtlMs')),
    registrationMarginMs: scaled(REGISTRATION_MARGIN_MS),
    registrationRetryMs: scaled(REGISTRATION_RETRY_MS),
    cacheTtlMs: scaled(positive(options.cacheTtlMs, DEFAULT_CACHE_TTL_MS, 'cacheTtlMs')),
    heartbeatMs: positive(options.heartbeatMs, DEFAULT_HEARTBEAT_MS, 'heartbeatMs'),
    timeoutMs: positive(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs'),
    maxSubs: Math.floor(positive(options.maxSubscriptionsPerStream, DEFAULT_MAX_SUBSCRIPTIONS_PER_STREAM, 'maxSubscriptionsPerStream')),
    maxStreamsPerSession: Math.floor(positive(options.maxStreamsPerSession, DEFAULT_MAX_STREAMS_PER_SESSION, 'maxStreamsPerSession')),
    tenantTtlMs: scaled(TENANT_TTL_MS),
    shareInternal: options.shareInternal !== false,
    nodeId,
    // Often enough that a read starts soon after its interval turns; never more than 4 a second.
    tickMs: Math.max(250 / scale, Math.min(1000, intervalMs / 8)),
    allowedOrigins,
  };
}
