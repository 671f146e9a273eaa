import { parseJsonLossless, parseUserId, tenantOf } from '../../model';
import { readLimited, TOO_LARGE } from '../readLimited';
import type { HubContext, HubOperations, PodAnswer, Session } from './HubContext';
import { hubProblem } from './hubProblem';

type PodCaller = Pick<HubOperations, 'callPod' | 'endSession' | 'tenantOfSession'>;

const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/** A pod answer's JSON (ids kept exact), or undefined when it is not JSON. */
export function parseJsonText(text: string): unknown {
  try {
    return parseJsonLossless(text);
  } catch {
    return undefined;
  }
}

/** The node's calls to the pod, and what a session's answers mean for it (401, its company). */
export function createPodCaller(ctx: HubContext): PodCaller {
  const { guard, tenantLookups, counts, now } = ctx;
  const { podBase, timeoutMs, tenantTtlMs } = ctx.config;

  async function callPod(method: 'GET' | 'POST', path: string, token: string, body?: string): Promise<PodAnswer> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException('The pod did not answer in time', 'TimeoutError')), timeoutMs);
    try {
      const headers = new Headers({ accept: 'application/json', sessionToken: token });
      if (body !== undefined) headers.set('content-type', 'application/json');
      const fetchImpl = ctx.options.fetch ?? globalThis.fetch;
      const response = await fetchImpl(`${podBase}${path}`, { method, headers, body, redirect: 'error', signal: controller.signal });
      const bytes = await readLimited(response.body, MAX_ANSWER_BYTES);
      if (bytes === TOO_LARGE) return { error: new Error('The pod answer was too large') };
      return { status: response.status, headers: response.headers, text: new TextDecoder().decode(bytes) };
    } catch (error) {
      return { error };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * After a 401 the session is over: the app drops its cached token, and the session's pages
   * are told to reconnect, which opens a new session (with its own registrations and budget,
   * SYM-RI-8) under the token `getSessionToken` gives then.
   */
  async function endSession(session: Session): Promise<void> {
    if (session.dead) return;
    session.dead = true;
    try {
      await ctx.options.onUnauthorized?.(session.request);
    } catch (error) {
      ctx.report(error, 'onUnauthorized');
    }
    for (const stream of [...session.streams]) ctx.endStream(stream, 'unauthorized');
  }

  /** The session user's company: from the guard's cache, or one own-presence read. */
  async function tenantOfSession(sessionKey: string, token: string): Promise<number | Response> {
    const cached = await guard.getTenant(sessionKey, now());
    if (cached !== undefined) return cached;
    let pending = tenantLookups.get(sessionKey);
    if (!pending) {
      pending = (async (): Promise<number | Response> => {
        counts.own += 1;
        const answer = await callPod('GET', '/v2/user/presence', token);
        if ('error' in answer) {
          ctx.report(answer.error, 'own presence');
          return hubProblem(502, 'The pod could not be reached');
        }
        if (answer.status === 401) return hubProblem(401, 'The Symphony session was refused');
        if (answer.status < 200 || answer.status > 299) return hubProblem(502, `The pod refused the session (HTTP ${answer.status})`);
        const body = parseJsonText(answer.text);
        const userId = parseUserId(typeof body === 'object' && body !== null ? (body as { userId?: unknown }).userId : undefined);
        if (!userId) return hubProblem(502, "Could not tell the session user's company from the pod's answer");
        const tenant = tenantOf(userId);
        await guard.setTenant(sessionKey, tenant, now(), tenantTtlMs).catch((error: unknown) => ctx.report(error, 'guard'));
        return tenant;
      })().finally(() => tenantLookups.delete(sessionKey));
      tenantLookups.set(sessionKey, pending);
    }
    return pending;
  }

  return { callPod, endSession, tenantOfSession };
}
