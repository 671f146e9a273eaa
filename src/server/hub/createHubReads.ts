import { parsePresence } from '../../model';
import { parseJsonText } from './createPodCaller';
import type { HubContext, HubOperations, ReadOutcome, Session, Watch } from './HubContext';
import { retryAfterMs } from './hubWire';

type ReadOperations = Pick<HubOperations, 'attempt' | 'read' | 'backOff'>;

/**
 * Reading on schedule: an internal user once per interval per company across all nodes (a
 * lease per user and interval, with the session of any of its viewers on the node), and the
 * read itself, shared by internal and external watches.
 */
export function createHubReads(ctx: HubContext): ReadOperations {
  const { sessions, counts, now } = ctx;
  const { intervalMs, nodeId, scaled } = ctx.config;

  const epochOf = (watch: Watch, t: number) => Math.floor((t + watch.phase) / intervalMs);

  /** Sessions on this node that may read the watch, the most recently opened first. */
  function readersOf(watch: Watch): Session[] {
    if (watch.session) return watch.session.dead ? [] : [watch.session];
    const out: Session[] = [];
    for (const s of sessions.values()) if (s.tenant === watch.tenant && !s.dead) out.push(s);
    return out.reverse();
  }

  function backOff(watch: Watch, t: number, retryAfter?: number): void {
    watch.failures += 1;
    const delay = retryAfter ?? Math.min(intervalMs, scaled(1000) * 2 ** Math.min(watch.failures, 10));
    watch.nextAt = t + delay;
  }

  /** One step of a watch: reads it when its interval (or budget) allows and this node gets the lease. */
  async function attempt(watch: Watch): Promise<void> {
    if (ctx.closed || watch.inflight || watch.stopped || watch.streams.size === 0) return;
    const t = now();
    if (t < watch.nextAt) return;
    watch.inflight = true;
    try {
      if (watch.external) await ctx.attemptExternal(watch, t);
      else await attemptInternal(watch, t);
    } catch (error) {
      ctx.report(error, 'read');
      backOff(watch, now());
    } finally {
      watch.inflight = false;
    }
  }

  async function attemptInternal(watch: Watch, t: number): Promise<void> {
    const epoch = epochOf(watch, t);
    if (epoch <= watch.lastEpoch) return;
    watch.lastEpoch = epoch;
    const lease = `lease:${watch.scope}:${watch.userId}:${epoch}`;
    const taken = await ctx.takeLease(lease, watch.owner, t);
    if (taken === 'later') {
      watch.lastEpoch = epoch - 1;
      return;
    }
    if (!taken) return;
    const outcome = await read(watch, false);
    if (outcome === 'retry') {
      // Nobody read it: give the interval back so this node or another tries again soon.
      watch.lastEpoch = epoch - 1;
      await ctx.releaseLease(lease, watch.owner);
    }
  }

  /**
   * Reads a watch's user with one of its sessions. 'done' when the pod answered (presence or a
   * final refusal), 'uncounted' when the pod refused before reading (the budget is given back),
   * 'retry' when nothing was learned.
   */
  async function read(watch: Watch, external: boolean): Promise<ReadOutcome> {
    for (const session of readersOf(watch)) {
      const askedAt = now();
      if (external) counts.external += 1;
      else counts.internal += 1;
      const answer = await ctx.callPod('GET', `/v3/user/${watch.userId}/presence`, session.token);
      if ('error' in answer) {
        ctx.report(answer.error, 'read');
        backOff(watch, now());
        return 'retry';
      }
      const { status } = answer;
      if (status >= 200 && status <= 299) {
        const parsed = parsePresence(parseJsonText(answer.text), watch.userId);
        if (!parsed.ok || parsed.value.userId !== watch.userId) {
          ctx.report(new Error(`The pod's presence answer was unusable: ${parsed.ok ? 'another user' : parsed.reason}`), 'read');
          backOff(watch, now());
          return 'retry';
        }
        watch.failures = 0;
        watch.reregistered = false;
        const { category, timestamp } = parsed.value;
        await ctx.share(watch, { n: nodeId, w: watch.scope, u: watch.userId, p: { category, timestamp }, a: askedAt });
        return 'done';
      }
      if (status === 401) {
        // This session ended; another viewer of the company may still read.
        await ctx.endSession(session);
        continue;
      }
      if (status === 403 && external && !watch.reregistered) {
        // A lapsed or lost registration reads 403 too: register once more before giving up.
        watch.reregistered = true;
        session.pendingRegistration.add(watch.userId);
        void ctx.flushRegistrations(session, true);
        return 'uncounted';
      }
      if (status === 403 || status === 404) {
        watch.stopped = true;
        const message = status === 404 ? 'No such user' : 'The pod refused to show this user';
        await ctx.share(watch, { n: nodeId, w: watch.scope, u: watch.userId, e: { status, message }, a: askedAt });
        return 'uncounted';
      }
      const now429 = now();
      backOff(watch, now429, status === 429 ? retryAfterMs(answer.headers.get('retry-after'), now429) : undefined);
      return status === 400 ? 'uncounted' : 'retry';
    }
    // No session on this node can read it any more.
    backOff(watch, now());
    return 'retry';
  }

  return { attempt, read, backOff };
}
