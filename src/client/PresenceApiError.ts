import { PresenceWidgetsError } from '../model';

/** What went wrong, in terms a UI or a retry policy can act on. */
export type PresenceApiErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'bad-request'
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'invalid-response'
  | 'aborted'
  /**
   * A call pinned to a session (`CallOptions.session`) found another token: not sent (status 0),
   * or sent and refused with 401 after which the token was renewed. Registrations made under the
   * old session do not carry over, so the caller must register again before reading externals.
   */
  | 'session-changed';

export interface PresenceApiErrorInit {
  kind: PresenceApiErrorKind;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  /** Which call failed, e.g. `GET /v3/user/{uid}/presence` (the template, never the token). */
  endpoint: string;
  /** `code` from the server's error body, when it sent one. */
  code?: number | undefined;
  /** `message` from the server's error body, when it sent one. */
  serverMessage?: string | undefined;
  /** Delay asked for by `Retry-After`, in milliseconds. */
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

/**
 * Every failure of a Symphony (or Graph) call. Its message names the endpoint and status; it
 * never holds a token or a full URL with query values.
 */
export class PresenceApiError extends PresenceWidgetsError {
  readonly kind: PresenceApiErrorKind;
  readonly status: number;
  readonly endpoint: string;
  readonly code: number | undefined;
  readonly serverMessage: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(init: PresenceApiErrorInit) {
    const detail = init.serverMessage ? `: ${init.serverMessage}` : '';
    super(`${init.endpoint} failed (${init.kind}${init.status ? `, HTTP ${init.status}` : ''})${detail}`, {
      cause: init.cause,
    });
    this.kind = init.kind;
    this.status = init.status;
    this.endpoint = init.endpoint;
    this.code = init.code;
    this.serverMessage = init.serverMessage;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/**
 * Narrowing helper that also works across bundle copies: an error from another copy of the
 * library passes on its shape (its name, string `kind` and `endpoint`, numeric `status`), since
 * callers read those fields right after; any other error, or a look-alike without them, fails.
 * A kind unknown to this copy (from a newer one) still passes: callers must handle any kind.
 */
export function isPresenceApiError(error: unknown): error is PresenceApiError {
  if (error instanceof PresenceApiError) return true;
  if (!(error instanceof Error) || error.name !== 'PresenceApiError') return false;
  const { kind, status, endpoint } = error as Error & Partial<Record<'kind' | 'status' | 'endpoint', unknown>>;
  return typeof kind === 'string' && typeof status === 'number' && typeof endpoint === 'string';
}
