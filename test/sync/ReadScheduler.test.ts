// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PresenceSync, SyncEvent } from '../../src/sync';
import { HOUR, MINUTE, SECOND, T0, readsOf, setupPod, startSync, usersOf } from './harness';

const engines: PresenceSync[] = [];
const track = (s: PresenceSync) => (engines.push(s), s);

afterEach(() => {
  for (const e of engines.splice(0)) e.destroy();
  vi.useRealTimers();
});

describe('faults', () => {
  it('a 429 waits at least Retry-After (seconds form)', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    pod.faults.add({ route: 'getUser', userId: id, status: 429, retryAfter: '120', times: 1 });
    const sync = track(startSync(pod));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    // A first 429 is no error (issue 11: another app may have spent the budget): still loading,
    // with the next read at Retry-After.
    expect(sync.getState(id).error).toBeUndefined();
    expect(sync.getState(id).presence).toBeUndefined();
    expect(sync.getState(id).nextReadAt).toBe(T0 + 120 * SECOND);
    await vi.advanceTimersByTimeAsync(118 * SECOND);
    expect(readsOf(pod, id)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    expect(readsOf(pod, id)).toHaveLength(2);
    expect(sync.getState(id).error).toBeUndefined();
    expect(sync.getState(id).presence?.userId).toBe(id);
  });

  it('a second 429 in a row with nothing known is shown as an error', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    pod.faults.add({ route: 'getUser', userId: id, status: 429, retryAfter: '60', times: 2 });
    const sync = track(startSync(pod));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(sync.getState(id).error).toBeUndefined();
    await vi.advanceTimersByTimeAsync(60 * SECOND);
    expect(sync.getState(id).error).toMatchObject({ kind: 'rate-limited', retryAfterMs: 60_000 });
  });

  it('a 429 waits at least Retry-After (HTTP-date form)', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    pod.faults.add({ route: 'getUser', userId: id, status: 429, retryAfter: new Date(T0 + 90_000).toUTCString(), times: 1 });
    const sync = track(startSync(pod));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(89 * SECOND);
    expect(readsOf(pod, id)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    expect(readsOf(pod, id)).toHaveLength(2);
  });

  it('500s back off exponentially up to the cap and recover; the error is never shown as OFFLINE', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    const remove = pod.faults.add({ route: 'getUser', userId: id, status: 500 });
    const sync = track(startSync(pod));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(HOUR);
    const failed = readsOf(pod, id).length;
    // 1 + backoff 0.75 s, 1.5 s, 3 s ... capped at 225 s (jitter 0.5 of 300 s): about 20 in an hour, never a storm.
    expect(failed).toBeGreaterThan(10);
    expect(failed).toBeLessThanOrEqual(30);
    expect(sync.getState(id).error?.kind).toBe('server');
    expect(sync.getState(id).presence).toBeUndefined();
    remove();
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(sync.getState(id).error).toBeUndefined();
    expect(sync.getState(id).presence?.userId).toBe(id);
  });

  it('403 and 404 stop polling that user with a distinct error', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const [a, b] = [internal[0]!, internal[1]!];
    pod.faults.add({ route: 'getUser', userId: a, status: 403 });
    pod.faults.add({ route: 'getUser', userId: b, status: 404 });
    const sync = track(startSync(pod));
    sync.retain(a);
    sync.retain(b);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(readsOf(pod, a)).toHaveLength(1);
    expect(readsOf(pod, b)).toHaveLength(1);
    expect(sync.getState(a)).toMatchObject({ stopped: true, error: { kind: 'forbidden' } });
    expect(sync.getState(b)).toMatchObject({ stopped: true, error: { kind: 'not-found' } });
  });

  it('malformed bodies become invalid-response errors and unknown categories stay unknown', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const [a, b] = [internal[0]!, internal[1]!];
    pod.faults.add({ route: 'getUser', userId: a, body: '{"category": ', times: 1 });
    pod.faults.add({ route: 'getUser', userId: b, category: 'FOCUSING' });
    const sync = track(startSync(pod));
    sync.retain(a);
    sync.retain(b);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(sync.getState(a).error?.kind).toBe('invalid-response');
    expect(sync.getState(b).presence).toMatchObject({ category: 'FOCUSING', isUnknown: true });
  });

  it('a late response never overwrites newer presence', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    const sync = track(startSync(pod));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    const first = sync.getState(id).presence!;
    // The next read is slow; meanwhile the user changes and another tab shares the newer value.
    pod.faults.add({ route: 'getUser', userId: id, latencyMs: 30 * SECOND, times: 1 });
    await vi.advanceTimersByTimeAsync(MINUTE);
    pod.setUserPresence(id, 'ON_THE_PHONE');
    const events: SyncEvent[] = [];
    sync.subscribe((e) => events.push(e));
    await vi.advanceTimersByTimeAsync(40 * SECOND);
    expect(first.timestamp).toBeDefined();
    expect(sync.getState(id).presence?.timestamp).toBeGreaterThanOrEqual(first.timestamp!);
  });
});

describe('visibility and housekeeping', () => {
  it('a hidden page stops polling and resumes within budget when shown', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    let visible = true;
    const listeners = new Set<() => void>();
    const sync = track(
      startSync(pod, {
        visibility: { isVisible: () => visible, subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) },
      }),
    );
    sync.retain(internal[0]!);
    await vi.advanceTimersByTimeAsync(SECOND);
    visible = false;
    listeners.forEach((l) => l());
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    expect(readsOf(pod, internal[0]!)).toHaveLength(1);
    visible = true;
    listeners.forEach((l) => l());
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(readsOf(pod, internal[0]!)).toHaveLength(2);
  });
});
