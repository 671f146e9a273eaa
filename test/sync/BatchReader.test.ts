// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceApiError, type SymphonyClient } from '../../src/client';
import type { UserId } from '../../src/model';
import type { PresenceSync } from '../../src/sync';
import { MINUTE, SECOND, podClient, setupPod, startSync, usersOf } from './harness';

const engines: PresenceSync[] = [];
const track = (s: PresenceSync) => (engines.push(s), s);

afterEach(() => {
  for (const e of engines.splice(0)) e.destroy();
  vi.useRealTimers();
});

describe('sources with batch reads and no external rules', () => {
  it('reads users that fall due together in one call and never registers', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const base = (await import('./harness')).podClient(pod);
    const batches: string[][] = [];
    const client = {
      ...base,
      capabilities: { externalLimits: false, maxBatch: 3 },
      async getUsersPresence(ids: readonly UserId[]) {
        batches.push([...ids]);
        // Leave the last id out: it must fail as not-found, not hang.
        return Promise.all(ids.slice(0, -1).map((id) => base.getUserPresence(id)));
      },
      registerInterest: () => Promise.reject(new Error('must not register')),
    };
    const sync = track(startSync(pod, {}, client));
    const ids = [...internal.slice(0, 3), ...external.slice(0, 2)];
    for (const id of ids) sync.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(batches.map((b) => b.length)).toEqual([3, 2]);
    expect(sync.getState(ids[2]!).error?.kind).toBe('not-found');
    expect(sync.getState(ids[0]!).presence).toBeDefined();
    expect(sync.getState(external[0]!).external).toBe(false);
    expect(pod.ledger.filter((e) => e.route === 'register')).toHaveLength(0);
  });

  /** The pod's client with batch reads (recorded in `batches`), under the given capabilities. */
  function batchClient(
    pod: ReturnType<typeof setupPod>,
    capabilities: SymphonyClient['capabilities'],
    answer?: (ids: readonly UserId[], call: number) => Promise<void> | void,
  ) {
    const base = podClient(pod);
    const batches: string[][] = [];
    const client: SymphonyClient = {
      ...base,
      capabilities,
      async getUsersPresence(ids: readonly UserId[]) {
        batches.push([...ids]);
        await answer?.(ids, batches.length);
        return Promise.all(ids.map((id) => base.getUserPresence(id)));
      },
    };
    return { client, batches };
  }

  it('a batch that fails fails each of its users with its error, and the next batch still goes', async () => {
    const pod = setupPod();
    const ids = usersOf(pod).internal.slice(0, 4);
    const { client, batches } = batchClient(pod, { externalLimits: false, maxBatch: 2 }, (_ids, call) => {
      if (call === 1) throw new PresenceApiError({ kind: 'server', status: 503, endpoint: 'batch presence read' });
    });
    const sync = track(startSync(pod, {}, client));
    for (const id of ids) sync.retain(id);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(batches).toEqual([ids.slice(0, 2), ids.slice(2)]);
    for (const id of ids.slice(0, 2)) expect(sync.getState(id).error).toMatchObject({ kind: 'server', status: 503 });
    for (const id of ids.slice(2)) expect(sync.getState(id).presence?.userId).toBe(id);
  });

  it('a user the batch leaves out fails as not found, named after the batch read', async () => {
    const pod = setupPod();
    const [id] = usersOf(pod).internal;
    const base = podClient(pod);
    const client: SymphonyClient = { ...base, capabilities: { externalLimits: false }, getUsersPresence: async () => [] };
    const sync = track(startSync(pod, {}, client));
    const read = sync.read(id!).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(await read).toMatchObject({ kind: 'not-found', status: 404, endpoint: 'batch presence read' });
  });

  it('without a maxBatch (or any capabilities) a source gets batches of up to GRAPH_BATCH_MAX', async () => {
    for (const capabilities of [{ externalLimits: false }, undefined]) {
      const pod = setupPod();
      const ids = usersOf(pod).internal.slice(0, 5);
      const { client, batches } = batchClient(pod, capabilities);
      const sync = track(startSync(pod, {}, client));
      for (const id of ids) sync.retain(id);
      await vi.advanceTimersByTimeAsync(SECOND);
      expect(batches).toEqual([ids]);
      for (const id of ids) expect(sync.getState(id).presence?.userId).toBe(id);
      sync.destroy();
      vi.useRealTimers();
    }
  });

  it('counts its gathering timer, and sends nothing once destroyed within the window', async () => {
    const pod = setupPod();
    const [a, b] = usersOf(pod).internal;
    const { client, batches } = batchClient(pod, { externalLimits: false });
    const sync = startSync(pod, { registrationWindowMs: 100 }, client);
    sync.retain(a!);
    await vi.advanceTimersByTimeAsync(10);
    // The batch gathers: its timer is the engine's only one.
    expect(sync.stats().timers).toBe(1);
    sync.retain(b!);
    await vi.advanceTimersByTimeAsync(10);
    sync.destroy();
    expect(sync.stats().timers).toBe(0);
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(batches).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a batch that never answers times out like any read: the users show a network error and are read again', async () => {
    const pod = setupPod();
    const [id] = usersOf(pod).internal;
    const { client, batches } = batchClient(pod, { externalLimits: false }, (_ids, call) =>
      call === 1 ? new Promise<void>(() => undefined) : undefined,
    );
    const sync = track(startSync(pod, { requestTimeoutMs: 10 * SECOND }, client));
    sync.retain(id!);
    await vi.advanceTimersByTimeAsync(11 * SECOND);
    expect(sync.getState(id!).error).toMatchObject({ kind: 'network', status: 0 });
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(sync.getState(id!).presence?.userId).toBe(id);
  });
});
