import { PresenceWidgetsError } from '../model';
import type { SessionTokenProvider } from './types';

/**
 * Why a token could not be obtained: the `cause` of an `unauthorized` PresenceApiError. Its
 * message never holds a token; the provider's own error, if any, is its `cause`.
 */
export class TokenUnavailableError extends PresenceWidgetsError {}

/** Wraps a {@link SessionTokenProvider} with validation and single-flight forced refreshes. */
export interface TokenSource {
  /** The provider's current token (`forceRefresh: false`). */
  current(): Promise<string>;
  /**
   * A fresh token after `rejected` earned a 401. Callers that saw the same token rejected while a
   * refresh is running, or after it produced a different token, share that refresh.
   */
  refreshAfter(rejected: string): Promise<string>;
}

// Header values may not hold control characters; `Headers` would throw a TypeError quoting the
// value, which must never happen with a token. Tokens are printable ASCII in practice (JWTs,
// Symphony session ids), so anything else is refused up front.
const HEADER_SAFE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

function checked(token: unknown): string {
  if (typeof token !== 'string' || !HEADER_SAFE.test(token)) {
    throw new TokenUnavailableError('getSessionToken returned an empty or malformed token');
  }
  return token;
}

async function ask(provider: SessionTokenProvider, forceRefresh: boolean): Promise<string> {
  let token: unknown;
  try {
    token = await provider({ forceRefresh });
  } catch (error) {
    throw new TokenUnavailableError('getSessionToken failed', { cause: error });
  }
  return checked(token);
}

interface Refresh {
  rejected: string;
  promise: Promise<string>;
  /** The refreshed token once it arrived; `null` while running or after a failure. */
  result: string | null;
  running: boolean;
}

/** Builds the token source for one client. */
export function createTokenSource(provider: SessionTokenProvider): TokenSource {
  let last: Refresh | undefined;

  return {
    current: () => ask(provider, false),
    refreshAfter(rejected) {
      const reusable =
        last !== undefined &&
        last.rejected === rejected &&
        // A finished refresh is only worth sharing if it produced a different token; otherwise
        // the provider must be asked again or the client would stay locked out.
        (last.running || (last.result !== null && last.result !== rejected));
      if (reusable && last) return last.promise;
      const refresh: Refresh = { rejected, promise: Promise.resolve(''), result: null, running: true };
      refresh.promise = ask(provider, true).then(
        (token) => {
          refresh.running = false;
          refresh.result = token;
          return token;
        },
        (error: unknown) => {
          refresh.running = false;
          throw error;
        },
      );
      last = refresh;
      return refresh.promise;
    },
  };
}
