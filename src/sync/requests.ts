import { PresenceApiError, isPresenceApiError } from '../client';

/** Marks the engine's own request timeout apart from other aborts. */
const TIMED_OUT = new Error('presence read timed out');

/** Any failure as a typed error; what is not one already is an invalid response of `endpoint`. */
export function toApiError(error: unknown, endpoint: string): PresenceApiError {
  if (isPresenceApiError(error)) return error;
  return new PresenceApiError({ kind: 'invalid-response', status: 0, endpoint, cause: error });
}

/** Faults worth another try of a write: rate limits, server and network faults. */
export function isTransient(error: PresenceApiError): boolean {
  return error.kind === 'rate-limited' || error.kind === 'server' || error.kind === 'network';
}

/** Whether `error` is the engine's own timeout (see {@link withTimeout}). */
export function isTimeout(error: unknown): boolean {
  return error instanceof PresenceApiError && error.cause === TIMED_OUT;
}

/** Runs a call with a timeout of `timeoutMs`; a timeout fails as a network error. */
export async function withTimeout<T>(timeoutMs: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    return await call(controller.signal);
  } catch (error) {
    if (!timedOut) throw error;
    throw new PresenceApiError({ kind: 'network', status: 0, endpoint: 'presence read', serverMessage: 'timed out', cause: TIMED_OUT });
  } finally {
    clearTimeout(timer);
  }
}
