import type { PresenceRoute } from '../model';
import type { Plan } from './planProxyRequest';
import { problem } from './proxyAnswer';
import { readLimited, TOO_LARGE } from './readLimited';

/** A pod answer, read in full. */
export interface PodAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** A call that got no usable answer: how to tell the browser. */
export type Failure = { readonly failure: () => Response };

export const isFailure = (value: PodAnswer | Failure): value is Failure => 'failure' in value;

/** How the proxy reaches the pod. */
export interface PodCallerOptions {
  /** The pod's API base URL, without a trailing slash. */
  readonly podBase: string;
  readonly fetch?: typeof fetch | undefined;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly onUnauthorized?: ((request: Request) => void | Promise<void>) | undefined;
  readonly report: (error: unknown, route: PresenceRoute) => void;
}

export type PodCaller = (
  plan: Pick<Plan, 'method' | 'path' | 'query' | 'body'>,
  token: string,
  request: Request,
  signal: AbortSignal,
  route: PresenceRoute,
) => Promise<PodAnswer | Failure>;

/**
 * Calls the pod with the session token and nothing of the browser's request but the planned
 * path, query and body; the whole exchange is bounded in time and size, and never follows a
 * redirect (it would carry the token to wherever the pod points).
 */
export function createPodCaller(options: PodCallerOptions): PodCaller {
  const { podBase, timeoutMs, maxResponseBytes, report } = options;
  return async (p, token, request, signal, route) => {
    const qs = p.query.toString();
    const headers = new Headers({ accept: 'application/json' });
    if (p.body !== undefined) headers.set('content-type', 'application/json');
    headers.set('sessionToken', token);
    // A plain timer rather than AbortSignal.timeout, so the whole exchange (body included) is
    // bounded and tests can drive it with fake timers.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException('The pod did not answer in time', 'TimeoutError'));
    }, timeoutMs);
    const onClientGone = () => controller.abort(signal.reason);
    if (signal.aborted) onClientGone();
    else signal.addEventListener('abort', onClientGone, { once: true });
    const fetchImpl = options.fetch ?? globalThis.fetch;
    try {
      let response: Response;
      try {
        response = await fetchImpl(`${podBase}${p.path}${qs ? `?${qs}` : ''}`, {
          method: p.method,
          headers,
          body: p.body,
          redirect: 'error',
          signal: controller.signal,
        });
      } catch (error) {
        report(error, route);
        return timedOut
          ? { failure: () => problem(504, 'The pod did not answer in time') }
          : { failure: () => problem(502, 'The pod could not be reached') };
      }
      let bytes: Uint8Array | typeof TOO_LARGE;
      try {
        bytes = await readLimited(response.body, maxResponseBytes);
      } catch (error) {
        report(error, route);
        return timedOut
          ? { failure: () => problem(504, 'The pod did not answer in time') }
          : { failure: () => problem(502, 'The pod answer broke off') };
      }
      if (bytes === TOO_LARGE) return { failure: () => problem(502, 'The pod answer was too large') };
      if (response.status === 401 && options.onUnauthorized) {
        try {
          await options.onUnauthorized(request);
        } catch (error) {
          report(error, route);
        }
      }
      return { status: response.status, headers: response.headers, text: new TextDecoder().decode(bytes) };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onClientGone);
    }
  };
}
