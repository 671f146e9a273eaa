import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render, screen } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UserId } from '../../src/model';
import { PresenceDataProvider, presenceQueries, usePresence, usePresences, useSetPresence } from '../../src/hooks';
import { MINUTE, SECOND, budgetViolations, podClient, readsOf, setupPod, usersOf } from '../sync/harness';
import { renderWithPod } from '../utils';

afterEach(() => {
  vi.useRealTimers();
});

function Badge({ id, testId }: { id?: string | number | null; testId?: string }) {
  const q = usePresence(id);
  const text = q.isError
    ? `error:${(q.error as { kind?: string }).kind ?? q.error.name}`
    : q.data
      ? `${q.data.category}${q.data.isExternal ? ' (ext)' : ''}`
      : 'loading';
  return <span data-testid={testId ?? `b-${String(id)}`}>{text}</span>;
}

const flush = (ms = SECOND) => act(() => vi.advanceTimersByTimeAsync(ms));

describe('usePresence', () => {
  it('shows the requesting user when no id is given, and any user by id', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    renderWithPod(
      pod,
      <>
        <Badge testId="me" />
        <Badge id={internal[0]} />
        <Badge id={external[0]} />
      </>,
    );
    expect(screen.getByTestId('me').textContent).toBe('loading');
    await flush();
    expect(screen.getByTestId('me').textContent).toBe(pod.getUser(pod.defaultUserId)!.category);
    expect(screen.getByTestId(`b-${internal[0]}`).textContent).toBe(pod.getUser(internal[0]!)!.category);
    expect(screen.getByTestId(`b-${external[0]}`).textContent).toMatch(/\(ext\)$/);
  });

  it('one request serves every component showing a user', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    renderWithPod(
      pod,
      <>
        {[1, 2, 3, 4, 5].map((n) => (
          <Badge key={n} id={id} testId={`x${n}`} />
        ))}
      </>,
    );
    await flush();
    expect(readsOf(pod, id)).toHaveLength(1);
    for (const n of [1, 2, 3, 4, 5]) expect(screen.getByTestId(`x${n}`).textContent).not.toBe('loading');
  });

  it('an invalid id gives an error state and never reaches the network', async () => {
    const pod = setupPod();
    renderWithPod(
      pod,
      <>
        <Badge id="../admin" testId="a" />
        <Badge id="1?x=" testId="b" />
        <Badge id={-5} testId="c" />
      </>,
    );
    await flush();
    for (const t of ['a', 'b', 'c']) expect(screen.getByTestId(t).textContent).toBe('error:InvalidUserIdError');
    expect(pod.ledger.filter((e) => e.route === 'getUser')).toHaveLength(0);
  });

  it.each([
    ['its own QueryClient', false],
    ["the app's QueryClientProvider", true],
  ])('StrictMode with %s: the first render goes from loading to the value, never through an error', async (_, outer) => {
    // StrictMode runs every effect twice, children before parents: the queries' second fetch ran
    // while the provider's effect had detached the engine, and showed "no provider" for a moment.
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const shown: string[] = [];
    function Watched({ id, testId }: { id?: string; testId: string }) {
      const q = usePresence(id);
      shown.push(`${testId}:${q.isError ? `error:${q.error.message}` : q.data ? 'value' : 'loading'}`);
      return null;
    }
    const ui = (
      <>
        <Watched testId="me" />
        <Watched id={internal[0]} testId="internal" />
        <Watched id={external[0]} testId="external" />
      </>
    );
    const client = podClient(pod);
    const tree = (
      <PresenceDataProvider client={client} crossTab={false}>
        {ui}
      </PresenceDataProvider>
    );
    render(<StrictMode>{outer ? <QueryClientProvider client={new QueryClient()}>{tree}</QueryClientProvider> : tree}</StrictMode>);
    await flush();
    expect(shown.filter((s) => s.includes(':error:'))).toEqual([]);
    for (const t of ['me', 'internal', 'external']) expect(shown).toContain(`${t}:value`);
  });

  it('StrictMode, remounts and focus events never read an external user twice within 5 minutes', async () => {
    const pod = setupPod();
    const { external } = usersOf(pod);
    const id = external[0]!;
    const view = renderWithPod(pod, <Badge id={id} />, { strict: true });
    await flush();
    for (let i = 0; i < 10; i++) {
      view.rerenderUi(<></>);
      await flush(100);
      view.rerenderUi(<Badge id={id} />);
      window.dispatchEvent(new Event('focus'));
      window.dispatchEvent(new Event('online'));
      document.dispatchEvent(new Event('visibilitychange'));
      await flush(10 * SECOND);
    }
    expect(readsOf(pod, id)).toHaveLength(1);
    await flush(5 * MINUTE);
    expect(readsOf(pod, id)).toHaveLength(2);
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('an error is shown as an error, never as OFFLINE, and clears when the pod recovers', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const id = internal[0]!;
    const remove = pod.faults.add({ route: 'getUser', userId: id, status: 503 });
    renderWithPod(pod, <Badge id={id} />);
    await flush();
    expect(screen.getByTestId(`b-${id}`).textContent).toBe('error:server');
    remove();
    await flush(2 * MINUTE);
    expect(screen.getByTestId(`b-${id}`).textContent).toBe(pod.getUser(id)!.category);
  });

  it('supports select and enabled', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    function Selected({ enabled }: { enabled: boolean }) {
      const q = usePresence(internal[1], { enabled, select: (p) => p.category.length });
      return <span data-testid="sel">{q.data ?? 'none'}</span>;
    }
    const view = renderWithPod(pod, <Selected enabled={false} />);
    await flush();
    expect(screen.getByTestId('sel').textContent).toBe('none');
    expect(readsOf(pod, internal[1]!)).toHaveLength(0);
    view.rerenderUi(<Selected enabled />);
    await flush();
    expect(screen.getByTestId('sel').textContent).toBe(String(pod.getUser(internal[1]!)!.category.length));
  });
});

describe('usePresences', () => {
  it('returns one map for many users and lists invalid ids separately', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const ids = [...internal.slice(0, 5), ...external.slice(0, 5)];
    let last: ReturnType<typeof usePresences> | undefined;
    function Roster() {
      last = usePresences([...ids, 'nope']);
      return <span data-testid="count">{last.data.size}</span>;
    }
    renderWithPod(pod, <Roster />);
    await flush();
    expect(screen.getByTestId('count').textContent).toBe('10');
    expect(last!.invalid).toEqual(['nope']);
    expect(last!.isPending).toBe(false);
    for (const id of ids) expect(last!.data.get(id as UserId)?.userId).toBe(id);
  });
});

describe('useSetPresence', () => {
  it('is optimistic on every component showing the user and rolls back with a visible error', async () => {
    const pod = setupPod({ latencyMs: 500 });
    let mutation: ReturnType<typeof useSetPresence> | undefined;
    function Picker() {
      mutation = useSetPresence();
      return <span data-testid="err">{mutation.error ? 'failed' : 'ok'}</span>;
    }
    renderWithPod(
      pod,
      <>
        <Badge testId="me" />
        <Badge id={pod.defaultUserId} testId="me2" />
        <Picker />
      </>,
    );
    await flush();
    const before = screen.getByTestId('me').textContent;
    const next = before === 'BUSY' ? 'AVAILABLE' : 'BUSY';
    act(() => mutation!.mutate({ category: next }));
    await flush(10);
    expect(screen.getByTestId('me').textContent).toBe(next);
    expect(screen.getByTestId('me2').textContent).toBe(next);
    await flush();
    expect(pod.getUser(pod.defaultUserId)!.chosenCategory).toBe(next);

    pod.faults.add({ route: 'setOwn', status: 403 });
    act(() => mutation!.mutate({ category: 'OUT_OF_OFFICE' }));
    await flush(10);
    expect(screen.getByTestId('me').textContent).toBe('OUT_OF_OFFICE');
    await flush();
    expect(screen.getByTestId('me').textContent).toBe(next);
    expect(screen.getByTestId('me2').textContent).toBe(next);
    expect(screen.getByTestId('err').textContent).toBe('failed');
  });
});

describe('presenceQueries', () => {
  it('prefetches and reads the cache the same way the hooks do', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    const view = renderWithPod(pod, <Badge id={internal[2]} />);
    await flush();
    const cached = view.queryClient.getQueryData(presenceQueries.user(internal[2]!).queryKey);
    expect(cached?.userId).toBe(internal[2]);
    const prefetched = view.queryClient.fetchQuery(presenceQueries.user(internal[3]!));
    await flush();
    await expect(prefetched).resolves.toMatchObject({ userId: internal[3] });
    expect(readsOf(pod, internal[3]!)).toHaveLength(1);
  });
});

describe('usePresence local', () => {
  it.each([
    ['local reads free (ASM-LOCAL-FREE on)', true],
    ['local reads counted (ASM-LOCAL-FREE off)', false],
  ])(
    'reads with ?local=true through the engine: external users OFFLINE, no registration, at most once per 5 minutes (%s)',
    async (_label, localReadsFree) => {
      const pod = setupPod({ assumptions: { localReadsFree } });
      const { internal, external } = usersOf(pod);
      function Local({ id }: { id: string }) {
        const q = usePresence(id, { local: true });
        return <span data-testid={`l-${id}`}>{q.error ? 'error' : (q.data?.category ?? 'loading')}</span>;
      }
      renderWithPod(
        pod,
        <>
          <Local id={internal[0]!} />
          <Local id={external[0]!} />
          <Local id={external[0]!} />
        </>,
      );
      await flush();
      for (const el of screen.getAllByTestId(`l-${external[0]}`)) expect(el.textContent).toBe('OFFLINE');
      expect(screen.getByTestId(`l-${internal[0]}`).textContent).toBe(pod.getUser(internal[0]!)!.category);
      await flush(11 * MINUTE - SECOND);
      const externalReads = readsOf(pod, external[0]!);
      expect(externalReads.every((e) => e.url.includes('local=true'))).toBe(true);
      // No seed exempts local reads from the 5-minute limit (SYM-GUP-4, SYM-RI-6): 0, 5:01, 10:02.
      expect(externalReads).toHaveLength(3);
      // The pod's own users keep the internal interval: one read a minute, for both components.
      expect(readsOf(pod, internal[0]!)).toHaveLength(12); // minutes 0 to 11
      expect(pod.ledger.filter((e) => e.route === 'register')).toHaveLength(0);
      expect(pod.ledger.filter((e) => e.status === 429)).toEqual([]);
    },
  );
});

describe('usePresences source pod', () => {
  it('reads the pod own users with the pod-wide listing and external users one by one', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const ids = [...internal.slice(0, 30), ...external.slice(0, 3)];
    let last: ReturnType<typeof usePresences> | undefined;
    function Roster() {
      last = usePresences(ids, { source: 'pod' });
      return <span data-testid="n">{last.data.size}</span>;
    }
    renderWithPod(pod, <Roster />);
    await flush(2 * SECOND);
    await flush(3 * MINUTE);
    // Internal users come from the listing: no per-user reads for them.
    for (const id of internal.slice(0, 30)) expect(readsOf(pod, id)).toHaveLength(0);
    const lists = pod.ledger.filter((e) => e.route === 'listAll');
    expect(lists.length).toBeGreaterThanOrEqual(4);
    expect(lists.length).toBeLessThanOrEqual(5);
    // Pages of 5,000, the most the spec allows, as the listing's docs advise for a whole pod.
    for (const e of lists) expect(e.url).toContain('limit=5000');
    for (const id of external.slice(0, 3)) expect(last!.data.get(id as UserId)?.isExternal).toBe(true);
    const listedInternal = internal.slice(0, 30).filter((id) => last!.data.has(id as UserId));
    expect(listedInternal.length).toBeGreaterThan(20);
    for (const id of listedInternal) expect(last!.data.get(id as UserId)?.category).toBe(pod.getUser(id)!.category);
    expect(budgetViolations(pod)).toEqual([]);
  });

  it('the listing is read by the engine: one tab for all, Retry-After kept', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    pod.faults.add({ route: 'listAll', status: 429, retryAfter: '90', times: 1 });
    function Roster() {
      usePresences(internal.slice(0, 5), { source: 'pod' });
      return null;
    }
    renderWithPod(pod, <Roster />);
    await flush(80 * SECOND);
    expect(pod.ledger.filter((e) => e.route === 'listAll')).toHaveLength(1);
    await flush(15 * SECOND);
    expect(pod.ledger.filter((e) => e.route === 'listAll' && e.status === 200)).toHaveLength(1);
  });

  it('keeps the view object of every user whose presence did not change, so memoised rows skip them', async () => {
    const pod = setupPod();
    const ids = usersOf(pod).internal.slice(0, 20) as UserId[];
    const results: Array<ReturnType<typeof usePresences>> = [];
    function Roster() {
      const result = usePresences(ids, { source: 'pod' });
      results.push(result);
      return null;
    }
    renderWithPod(pod, <Roster />);
    await flush(2 * SECOND);
    const first = results.at(-1)!;
    const listed = ids.filter((id) => first.data.has(id));
    const changed = listed[3]!;
    const next = pod.getUser(changed)!.category === 'BUSY' ? 'AWAY' : 'BUSY';
    pod.setUserPresence(changed, next);
    await flush(MINUTE);
    const second = results.at(-1)!;
    expect(second).not.toBe(first);
    expect(second.data.get(changed)?.category).toBe(next);
    expect(second.data.get(changed)).not.toBe(first.data.get(changed));
    for (const id of listed.filter((id) => id !== changed)) expect(second.data.get(id), id).toBe(first.data.get(id));
  });

  it('falls back to one read per user when the session may not list the pod', async () => {
    const pod = setupPod();
    const { internal } = usersOf(pod);
    pod.faults.add({ route: 'listAll', status: 403 });
    let last: ReturnType<typeof usePresences> | undefined;
    function Roster() {
      last = usePresences(internal.slice(0, 5), { source: 'pod' });
      return null;
    }
    renderWithPod(pod, <Roster />);
    await flush(2 * SECOND);
    await flush(2 * SECOND);
    expect(last!.data.size).toBe(5);
    for (const id of internal.slice(0, 5)) expect(readsOf(pod, id)).toHaveLength(1);
  });
});
