import type { UserId } from '../../model';
import type { HubContext, HubOperations, Session, Watch } from './HubContext';
import { retryAfterMs } from './hubWire';

type ExternalReads = Pick<HubOperations, 'attemptExternal' | 'flushRegistrations'>;

const REGISTRATION_CHUNK = 1000;
/** The guard's registration budget per session (as the proxy spends it). */
const REGISTRATIONS_PER_WINDOW = 300;
const REGISTRATION_WINDOW_MS = 60_000;

/**
 * External users, per viewer session exactly as the guard allows: registration of interest
 * before reading, one read per user per gap, the claim shared with the proxy and other nodes.
 */
export function createExternalReads(ctx: HubContext): ExternalReads {
  const { guard, watches, externalDue, counts, now } = ctx;
  const { gapMs, nodeId, registrationTtlMs, registrationMarginMs, registrationRetryMs } = ctx.config;

  async function attemptExternal(watch: Watch, t: number): Promise<void> {
    const session = watch.session as Session;
    if (!(await guard.isRegistered(session.key, watch.userId, t))) {
      session.pendingRegistration.add(watch.userId);
      void flushRegistrations(session);
      return;
    }
    const claim = await guard.claimRead(session.key, watch.userId, t, gapMs);
    if (!claim.ok) {
      // Another node, or the proxy, read for this session: its result arrives by message.
      watch.nextAt = t + claim.retryAfterMs;
      externalDue.set(watch.key, watch.nextAt);
      return;
    }
    const outcome = await ctx.read(watch, true);
    if (outcome === 'uncounted') {
      await guard.releaseRead(session.key, watch.userId, claim.claimId).catch((error: unknown) => ctx.report(error, 'guard'));
    } else {
      // The pod counts the read when it handles it: the gap restarts now (as in the proxy).
      await guard.renewRead(session.key, watch.userId, claim.claimId, now(), gapMs).catch((error: unknown) => ctx.report(error, 'guard'));
      watch.nextAt = outcome !== 'retry' ? now() + gapMs : Math.max(watch.nextAt, now() + gapMs);
      externalDue.set(watch.key, watch.nextAt);
    }
  }

  async function flushRegistrations(session: Session, force = false): Promise<void> {
    if (session.registering || session.dead || ctx.closed) return;
    if (now() < session.registrationRetryAt) return;
    session.registering = true;
    try {
      const t = now();
      const ids: UserId[] = [];
      for (const id of session.pendingRegistration) {
        if (force || !(await guard.isRegistered(session.key, id, t))) ids.push(id);
      }
      session.pendingRegistration.clear();
      for (let i = 0; i < ids.length; i += REGISTRATION_CHUNK) await register(session, ids.slice(i, i + REGISTRATION_CHUNK));
    } catch (error) {
      ctx.report(error, 'register');
    } finally {
      session.registering = false;
    }
    // Due reads of freshly registered users go now rather than at the next tick.
    for (const watch of watches.values()) if (watch.session === session && watch.external) void ctx.attempt(watch);
  }

  async function register(session: Session, ids: UserId[]): Promise<void> {
    if (ids.length === 0) return;
    const slot = await guard.takeRegistration(session.key, now(), REGISTRATIONS_PER_WINDOW, REGISTRATION_WINDOW_MS);
    if (!slot.ok) {
      session.registrationRetryAt = now() + slot.retryAfterMs;
      for (const id of ids) session.pendingRegistration.add(id);
      return;
    }
    const sentAt = now();
    counts.registrations += 1;
    const answer = await ctx.callPod('POST', '/v1/user/presence/register', session.token, `[${ids.join(',')}]`);
    if ('error' in answer) {
      ctx.report(answer.error, 'register');
      session.registrationRetryAt = now() + registrationRetryMs;
      for (const id of ids) session.pendingRegistration.add(id);
      return;
    }
    if (answer.status >= 200 && answer.status <= 299) {
      const remaining = registrationTtlMs - registrationMarginMs - Math.max(0, now() - sentAt);
      if (remaining > 0) await guard.recordRegistration(session.key, ids, now(), remaining);
      return;
    }
    if (answer.status === 401) {
      await ctx.endSession(session);
      return;
    }
    if ((answer.status === 404 || answer.status === 400) && ids.length > 1) {
      // One unknown id fails the whole list: halve it so the others still get registered.
      const half = Math.ceil(ids.length / 2);
      await register(session, ids.slice(0, half));
      await register(session, ids.slice(half));
      return;
    }
    if (answer.status === 404 || answer.status === 403 || answer.status === 400) {
      for (const id of ids) {
        const watch = watches.get(`s:${session.key}|${id}`);
        if (!watch) continue;
        watch.stopped = true;
        const message = answer.status === 404 ? 'No such user' : 'The pod refused to register interest in this user';
        await ctx.share(watch, { n: nodeId, w: watch.scope, u: id, e: { status: answer.status, message }, a: sentAt });
      }
      return;
    }
    session.registrationRetryAt = now() + (retryAfterMs(answer.headers.get('retry-after'), now()) ?? registrationRetryMs);
    for (const id of ids) session.pendingRegistration.add(id);
  }

  return { attemptExternal, flushRegistrations };
}
