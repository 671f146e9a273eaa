import { useEffect, useRef, useState } from 'react';
import { isPresenceApiError, type GraphClient } from '../client';
import type { GraphActivity, GraphAvailability } from '../model';
import { keepGraphPresence, type GraphPresenceSession } from '../sync';

/** Options of {@link useGraphPresenceSession}. */
export interface UseGraphPresenceSessionOptions {
  /** The Graph client, or the Graph presence adapter (its `graph` is used). */
  client: GraphClient | { readonly graph: GraphClient };
  /** Whose session (object id, a GUID); usually the signed-in user. */
  userId: string;
  /** One of the pairs setPresence accepts, e.g. `Busy` / `InACall` while a call runs. */
  availability: GraphAvailability;
  activity: GraphActivity;
  /** ISO 8601, PT5M..PT4H. @default Graph's 5 minutes (renewed every 4) */
  expirationDuration?: string | undefined;
  /** While false, no session is kept (and a running one is cleared). @default true */
  enabled?: boolean | undefined;
  /** Called on every failed set or clear. */
  onError?: ((error: Error) => void) | undefined;
}

/** What {@link useGraphPresenceSession} returns. */
export interface UseGraphPresenceSessionResult {
  /** A session is being kept. */
  active: boolean;
  /** When the last successful set was sent, ms since 1970. */
  lastSetAt: number | undefined;
  /** The last failure (a refused pair or duration, or a failed set), cleared by the next success. */
  error: Error | undefined;
}

// StrictMode runs effects twice; stopping on the next tick lets the second run take the
// session over instead of sending set, clear, set.
interface Kept {
  session: GraphPresenceSession;
  graph: GraphClient;
  userId: string;
  state: { availability: GraphAvailability; activity: GraphActivity; expirationDuration: string | undefined };
  stopTimer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Keeps this app's Graph presence session at a pair while the component is mounted and `enabled`:
 * sets it, renews it before it fades or expires, sets the new pair when the props change, and
 * clears it on unmount or when `enabled` turns false. See `keepGraphPresence`.
 */
export function useGraphPresenceSession(options: UseGraphPresenceSessionOptions): UseGraphPresenceSessionResult {
  const { client, userId, availability, activity, expirationDuration, enabled = true } = options;
  const graph: GraphClient = 'graph' in client ? client.graph : client;
  const [status, setStatus] = useState<UseGraphPresenceSessionResult>({ active: false, lastSetAt: undefined, error: undefined });
  const kept = useRef<Kept | undefined>(undefined);
  const onError = useRef(options.onError);
  useEffect(() => {
    onError.current = options.onError;
  });

  useEffect(() => {
    if (!enabled) return undefined;
    const fail = (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      setStatus((s) => ({ ...s, error: e, active: kept.current ? !kept.current.session.stopped : false }));
      onError.current?.(e);
    };
    const state = { availability, activity, expirationDuration };
    const current = kept.current;
    if (current && current.graph === graph && current.userId === userId && !current.session.stopped) {
      // Same session, new pair or a StrictMode re-run: take it over.
      if (current.stopTimer) clearTimeout(current.stopTimer);
      current.stopTimer = undefined;
      const last = current.state;
      if (last.availability !== availability || last.activity !== activity || last.expirationDuration !== expirationDuration) {
        try {
          current.session.update(state).catch(() => undefined);
          current.state = state;
        } catch (error) {
          fail(error);
        }
      }
    } else {
      if (current) void current.session.stop();
      try {
        const session = keepGraphPresence(graph, {
          userId,
          ...state,
          onError: (e) => fail(isPresenceApiError(e) ? e : new Error(String(e))),
          onSet: (_pair, at) => setStatus({ active: true, lastSetAt: at, error: undefined }),
        });
        kept.current = { session, graph, userId, state, stopTimer: undefined };
      } catch (error) {
        kept.current = undefined;
        fail(error);
        return undefined;
      }
    }
    const mine = kept.current;
    return () => {
      if (!mine) return;
      mine.stopTimer = setTimeout(() => {
        mine.stopTimer = undefined;
        if (kept.current === mine) kept.current = undefined;
        void mine.session.stop();
        setStatus((s) => ({ ...s, active: false }));
      }, 0);
    };
  }, [graph, userId, availability, activity, expirationDuration, enabled]);

  return status;
}
