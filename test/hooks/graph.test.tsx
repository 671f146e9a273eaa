import { act, render, renderHook, screen } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GraphPresenceClient } from '../../src/client';
import {
  GraphPresenceProvider,
  PresenceDataProvider,
  useGraphPresenceSession,
  useMergedPresence,
  usePresence,
  usePresences,
  type UseMergedPresenceOptions,
  type UseMergedPresenceResult,
} from '../../src/hooks';
import { createMockPod, type MockPod } from '../../src/mock-pod';
import { mergePresences, type Presence, type UserId } from '../../src/model';
import { podClient, usersOf } from '../sync/harness';
import { ADELE, MINUTE, SECOND, T0, U, graphAdapter, graphClient, setupGraph } from '../support/graphHarness';

afterEach(() => {
  vi.useRealTimers();
});

const flush = (ms = SECOND) => act(() => vi.advanceTimersByTimeAsync(ms));

function setupBoth() {
  const graph = setupGraph();
  const pod = createMockPod({ seed: 7, churn: false });
  const symphonyId = usersOf(pod).internal[0]!;
  return { graph, pod, symphonyId, adapter: graphAdapter(graph) };
}

function wrapper(pod: MockPod | undefined, adapter: GraphPresenceClient | undefined) {
  const symphony = pod ? podClient(pod) : undefined;
  return ({ children }: { children: ReactNode }) => {
    let tree = <>{children}</>;
    if (adapter) tree = <GraphPresenceProvider client={adapter} options={{ random: () => 0.5 }}>{tree}</GraphPresenceProvider>;
    if (symphony) {
      tree = (
        <PresenceDataProvider client={symphony} crossTab={false} options={{ random: () => 0.5 }}>
          {tree}
        </PresenceDataProvider>
      );
    }
    return tree;
  };
}

function merged(
  env: { pod?: MockPod | undefined; adapter?: GraphPresenceClient | undefined },
  person: { symphonyId?: string; graphId?: string },
  options?: UseMergedPresenceOptions,
) {
  return renderHook(() => useMergedPresence(person, options), { wrapper: wrapper(env.pod, env.adapter) });
}

const summary = (r: UseMergedPresenceResult) =>
  r.merged ? `${r.merged.source}:${r.merged.category}${r.merged.graph ? `(${r.merged.graph.availability})` : ''}` : 'none';

describe('useMergedPresence', () => {
  it.each([
    ['Teams presenting beats Symphony available', 'AVAILABLE', U(4), 'graph:BUSY(DoNotDisturb)'],
    ['Symphony busy beats Teams available', 'BUSY', ADELE, 'symphony:BUSY'],
    ['Symphony on the phone beats Teams away', 'ON_THE_PHONE', U(5), 'symphony:ON_THE_PHONE'],
    ['Teams in a call beats Symphony away', 'AWAY', U(2), 'graph:ON_THE_PHONE(Busy)'],
    ['Teams available beats Symphony offline', 'OFFLINE', ADELE, 'graph:AVAILABLE(Available)'],
    ['Symphony available beats Teams out of office (no session)', 'AVAILABLE', U(8), 'symphony:AVAILABLE'],
    ['Teams out of office beats Symphony offline', 'OFFLINE', U(8), 'graph:OUT_OF_OFFICE(OutOfOffice)'],
  ])('%s', async (_name, category, graphId, expected) => {
    const env = setupBoth();
    env.pod.setUserPresence(env.symphonyId, category);
    const { result } = merged(env, { symphonyId: env.symphonyId, graphId });
    expect(result.current.isPending).toBe(true);
    await flush();
    expect(result.current.isPending).toBe(false);
    expect(summary(result.current)).toBe(expected);
    expect(result.current.sources.symphony?.presence?.category).toBe(category);
    expect(result.current.sources.graph?.presence?.source).toBe('graph');
  });

  it('a tie in rank without comparable timestamps goes to preferOnTie (default Symphony)', async () => {
    const env = setupBoth();
    env.pod.setUserPresence(env.symphonyId, 'AVAILABLE');
    const a = merged(env, { symphonyId: env.symphonyId, graphId: ADELE });
    await flush();
    expect(summary(a.result.current)).toBe('symphony:AVAILABLE');
    a.unmount();
    const b = merged(env, { symphonyId: env.symphonyId, graphId: ADELE }, { preferOnTie: 'graph' });
    await flush();
    expect(summary(b.result.current)).toBe('graph:AVAILABLE(Available)');
  });

  it('a tie in rank goes to the freshest timestamp when both have one', async () => {
    const env = setupBoth();
    env.pod.setUserPresence(env.symphonyId, 'AWAY');
    const { result } = merged(env, { symphonyId: env.symphonyId, graphId: U(5) });
    await flush();
    expect(summary(result.current)).toBe('symphony:AWAY');
    // Teams goes Be right back: same rank as Away, and the Graph adapter stamps the observed change.
    env.graph.setClientSession(U(5), '1', { availability: 'BeRightBack', activity: 'BeRightBack' });
    await flush(MINUTE);
    expect(result.current.sources.graph?.presence?.timestamp).toBeGreaterThan(T0);
    expect(summary(result.current)).toBe('graph:BE_RIGHT_BACK(BeRightBack)');
  });

  it('follows changes on either platform', async () => {
    const env = setupBoth();
    env.pod.setUserPresence(env.symphonyId, 'AVAILABLE');
    const { result } = merged(env, { symphonyId: env.symphonyId, graphId: ADELE });
    await flush();
    env.graph.setEvent(ADELE, 'meeting', true);
    await flush(MINUTE);
    expect(summary(result.current)).toBe('graph:IN_A_MEETING(Busy)');
  });

  it('an error on one source never hides the other, nor shows as offline', async () => {
    const env = setupBoth();
    env.pod.setUserPresence(env.symphonyId, 'AWAY');
    env.graph.faults.add({ route: 'getBatch', status: 503 });
    const { result } = merged(env, { symphonyId: env.symphonyId, graphId: U(4) });
    await flush();
    expect(summary(result.current)).toBe('symphony:AWAY');
    expect(result.current.sources.graph).toMatchObject({ presence: undefined, isPending: false, error: expect.objectContaining({ kind: 'server' }) });
    expect(result.current.isError).toBe(false);
  });

  it('a source that fails after reading drops out of the merge but keeps its last presence visible', async () => {
    const env = setupBoth();
    env.pod.setUserPresence(env.symphonyId, 'AWAY');
    const { result } = merged(env, { symphonyId: env.symphonyId, graphId: U(4) });
    await flush();
    expect(summary(result.current)).toBe('graph:BUSY(DoNotDisturb)');
    env.graph.faults.add({ route: 'getBatch', status: 500 });
    await flush(MINUTE);
    expect(result.current.sources.graph?.error).toBeDefined();
    expect(result.current.sources.graph?.presence?.graph?.availability).toBe('DoNotDisturb');
    expect(summary(result.current)).toBe('symphony:AWAY');
  });

  it('both sources failing: nothing merged, isError, never offline', async () => {
    const env = setupBoth();
    env.pod.faults.add({ route: 'getUser', status: 500 });
    env.graph.faults.add({ route: 'getBatch', status: 500 });
    const { result } = merged(env, { symphonyId: env.symphonyId, graphId: U(4) });
    await flush();
    expect(result.current.merged).toBeUndefined();
    expect(result.current.isError).toBe(true);
  });

  it('a missing provider or an invalid id is an error of that source only', async () => {
    const env = setupBoth();
    env.pod.setUserPresence(env.symphonyId, 'BUSY');
    const a = merged({ pod: env.pod }, { symphonyId: env.symphonyId, graphId: ADELE });
    await flush();
    expect(summary(a.result.current)).toBe('symphony:BUSY');
    expect(a.result.current.sources.graph?.error?.message).toMatch(/GraphPresenceProvider/);
    a.unmount();
    const b = merged(env, { symphonyId: env.symphonyId, graphId: 'alice@contoso.com' });
    await flush();
    expect(summary(b.result.current)).toBe('symphony:BUSY');
    expect(b.result.current.sources.graph?.error?.name).toBe('InvalidGraphUserIdError');
  });

  it('a person on one platform gets that platform only', async () => {
    const env = setupBoth();
    const { result } = merged(env, { graphId: U(2) });
    await flush();
    expect(summary(result.current)).toBe('graph:ON_THE_PHONE(Busy)');
    expect(result.current.sources.symphony).toBeUndefined();
    expect(env.pod.ledger).toHaveLength(0);
  });

  it('takes a custom rank', async () => {
    const env = setupBoth();
    env.pod.setUserPresence(env.symphonyId, 'AVAILABLE');
    // "Symphony first": any Symphony answer wins.
    const rank = (p: Presence) => (p.source === 'symphony' ? 1 : 0);
    const { result } = merged(env, { symphonyId: env.symphonyId, graphId: U(4) }, { rank });
    await flush();
    expect(summary(result.current)).toBe('symphony:AVAILABLE');
  });
});

describe('mergePresences', () => {
  const p = (source: 'symphony' | 'graph', category: string, timestamp?: number, availability?: string): Presence => ({
    userId: '1' as UserId,
    category,
    isUnknown: false,
    timestamp,
    source,
    ...(availability ? { graph: { availability, activity: availability, outOfOffice: false } } : {}),
  });
  it.each([
    ['higher rank wins whatever the time', [p('symphony', 'AWAY', 200), p('graph', 'BUSY', 100, 'Busy')], 'graph'],
    ['tie: the fresher timestamp', [p('symphony', 'AVAILABLE', 100), p('graph', 'AVAILABLE', 200, 'Available')], 'graph'],
    ['tie: the fresher timestamp, other order', [p('graph', 'AVAILABLE', 100, 'Available'), p('symphony', 'AVAILABLE', 200)], 'symphony'],
    ['tie without a timestamp: preferOnTie', [p('graph', 'AVAILABLE', undefined, 'Available'), p('symphony', 'AVAILABLE', 200)], 'symphony'],
    ['tie with equal timestamps: preferOnTie', [p('graph', 'AWAY', 5, 'Away'), p('symphony', 'AWAY', 5)], 'symphony'],
  ])('%s', (_name, list, source) => {
    expect(mergePresences(list)?.source).toBe(source);
  });
  it('is undefined for no candidates', () => {
    expect(mergePresences([])).toBeUndefined();
  });
});

describe('usePresence on a Graph source', () => {
  function Person({ id }: { id: string }) {
    const q = usePresence(id);
    if (q.error) return <span data-testid="p">error:{q.error.name}</span>;
    return <span data-testid="p">{q.data ? `${q.data.category} ${q.data.graph?.availability}/${q.data.graph?.activity} ${q.data.graph?.id}` : 'loading'}</span>;
  }

  it('takes a GUID and shows the mapped category with Graph details', async () => {
    const graph = setupGraph();
    render(
      <PresenceDataProvider client={graphAdapter(graph)} options={{ random: () => 0.5 }}>
        <Person id={U(4)} />
      </PresenceDataProvider>,
    );
    await flush();
    expect(screen.getByTestId('p').textContent).toBe(`BUSY DoNotDisturb/Presenting ${U(4)}`);
  });

  it('usePresences takes GUIDs, reads them in one batch and lists bad ids as invalid', async () => {
    const graph = setupGraph();
    const adapter = graphAdapter(graph);
    const { result } = renderHook(() => usePresences([U(2), U(4), 'alice@contoso.com', U(2)]), {
      wrapper: ({ children }) => <PresenceDataProvider client={adapter}>{children}</PresenceDataProvider>,
    });
    await flush();
    expect(result.current.invalid).toEqual(['alice@contoso.com']);
    expect(result.current.data.get(adapter.toKey(U(4)))?.graph?.activity).toBe('Presenting');
    expect([...result.current.data.values()].map((p) => p.graph?.id).sort()).toEqual([U(2), U(4)]);
    expect(graph.ledger.map((e) => e.route)).toEqual(['getBatch']);
  });

  it('an id that is not a GUID is an error state, not a request', async () => {
    const graph = setupGraph();
    render(
      <PresenceDataProvider client={graphAdapter(graph)}>
        <Person id="alice@contoso.com" />
      </PresenceDataProvider>,
    );
    await flush();
    expect(screen.getByTestId('p').textContent).toBe('error:InvalidGraphUserIdError');
    expect(graph.ledger).toHaveLength(0);
  });
});

describe('useGraphPresenceSession', () => {
  function Call({ activity, enabled = true }: { activity: string; enabled?: boolean }) {
    const graph = useGraphPresenceSessionClient();
    const s = useGraphPresenceSession({ client: graph, userId: ADELE, availability: 'Busy', activity, expirationDuration: 'PT1H', enabled });
    return <span data-testid="s">{s.error ? `error:${s.error.name}` : s.active ? 'active' : 'idle'}</span>;
  }
  let clientForTest: ReturnType<typeof graphClient>;
  const useGraphPresenceSessionClient = () => clientForTest;
  const alone = () => setupGraph({ users: [{ id: ADELE, displayName: 'Adele', clients: [] }] });
  const shown = (graph: ReturnType<typeof setupGraph>) => `${graph.getUser(ADELE)!.availability}/${graph.getUser(ADELE)!.activity}`;

  it('sets while mounted, renews, follows prop changes and clears on unmount (StrictMode-safe)', async () => {
    const graph = alone();
    clientForTest = graphClient(graph);
    const view = render(
      <StrictMode>
        <Call activity="InACall" />
      </StrictMode>,
    );
    await flush();
    expect(screen.getByTestId('s').textContent).toBe('active');
    expect(shown(graph)).toBe('Busy/InACall');
    // StrictMode's double effect must not send set, clear, set.
    expect(graph.ledger.map((e) => e.route)).toEqual(['setPresence']);

    await flush(2 * 60 * MINUTE);
    expect(shown(graph)).toBe('Busy/InACall');
    expect(graph.ledger.filter((e) => e.route === 'setPresence').length).toBe(3);

    view.rerender(
      <StrictMode>
        <Call activity="InAConferenceCall" />
      </StrictMode>,
    );
    await flush();
    expect(shown(graph)).toBe('Busy/InAConferenceCall');

    view.unmount();
    await flush();
    expect(graph.ledger.at(-1)?.route).toBe('clearPresence');
    expect(shown(graph)).toBe('Offline/Offline');
    const count = graph.ledger.length;
    await flush(2 * 60 * MINUTE);
    expect(graph.ledger.length).toBe(count);
  });

  it('enabled=false clears the session; an unsupported pair is an error, not a request', async () => {
    const graph = alone();
    clientForTest = graphClient(graph);
    const view = render(<Call activity="InACall" />);
    await flush();
    view.rerender(<Call activity="InACall" enabled={false} />);
    await flush();
    expect(shown(graph)).toBe('Offline/Offline');
    view.unmount();
    graph.clearLedger();
    render(<Call activity="InAMeeting" />);
    await flush();
    expect(screen.getByTestId('s').textContent).toBe('error:PresenceApiError');
    expect(graph.ledger).toHaveLength(0);
  });
});
