import { isPresenceApiError } from '../client';

/** How a failed read is shown: refused, no such user, or any other failure (never "offline"). */
export type ReadFailure = 'forbidden' | 'not-found' | 'error';

/** The kind of a read's failure, from the error the hooks report. */
export function readFailureOf(error: unknown): ReadFailure {
  const kind = isPresenceApiError(error) ? error.kind : undefined;
  return kind === 'forbidden' ? 'forbidden' : kind === 'not-found' ? 'not-found' : 'error';
}
