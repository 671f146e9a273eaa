import { PresenceApiError, type PresenceApiErrorKind } from './PresenceApiError';
import type { TokenSource } from './createTokenSource';
import { sessionKeyOf } from './sessionKey';

/** Marks an abort noticed by {@link raceAbort}, told apart from errors thrown by fetch itself. */
export class AbortNoticed {
  readonly reason: unknown;
  constructor(reason: unknown) {
    this.reason = reason;
  }
}

/**
 * Stops waiting for `promise` when `signal` aborts; the work itself may continue unobserved.
 * `promise` may also be a plain value or a thenable (fetch stand-ins return those): it is read
 * the same with or without a signal.
 */
export function raceAbort<T>(promise: T | PromiseLike<T>, signal: AbortSignal | undefined): Promise<T> {
  const work = Promise.resolve(promise);
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(new AbortNoticed(signal.reason));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortNoticed(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    // Settle first and detach after, so that nothing the detaching does can leave the call pending.
    void work.then(resolve, reject).then(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A failure before any HTTP status: `kind`, unless it was an abort or is already typed. */
export function callFailure(kind: PresenceApiErrorKind, endpoint: string, cause: unknown, signal?: AbortSignal): PresenceApiError {
  if (cause instanceof PresenceApiError) return cause;
  if (cause instanceof AbortNoticed || signal?.aborted) {
    return new PresenceApiError({
      kind: 'aborted',
      status: 0,
      endpoint,
      cause: cause instanceof AbortNoticed ? cause.reason : signal?.reason,
    });
  }
  return new PresenceApiError({ kind, status: 0, endpoint, cause });
}

export interface ExchangeResult {
  response: Response;
  text: string;
  /** Every token sent, so error bodies that echo one can be redacted. */
  sentTokens: string[];
  /** The `Retry-After` header, when the response has headers at all. */
  retryAfter: string | null;
}

const sessionChanged = (endpoint: string, status: number) =>
  new PresenceApiError({ kind: 'session-changed', status, endpoint });

/**
 * One authorized call, shared by the Symphony and Graph clients: token, send, one forced token
 * refresh and retry on 401, then the body as text. Every failure is a `PresenceApiError`.
 * With `session`, the call is never sent or retried under another session's token.
 */
export async function exchange(
  endpoint: string,
  tokens: TokenSource | undefined,
  send: (token: string | undefined) => Promise<Response>,
  signal: AbortSignal | undefined,
  session?: string,
): Promise<ExchangeResult> {
  let token: string | undefined;
  const sentTokens: string[] = [];
  if (tokens) {
    try {
      token = await raceAbort(tokens.current(), signal);
    } catch (error) {
      throw callFailure('unauthorized', endpoint, error, signal);
    }
    if (session !== undefined && sessionKeyOf(token) !== session) throw sessionChanged(endpoint, 0);
  }
  let response: Response;
  try {
    if (token !== undefined) sentTokens.push(token);
    response = await send(token);
    if (response.status === 401 && tokens && token !== undefined) {
      void response.body?.cancel().catch(() => undefined);
      try {
        token = await raceAbort(tokens.refreshAfter(token), signal);
      } catch (error) {
        throw callFailure('unauthorized', endpoint, error, signal);
      }
      // The renewed session registered nothing: a pinned caller must register first.
      if (session !== undefined) throw sessionChanged(endpoint, 401);
      sentTokens.push(token);
      response = await send(token);
    }
  } catch (error) {
    throw callFailure('network', endpoint, error, signal);
  }
  let text: string;
  try {
    // Fetch stand-ins in tests may lack parts of Response; a missing body reads as empty.
    text = typeof response.text === 'function' ? await raceAbort(response.text(), signal) : '';
  } catch (error) {
    throw callFailure('network', endpoint, error, signal);
  }
  let retryAfter: string | null = null;
  try {
    retryAfter = response.headers.get('Retry-After');
  } catch {
    // A fetch stand-in without headers: no hint, the status still counts.
  }
  return { response, text, sentTokens, retryAfter };
}
