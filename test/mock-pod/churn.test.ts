import { describe, expect, it } from 'vitest';
import { createMockPod } from '../../src/mock-pod';
import { call, fakeClock, MINUTE, T0 } from './podTestUtils';

const HOUR = 60 * MINUTE;

function podAt(seed: number, churn?: { everyMs: number; fraction: number } | false) {
  const clock = fakeClock();
  return { clock, pod: createMockPod({ clock: clock.now, seed, churn }) };
}

describe('churn', () => {
  it('changes some users over simulated time; only a new chosen category is stamped, at its step (R-STAMP)', () => {
    const { pod, clock } = podAt(1);
    const before = pod.users;
    clock.advance(10 * MINUTE);
    pod.advance();
    const after = pod.users;
    const changed = after.filter((u, i) => u.category !== before[i]!.category);
    expect(changed.length).toBeGreaterThan(20);
    expect(changed.length).toBeLessThan(after.length / 4);
    const chosen = after.filter((u, i) => u.chosenCategory !== before[i]!.chosenCategory);
    expect(chosen.length).toBeGreaterThan(5);
    for (const u of chosen) {
      expect(u.timestamp).toBeGreaterThan(T0);
      expect(u.timestamp).toBeLessThanOrEqual(T0 + 10 * MINUTE);
      expect((u.timestamp - T0) % MINUTE).toBe(0);
    }
    // Signing in or out, idling and waking keep the time of the last set: a user whose category
    // changed only that way still answers the stamp from before the churn.
    const onlyStateChanged = changed.filter((u, i) => u.chosenCategory === before[i]!.chosenCategory);
    const kept = onlyStateChanged.filter((u) => u.timestamp === before.find((b) => b.id === u.id)!.timestamp);
    expect(kept.length).toBeGreaterThan(onlyStateChanged.length / 2);
  });

  it('does nothing before the first step is due, and waits for a request or advance()', () => {
    const { pod, clock } = podAt(1);
    const before = pod.users;
    clock.advance(MINUTE - 1);
    pod.advance();
    expect(pod.users).toEqual(before);
    clock.advance(HOUR);
    expect(pod.users).toEqual(before);
    pod.advance();
    expect(pod.users).not.toEqual(before);
  });

  it('is deterministic for a seed and clock, however often it is applied', () => {
    const a = podAt(5);
    const b = podAt(5);
    for (let i = 0; i < 90; i++) {
      a.clock.advance(MINUTE);
      a.pod.advance();
    }
    b.clock.advance(90 * MINUTE);
    b.pod.advance();
    expect(b.pod.users).toEqual(a.pod.users);

    const c = podAt(6);
    c.clock.advance(90 * MINUTE);
    c.pod.advance();
    expect(c.pod.users.map((u) => u.category)).not.toEqual(a.pod.users.map((u) => u.category));
  });

  it('is applied when a request is handled', async () => {
    const { pod, clock } = podAt(1);
    const listed = async () => (await call(pod, 'GET', '/v2/users/presence')).bodyText;
    const first = await listed();
    clock.advance(10 * MINUTE);
    expect(await listed()).not.toBe(first);
  });

  it('never touches users that own a session', () => {
    const { pod, clock } = podAt(1, { everyMs: MINUTE, fraction: 1 });
    const other = pod.users.find((u) => u.tenantId === 190)!.id;
    pod.createSession({ userId: other });
    const me = pod.getUser(pod.defaultUserId);
    const them = pod.getUser(other);
    clock.advance(20 * MINUTE);
    pod.advance();
    expect(pod.getUser(pod.defaultUserId)).toEqual(me);
    expect(pod.getUser(other)).toEqual(them);
  });

  it('follows everyMs and fraction', () => {
    const { pod, clock } = podAt(1, { everyMs: 10 * MINUTE, fraction: 0.5 });
    const before = pod.users;
    clock.advance(10 * MINUTE);
    pod.advance();
    const changed = pod.users.filter((u, i) => u.category !== before[i]!.category || u.chosenCategory !== before[i]!.chosenCategory);
    // Half the users are touched; a few draws leave what is shown as it was.
    expect(changed.length).toBeGreaterThan(before.length * 0.35);
    expect(changed.length).toBeLessThanOrEqual(Math.round((before.length - 1) * 0.5));
  });

  it('is off with churn: false', () => {
    const { pod, clock } = podAt(1, false);
    const before = pod.users;
    clock.advance(24 * HOUR);
    pod.advance();
    expect(pod.users).toEqual(before);
  });

  it('catches up cheaply after a long jump of the clock', () => {
    const { pod, clock } = podAt(1);
    clock.advance(365 * 24 * HOUR);
    const started = performance.now();
    pod.advance();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(pod.users.some((u) => u.timestamp > T0 + 364 * 24 * HOUR)).toBe(true);
  });
});
