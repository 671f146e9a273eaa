// @vitest-environment node
/**
 * Pod timelines the seeds allow, generated: users set statuses, sign out and back in (keeping the
 * stamp of their last set, SYM-GUP-1), idle; the token rotates or expires at any moment; the page
 * reloads; the tab hides for over an hour; another app on the same session takes a user's
 * 5-minute budget. At every step each badge must show what the pod shows this viewer once the
 * refresh interval (internal users) or the 5-minute budget (external users) has passed since the
 * last change, never an error, and no request may break a rule. The emulator runs with its
 * assumptions on and, in a second pass, all switched off, so the engine cannot lean on either
 * reading.
 *
 * Runs: PROPERTY_RUNS (default 12 per pass); e.g. PROPERTY_RUNS=300 npx vitest run timelines.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ALL_ASSUMPTIONS_OFF, type MockPodAssumptions } from '../../src/mock-pod';
import { PresenceSync, type VisibilitySource } from '../../src/sync';
import { HOUR, MINUTE, SECOND, memoryPersistence, setupPod } from './harness';
import { applyPodStep, changeTracker, podStepArbitraries, rotatingClient, timelineCast, type PodStep } from './podTimeline';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 12);
const INTERNAL_INTERVAL = MINUTE;
// A change shows within one interval after it (plus the time a read takes here: none).
const INTERNAL_BOUND = INTERNAL_INTERVAL + 2 * SECOND;
// 5 minutes and the 1 s safety margin, from the read just before the change.
const EXTERNAL_BOUND = 5 * MINUTE + 3 * SECOND;

type Step =
  | PodStep
  | { t: 'rotate' }
  | { t: 'expire' }
  | { t: 'reload' }
  | { t: 'hide'; ms: number }
  | { t: 'foreign429'; user: number }
  | { t: 'wait'; ms: number };

const USERS = 8;
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  ...podStepArbitraries(USERS),
  { weight: 1, arbitrary: fc.constant({ t: 'rotate' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'expire' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'reload' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('hide' as const), ms: fc.integer({ min: MINUTE, max: 80 * MINUTE }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('foreign429' as const), user: fc.nat(USERS - 1) }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('wait' as const), ms: fc.integer({ min: SECOND, max: 12 * MINUTE }) }) },
);

function visibilitySwitch() {
  let visible = true;
  const listeners = new Set<() => void>();
  const source: VisibilitySource = {
    isVisible: () => visible,
    subscribe: (l) => (listeners.add(l), () => void listeners.delete(l)),
  };
  return {
    source,
    set(next: boolean) {
      visible = next;
      for (const l of listeners) l();
    },
  };
}

async function runTimeline(steps: Step[], assumptions: MockPodAssumptions): Promise<void> {
  const pod = setupPod({ assumptions });
  const { me, ids, stranger, external, strangerForbidden, expected, brokenRequests } = timelineCast(pod, assumptions, { home: 3, connected: 4 });
  expect(ids).toHaveLength(USERS);
  const tokens = rotatingClient(pod);
  const client = tokens.create();
  const persistence = memoryPersistence();
  const visibility = visibilitySwitch();
  const start = () => {
    const sync = new PresenceSync(client, { random: () => 0.5, persistence, visibility: visibility.source }).start();
    for (const id of ids) sync.retain(id);
    return sync;
  };
  let sync = start();

  // When what each user looks like to us last changed, and when reading them was last disturbed.
  const changes = changeTracker(pod, me, ids);
  let disturbedAt = Date.now();

  const check = (label: string) => {
    const now = Date.now();
    for (const id of ids) {
      const state = sync.getState(id);
      const shown = state.error ? `error:${state.error.kind}` : state.presence?.category;
      if (!(id === stranger && strangerForbidden)) expect(state.error, `${label}: ${id} shows an error`).toBeUndefined();
      // Forbidden is only said after one fresh registration and a second read: two budgets.
      const bound = id === stranger && strangerForbidden ? 2 * EXTERNAL_BOUND : external(id) ? EXTERNAL_BOUND : INTERNAL_BOUND;
      // A 429 from another app counts as a read of the budget: the next one may be 5 minutes on.
      const lastForeign429 = Math.max(0, ...pod.ledger.filter((e) => e.faulted && e.userId === id).map((e) => e.time));
      const settled = now - Math.max(changes.changedAt(id), disturbedAt, lastForeign429) > bound;
      if (settled) expect(shown, `${label}: ${id} (${external(id) ? 'external' : 'internal'})`).toBe(expected(id));
    }
    expect(brokenRequests(), label).toEqual([]);
  };

  await vi.advanceTimersByTimeAsync(10 * SECOND);
  for (const [i, step] of steps.entries()) {
    const label = `step ${i} ${JSON.stringify(step)}`;
    switch (step.t) {
      case 'set':
      case 'offline':
      case 'online':
      case 'idle':
        applyPodStep(pod, ids, step);
        break;
      case 'rotate':
        tokens.rotate();
        disturbedAt = Date.now();
        break;
      case 'expire':
        pod.expireSession(tokens.token);
        disturbedAt = Date.now();
        break;
      case 'reload':
        sync.destroy();
        sync = start();
        disturbedAt = Date.now();
        break;
      case 'hide':
        visibility.set(false);
        changes.note();
        await vi.advanceTimersByTimeAsync(step.ms);
        changes.note();
        visibility.set(true);
        disturbedAt = Date.now();
        break;
      case 'foreign429': {
        const id = ids[step.user]!;
        if (external(id)) {
          pod.faults.add({ route: 'getUser', userId: id, status: 429, retryAfter: '120', times: 1 });
        }
        break;
      }
      case 'wait':
        break;
    }
    changes.note();
    const ms = step.t === 'wait' ? step.ms : SECOND;
    // Check along the way, not only at the end of a long wait.
    for (let done = 0; done < ms; done += 30 * SECOND) {
      await vi.advanceTimersByTimeAsync(Math.min(30 * SECOND, ms - done));
      changes.note();
      check(label);
    }
  }
  sync.destroy();
}

describe('generated pod timelines: the badge shows what the pod shows', () => {
  afterEach(() => vi.useRealTimers());

  it.each<[string, MockPodAssumptions]>([
    ['with every assumption in force', {}],
    ['with every assumption switched off', ALL_ASSUMPTIONS_OFF],
  ])('%s', async (_label, assumptions) => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 5, maxLength: 25 }), async (steps) => {
        try {
          await runTimeline(steps, assumptions);
        } finally {
          vi.useRealTimers();
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 600_000);

  it('a hand-written timeline with every kind of step passes too', async () => {
    await runTimeline(
      [
        { t: 'set', user: 3, category: 'BUSY' },
        { t: 'offline', user: 3 },
        { t: 'wait', ms: 20 * MINUTE },
        { t: 'online', user: 3 },
        { t: 'expire' },
        { t: 'wait', ms: 6 * MINUTE },
        { t: 'reload' },
        { t: 'set', user: 0, category: 'OUT_OF_OFFICE' },
        { t: 'hide', ms: 70 * MINUTE },
        { t: 'foreign429', user: 4 },
        { t: 'rotate' },
        { t: 'wait', ms: 12 * MINUTE },
        { t: 'idle', user: 5, idle: true },
        { t: 'wait', ms: HOUR / 6 },
      ],
      {},
    );
  });
});
