import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceDataProvider, usePresence } from '../../src/hooks';
import { createMemoryCoordinatorHub } from '../../src/sync';
import { HOUR, MINUTE, SECOND, podClient, setupPod, startSync, usersOf } from '../sync/harness';

/*
 * Guarantee: mount/unmount cycles leave no timers, listeners, cache entries or cross-tab
 * subscriptions behind, and a 24-hour session keeps its bookkeeping flat.
 */

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('long life', () => {
  it('10,000 retain/release cycles of 200 users leave nothing behind in the engine', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const users = [...internal.slice(0, 100), ...external.slice(0, 100)];
    const hub = createMemoryCoordinatorHub();
    const sync = startSync(pod, { coordinator: hub.connect() });
    await vi.advanceTimersByTimeAsync(0);
    for (let cycle = 0; cycle < 10_000; cycle++) {
      const releases = users.map((id) => sync.retain(id));
      for (const release of releases) release();
      if (cycle % 500 === 0) await vi.advanceTimersByTimeAsync(30 * SECOND);
    }
    expect(sync.stats().retained).toBe(0);
    await vi.advanceTimersByTimeAsync(2 * HOUR);
    // At most the requesting user's own entry survives: it is what tells internal from external.
    expect(sync.stats()).toMatchObject({ retained: 0, timers: 0, registrations: 0, remoteTabs: 0 });
    expect(sync.stats().entries).toBeLessThanOrEqual(1);
    sync.destroy();
    expect(hub.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  }, 60_000);

  it('mounting and unmounting 200 badges many times leaves no timers, listeners or cache entries', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const users = [...internal.slice(0, 100), ...external.slice(0, 100)];
    const listeners = new Map<string, number>();
    for (const target of [window, document]) {
      const add = target.addEventListener.bind(target);
      const remove = target.removeEventListener.bind(target);
      vi.spyOn(target, 'addEventListener').mockImplementation((type, fn, opts) => {
        listeners.set(type, (listeners.get(type) ?? 0) + 1);
        add(type, fn, opts);
      });
      vi.spyOn(target, 'removeEventListener').mockImplementation((type, fn, opts) => {
        listeners.set(type, (listeners.get(type) ?? 0) - 1);
        remove(type, fn, opts);
      });
    }
    function Badge({ id }: { id: string }) {
      const q = usePresence(id);
      return <i>{q.data?.category}</i>;
    }
    const queryClient = new QueryClient({ defaultOptions: { queries: { gcTime: MINUTE } } });
    const client = podClient(pod);
    const hub = createMemoryCoordinatorHub();
    const before = vi.getTimerCount();
    let baseline: Map<string, number> | undefined;
    for (let cycle = 0; cycle < 60; cycle++) {
      const view = render(
        <QueryClientProvider client={queryClient}>
          <PresenceDataProvider client={client} options={{ coordinator: hub.connect(), random: () => 0.5 }}>
            {users.map((id) => (
              <Badge key={id} id={id} />
            ))}
          </PresenceDataProvider>
        </QueryClientProvider>,
      );
      await act(() => vi.advanceTimersByTimeAsync(cycle % 10 === 0 ? MINUTE : 100));
      view.unmount();
      await act(() => vi.advanceTimersByTimeAsync(10));
      // React DOM adds a few document listeners once per page; what matters is that they do not grow.
      baseline ??= new Map(listeners);
    }
    await act(() => vi.advanceTimersByTimeAsync(2 * HOUR));
    expect(hub.size).toBe(0);
    expect(queryClient.getQueryCache().getAll()).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(before);
    for (const [type, count] of listeners) expect(count, `${type} listeners left`).toBe(baseline?.get(type) ?? 0);
    expect(listeners.get('visibilitychange') ?? 0).toBe(0);
  }, 60_000);

  it('a simulated 24-hour session keeps its bookkeeping flat', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const sync = startSync(pod);
    const shown = [...internal.slice(0, 15), ...external.slice(0, 15)];
    shown.forEach((id) => sync.retain(id));
    sync.retain('self');
    await vi.advanceTimersByTimeAsync(HOUR);
    const start = { ...sync.stats(), timers: vi.getTimerCount() };
    for (let hour = 1; hour < 24; hour++) {
      // People come and go from the roster every hour.
      const extra = internal.slice(40 + (hour % 10) * 5, 45 + (hour % 10) * 5).map((id) => sync.retain(id));
      await vi.advanceTimersByTimeAsync(HOUR / 2);
      extra.forEach((release) => release());
      await vi.advanceTimersByTimeAsync(HOUR / 2);
    }
    await vi.advanceTimersByTimeAsync(2 * HOUR);
    const end = { ...sync.stats(), timers: vi.getTimerCount() };
    expect(end.entries).toBe(start.entries);
    expect(end.registrations).toBe(start.registrations);
    expect(end.timers).toBeLessThanOrEqual(start.timers);
    sync.destroy();
  }, 60_000);
});
