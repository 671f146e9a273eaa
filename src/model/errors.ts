/**
 * Base class of every error this library throws on purpose, so callers can tell ours from bugs
 * with one `instanceof`.
 */
export class PresenceWidgetsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A user id that is not a positive 64-bit integer. Thrown before any request is made. */
export class InvalidUserIdError extends PresenceWidgetsError {
  /** Why the value was refused; the value itself is described, never echoed in full. */
  readonly reason: 'type' | 'format' | 'range' | 'unsafe-number';
  constructor(reason: InvalidUserIdError['reason'], detail: string) {
    super(`Invalid Symphony user id: ${detail}`);
    this.reason = reason;
  }
}
