/** How long Graph presence sessions and preferences last. */
import { PresenceWidgetsError } from './errors';
import type { GraphAvailability } from './graph';
import { parseIsoDuration } from './isoDuration';

/** An `expirationDuration` outside what Graph accepts, or not an ISO 8601 duration at all. */
export class InvalidDurationError extends PresenceWidgetsError {
  /** `format`: not a duration this library reads; `range`: outside PT5M..PT4H. */
  readonly reason: 'format' | 'range';
  constructor(reason: InvalidDurationError['reason'], detail: string) {
    super(`Invalid expirationDuration: ${detail}`);
    this.reason = reason;
  }
}

/** Shortest `expirationDuration` setPresence accepts (PT5M). */
export const MIN_EXPIRATION_MS = 5 * 60_000;
/** Longest `expirationDuration` setPresence accepts (PT4H). */
export const MAX_EXPIRATION_MS = 4 * 60 * 60_000;
/** Expiration of a session set without `expirationDuration`. */
export const DEFAULT_EXPIRATION_MS = 5 * 60_000;
/** An `Available` session fades after this long without a renewal (and again after as long). */
export const GRAPH_TIMEOUT_MS = 5 * 60_000;

/**
 * Validates a setPresence `expirationDuration` and returns it in milliseconds. Accepts only
 * PT5M to PT4H inclusive; throws {@link InvalidDurationError} otherwise.
 */
export function parseExpirationDuration(text: unknown): number {
  const ms = parseIsoDuration(text);
  if (ms === undefined) {
    const shown = typeof text === 'string' && text.length <= 40 ? JSON.stringify(text) : `a value of type ${typeof text}`;
    throw new InvalidDurationError('format', `${shown} is not an ISO 8601 duration such as "PT1H"`);
  }
  if (ms < MIN_EXPIRATION_MS || ms > MAX_EXPIRATION_MS) {
    throw new InvalidDurationError('range', `${String(text)} is outside PT5M..PT4H (5 to 240 minutes)`);
  }
  return ms;
}

/** Default expiry of a user-preferred presence: 1 day for DoNotDisturb and Busy, 7 days otherwise. */
export function defaultPreferredExpirationMs(availability: GraphAvailability): number {
  return availability === 'DoNotDisturb' || availability === 'Busy' ? 86_400_000 : 7 * 86_400_000;
}
