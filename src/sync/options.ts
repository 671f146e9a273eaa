import { EXTERNAL_READ_GAP_MS, INTEREST_TTL_MS, type UserId } from '../model';

export { EXTERNAL_READ_GAP_MS, INTEREST_TTL_MS };
/** The shortest internal refresh interval the library accepts. */
export const MIN_INTERNAL_INTERVAL_MS = 10_000;

/** Tuning of the sync engine. Every field has a default that keeps within Symphony's limits. */
export interface PresenceSyncOptions {
  /** Refresh interval for users of the requesting user's own company, in ms (floor 10 s). @default 60000 */
  internalIntervalMs?: number | undefined;
  /** Refresh interval for external users, in ms; values under 5 minutes are raised to 5 minutes. @default 300000 */
  externalIntervalMs?: number | undefined;
  /**
   * Added to the 5-minute external gap so that network jitter (our clock starts at send time, the
   * pod's at receipt) can never make two reads land less than 5 minutes apart. @default 1000
   */
  externalSafetyMarginMs?: number | undefined;
  /** External ids that appear within this window are registered in one request. @default 50 */
  registrationWindowMs?: number | undefined;
  /** Largest number of ids in one registration request. @default 1000 */
  registrationChunkSize?: number | undefined;
  /** Registrations are renewed this long after they were made (must stay under 60 min). @default 3300000 */
  registrationRenewMs?: number | undefined;
  /** First delay after a server or network fault, in ms; doubles per fault. @default 1000 */
  backoffBaseMs?: number | undefined;
  /** Longest delay between attempts after faults, in ms. @default 300000 */
  backoffMaxMs?: number | undefined;
  /**
   * The requesting user's tenant (pod) id. When absent it is learned from the user's own presence,
   * read first: until then nobody else is read, since a wrong guess could break the external limit.
   */
  selfTenant?: number | undefined;
  /** Decides who is external, overriding the tenant comparison. */
  isExternal?: ((userId: UserId) => boolean) | undefined;
  /** Randomness for backoff jitter (tests pass a fixed one). @default Math.random */
  random?: (() => number) | undefined;
  /** A read that has not answered after this long fails as a network error, in ms. @default 30000 */
  requestTimeoutMs?: number | undefined;
  /** How long an unused user's state is kept after its last use, in ms. @default 3600000 */
  retainUnusedMs?: number | undefined;
}

export type ResolvedSyncOptions = Required<Omit<PresenceSyncOptions, 'selfTenant' | 'isExternal'>> &
  Pick<PresenceSyncOptions, 'selfTenant' | 'isExternal'>;

function finite(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function resolveSyncOptions(options: PresenceSyncOptions = {}): ResolvedSyncOptions {
  const renew = finite(options.registrationRenewMs, 55 * 60_000);
  return {
    internalIntervalMs: Math.max(MIN_INTERNAL_INTERVAL_MS, finite(options.internalIntervalMs, 60_000)),
    externalIntervalMs: Math.max(EXTERNAL_READ_GAP_MS, finite(options.externalIntervalMs, EXTERNAL_READ_GAP_MS)),
    externalSafetyMarginMs: Math.max(0, finite(options.externalSafetyMarginMs, 1000)),
    registrationWindowMs: Math.max(0, finite(options.registrationWindowMs, 50)),
    registrationChunkSize: Math.max(1, Math.floor(finite(options.registrationChunkSize, 1000))),
    // Renewing at or after the lapse would leave a window with no live interest.
    registrationRenewMs: Math.min(Math.max(60_000, renew), INTEREST_TTL_MS - 60_000),
    backoffBaseMs: Math.max(100, finite(options.backoffBaseMs, 1000)),
    backoffMaxMs: Math.max(1000, finite(options.backoffMaxMs, 300_000)),
    random: options.random ?? Math.random,
    requestTimeoutMs: Math.max(1000, finite(options.requestTimeoutMs, 30_000)),
    retainUnusedMs: Math.max(EXTERNAL_READ_GAP_MS, finite(options.retainUnusedMs, INTEREST_TTL_MS)),
    selfTenant: options.selfTenant,
    isExternal: options.isExternal,
  };
}

/**
 * Delay before attempt `failures + 1`: exponential from `base`, capped, with "equal jitter" (half
 * fixed, half random) so that many clients that failed together do not retry together.
 */
export function backoffDelay(failures: number, base: number, max: number, random: () => number): number {
  const exp = Math.min(max, base * 2 ** Math.max(0, Math.min(30, failures - 1)));
  return Math.round(exp / 2 + (exp / 2) * Math.min(1, Math.max(0, random())));
}

/** The least a 429 waits, even when its `Retry-After` asks for less (or for nothing). */
export const MIN_RATE_LIMIT_WAIT_MS = 1000;

/**
 * How long to wait after the `failures`-th fault in a row: at least the `Retry-After` of a 429
 * (and a second), otherwise the jittered back-off. The one rule for every retry in the engine.
 */
export function retryDelay(
  error: { kind: string; retryAfterMs?: number | undefined },
  failures: number,
  options: Pick<ResolvedSyncOptions, 'backoffBaseMs' | 'backoffMaxMs' | 'random'>,
): number {
  const backoff = backoffDelay(failures, options.backoffBaseMs, options.backoffMaxMs, options.random);
  return error.kind === 'rate-limited' ? Math.max(error.retryAfterMs ?? backoff, MIN_RATE_LIMIT_WAIT_MS) : backoff;
}
