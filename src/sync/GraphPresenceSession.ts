import { PresenceApiError, type GraphClient } from '../client';
import {
  DEFAULT_EXPIRATION_MS,
  GRAPH_TIMEOUT_MS,
  isSettableGraphPair,
  parseExpirationDuration,
  toGraphUserId,
  type GraphPresencePair,
  type GraphUserId,
} from '../model';
import { retryDelay } from './options';
import { isTransient, toApiError } from './requests';

/** What the app wants the session to say. */
export interface GraphSessionState extends GraphPresencePair {
  /**
   * ISO 8601 duration from PT5M to PT4H after which Graph ends the session unless it is renewed.
   * Omitted: Graph's default of 5 minutes (the keeper renews accordingly).
   */
  expirationDuration?: string | undefined;
}

/** Options of {@link keepGraphPresence}. */
export interface KeepGraphPresenceOptions extends GraphSessionState {
  /** The user whose presence session this app keeps (object id, a GUID). */
  userId: string;
  /**
   * How long before the fade or the expiry the session is renewed, in ms. Graph's timers start
   * when it receives the call, ours when we send it, so the margin also absorbs latency.
   * @default 60000
   */
  renewMarginMs?: number | undefined;
  /** Called on every failed set or clear (the keeper goes on retrying transient ones). */
  onError?: ((error: PresenceApiError) => void) | undefined;
  /** Called after every successful set, with the time it was sent. */
  onSet?: ((state: GraphPresencePair, at: number) => void) | undefined;
  /** Randomness for backoff jitter. @default Math.random */
  random?: (() => number) | undefined;
}

/** A running session kept by {@link keepGraphPresence}. */
export interface GraphPresenceSession {
  /** The pair the session is kept at. */
  readonly state: GraphPresencePair;
  /** True after `stop()` (or a refusal that renewing cannot fix, such as 403). */
  readonly stopped: boolean;
  /**
   * Sets a new pair (and optionally a new duration) at once and keeps that one instead. Throws
   * synchronously for a pair setPresence does not accept or a bad duration; resolves once Graph
   * has the new pair, rejects if that set failed.
   */
  update(state: GraphSessionState): Promise<void>;
  /** Stops renewing and clears the app's session (`clearPresence`). Never rejects; errors go to `onError`. */
  stop(): Promise<void>;
}

const MIN_RENEW_MS = 30_000;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 60_000;

function checkState(state: GraphSessionState): { pair: GraphPresencePair; expiryMs: number; duration: string | undefined } {
  const pair = { availability: state?.availability, activity: state?.activity };
  if (!isSettableGraphPair(pair)) {
    throw new PresenceApiError({
      kind: 'bad-request',
      status: 0,
      endpoint: 'POST /users/{id}/presence/setPresence',
      cause: new RangeError(`${String(pair.availability)}/${String(pair.activity)} is not a pair setPresence accepts`),
    });
  }
  const duration = state.expirationDuration;
  const expiryMs = duration === undefined ? DEFAULT_EXPIRATION_MS : parseExpirationDuration(duration);
  return { pair: Object.freeze(pair), expiryMs, duration };
}

/**
 * How often a session must be renewed: before it expires, and for `Available` also before the
 * 5-minute timeout that would fade it to AvailableInactive and then Away.
 */
export function graphRenewIntervalMs(pair: GraphPresencePair, expiryMs: number, marginMs = 60_000): number {
  const limit = pair.availability === 'Available' ? Math.min(expiryMs, GRAPH_TIMEOUT_MS) : expiryMs;
  return Math.max(MIN_RENEW_MS, limit - Math.max(0, marginMs));
}

/**
 * Keeps this app's Graph presence session for a user at a pair: sets it now, then sets it again
 * before it would fade (Available times out after 5 minutes) or expire (`expirationDuration`),
 * until `stop()`, which clears the session. Transient failures (429 with its `Retry-After`, 5xx,
 * network) are retried with backoff; refusals renewing cannot fix (400, 401 after refresh, 403,
 * 404) stop the keeper and are reported to `onError`.
 *
 * Validates the id, pair and duration synchronously: an invalid request throws before any call.
 */
export function keepGraphPresence(graph: GraphClient, options: KeepGraphPresenceOptions): GraphPresenceSession {
  const userId: GraphUserId = toGraphUserId(options.userId);
  let current = checkState(options);
  const margin = options.renewMarginMs ?? 60_000;
  const random = options.random ?? Math.random;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let generation = 0;
  let inflight: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;

  const report = (error: unknown, endpoint: string) => {
    const apiError = toApiError(error, endpoint);
    try {
      options.onError?.(apiError);
    } catch {
      // The app's callback must not break the keeper.
    }
    return apiError;
  };

  const schedule = (delay: number) => {
    if (timer) clearTimeout(timer);
    timer = stopped ? undefined : setTimeout(() => {
      timer = undefined;
      void send().catch(() => undefined);
    }, delay);
  };

  async function send(): Promise<void> {
    if (stopped) return;
    const mine = ++generation;
    const { pair, expiryMs, duration } = current;
    const at = Date.now();
    const run = graph.setPresence({ userId, ...pair, expirationDuration: duration });
    inflight = run.then(
      () => undefined,
      () => undefined,
    );
    try {
      await run;
    } catch (raw) {
      const error = report(raw, 'POST /users/{id}/presence/setPresence');
      // A newer update owns the schedule now.
      if (mine !== generation || stopped) throw error;
      if (!isTransient(error)) {
        stopped = true;
        throw error;
      }
      failures += 1;
      schedule(retryDelay(error, failures, { backoffBaseMs: BACKOFF_BASE_MS, backoffMaxMs: BACKOFF_MAX_MS, random }));
      throw error;
    }
    if (mine !== generation || stopped) return;
    failures = 0;
    try {
      options.onSet?.(pair, at);
    } catch {
      // As above.
    }
    // Measured from the send: Graph's clock started no earlier than that.
    schedule(Math.max(0, at + graphRenewIntervalMs(pair, expiryMs, margin) - Date.now()));
  }

  const first = send();
  first.catch(() => undefined);

  return {
    get state() {
      return current.pair;
    },
    get stopped() {
      return stopped;
    },
    update(state: GraphSessionState) {
      const next = checkState(state);
      if (stopped) return Promise.reject(new PresenceApiError({ kind: 'aborted', status: 0, endpoint: 'presence session' }));
      current = next;
      failures = 0;
      return send();
    },
    stop() {
      stopping ??= (async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        timer = undefined;
        // Let a set in flight land first, or the clear could arrive before it and be undone.
        await inflight;
        try {
          await graph.clearPresence(userId);
        } catch (error) {
          report(error, 'POST /users/{id}/presence/clearPresence');
        }
      })();
      return stopping;
    },
  };
}
