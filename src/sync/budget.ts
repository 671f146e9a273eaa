/**
 * Symphony's read budget as pure decisions: who is external, how far apart reads must be, and
 * when the next one may go. The engine's parts ask these functions; none keeps its own rule.
 * (How long to wait after a fault is `retryDelay` in ./options.)
 */
import { EXTERNAL_READ_GAP_MS, tenantOf, type UserId } from '../model';
import type { ResolvedSyncOptions } from './options';

/** What decides whether a user counts as external. */
export interface ExternalRules {
  /** `false` for sources without Symphony's external limits (Graph, batch sources). */
  externalLimits?: boolean | undefined;
  isExternal?: ((userId: UserId) => boolean) | undefined;
  /** The requesting user's tenant; `undefined` until learned. */
  selfTenant: number | undefined;
}

/**
 * Whether `id` is of another company than the requesting user: `undefined` while the requesting
 * user's tenant is unknown (callers then take the safe side).
 */
export function isExternalUser(id: UserId, rules: ExternalRules): boolean | undefined {
  if (rules.externalLimits === false) return false;
  if (rules.isExternal) return rules.isExternal(id);
  if (rules.selfTenant === undefined) return undefined;
  return tenantOf(id) !== rules.selfTenant;
}

type GapOptions = Pick<ResolvedSyncOptions, 'externalIntervalMs' | 'externalSafetyMarginMs'>;

/** The least time between two reads of one external user: Symphony's 5 minutes plus our margin. */
export function externalGap(options: GapOptions): number {
  return Math.max(options.externalIntervalMs, EXTERNAL_READ_GAP_MS + options.externalSafetyMarginMs);
}

/** What the budget of one key depends on. */
export interface ReadBudget {
  /** When the pod was last asked (or, for external users, when that read ended). */
  lastReadAt: number | undefined;
  /** No read before this (Retry-After, back-off); 0 when none. */
  retryAt: number;
  /** Whether an answer (a presence or an error) has been shown for the key. */
  answered: boolean;
  /** External, or not known yet to be internal: the key gets the external gap. */
  external: boolean;
}

/** Earliest time the next read of a key may start. */
export function nextDue(
  budget: ReadBudget,
  now: number,
  options: GapOptions & Pick<ResolvedSyncOptions, 'internalIntervalMs'>,
): number {
  let due = now;
  if (budget.lastReadAt !== undefined) {
    const gap = budget.external ? externalGap(options) : options.internalIntervalMs;
    // A first load that nobody has seen yet may come sooner for internal users only.
    due = budget.answered || budget.external ? budget.lastReadAt + gap : now;
  }
  return Math.max(due, budget.retryAt);
}

/**
 * Where an external read's gap starts, asked when the read ends at `now`. The pod starts its
 * 5 minutes when the request reaches it, which may be any time until the answer: counting from
 * the end means a slow read cannot shorten the gap. A read we gave up on may still reach the pod
 * later; it is allowed one more timeout period.
 */
export function externalGapStart(
  now: number,
  timedOut: boolean,
  options: Pick<ResolvedSyncOptions, 'requestTimeoutMs'>,
): number {
  return now + (timedOut ? options.requestTimeoutMs : 0);
}

/** When the pod-wide listing may be read next: one internal interval apart, after any back-off. */
export function listingDue(
  lastAt: number | undefined,
  retryAt: number,
  options: Pick<ResolvedSyncOptions, 'internalIntervalMs'>,
): number {
  return Math.max(lastAt === undefined ? 0 : lastAt + options.internalIntervalMs, retryAt);
}
