// @vitest-environment node
/** The state the engine's parts share, through the engine: listeners, the requesting user, the side of unknown users. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PresenceSync, SyncEvent } from '../../src/sync';
import { MINUTE, SECOND, readsOf, setupPod, startSync, usersOf } from './harness';

const engines: PresenceSync[] = [];
const track = (s: PresenceSync) => (engines.push(s), s);

afterEach(() => {
  for (const e of engines.splice(0)) e.destroy();
  vi.useRealTimers();
});

describe('shared state', () => {
  it('a listener that throws stops neither the engine nor the other listeners', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const sync = track(startSync(pod));
    const heard: SyncEvent[] = [];
    sync.subscribe(() => {
      throw new Error('a bug in the app');
    });
    sync.subscribe((e) => heard.push(e));
    sync.retain(internal[0]!);
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(heard.filter((e) => e.type === 'presence')).not.toHaveLength(0);
    expect(readsOf(pod, internal[0]!)).toHaveLength(3);
  });

  it('a user of an unknown side is due at the external gap until the own tenant is known', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    const sync = track(startSync(pod));
    sync.retain(id);
    // Before anything is known: no side, no read yet, due at once.
    expect(sync.getState(id)).toMatchObject({ external: undefined, nextReadAt: Date.now() });
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(sync.getState(id).external).toBe(false);
    expect(sync.getState(id).nextReadAt).toBe(sync.getState(id).lastReadAt! + MINUTE);
  });

  it('a tenant given in the configuration is kept when the own presence names the user', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const otherTenant = pod.users.find((u) => u.id === external[0])!.tenantId;
    // An app that says the user belongs to another company (say, a wrong config) is believed:
    // the own presence teaches the id, not the tenant.
    const sync = track(startSync(pod, { selfTenant: otherTenant }));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(sync.selfUserId).toBe(pod.defaultUserId);
    expect(sync.isExternal(external[0]!)).toBe(false);
    expect(sync.isExternal(internal[0]!)).toBe(true);
  });

  it('the own id shown as a user is the own presence: one answer updates both', async () => {
    const pod = setupPod();
    const sync = track(startSync(pod));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    const me = sync.selfUserId!;
    sync.retain(me);
    await vi.advanceTimersByTimeAsync(SECOND);
    await sync.setOwnPresence({ category: 'BUSY' });
    expect(sync.getState(me).presence?.category).toBe('BUSY');
    expect(sync.getState('self').presence?.category).toBe('BUSY');
    pod.setUserPresence(me, 'AWAY');
    await vi.advanceTimersByTimeAsync(MINUTE + SECOND);
    expect(sync.getState(me).presence?.category).toBe('AWAY');
    expect(sync.getState('self').presence?.category).toBe('AWAY');
  });

  it('the own id answered by the pod-wide listing also updates the own presence', async () => {
    const pod = setupPod();
    const sync = track(startSync(pod));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(SECOND);
    const me = sync.selfUserId!;
    expect(sync.getState('self').presence?.category).not.toBe('AWAY');
    pod.setUserPresence(me, 'AWAY');
    sync.retainPodListing();
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(sync.getPodListing().listing?.userIds).toContain(me);
    expect(sync.getState(me).presence?.category).toBe('AWAY');
    expect(sync.getState('self').presence?.category).toBe('AWAY');
  });

  it('a user seen for the first time has not been registered afresh yet: a 403 of an external user registers again first', async () => {
    const pod = setupPod();
    const id = usersOf(pod).external[0]!;
    pod.faults.add({ route: 'getUser', userId: id, status: 403, times: 1 });
    const sync = track(startSync(pod, { selfTenant: pod.homeTenantId }));
    sync.retain(id);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(sync.getState(id)).toMatchObject({ stopped: false, error: undefined });
    expect(sync.getState(id).presence?.userId).toBe(id);
    expect(pod.ledger.filter((e) => e.route === 'register')).toHaveLength(2);
  });
});

