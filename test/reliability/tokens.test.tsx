import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSymphonyClient } from '../../src/client';
import { PresenceDataProvider, usePresence, useSetPresence } from '../../src/hooks';
import { DEFAULT_SESSION_TOKEN } from '../../src/mock-pod';
import { createMemoryCoordinatorHub, type SyncMessage } from '../../src/sync';
import { MINUTE, POD_URL, SECOND, podFetch, setupPod, usersOf } from '../sync/harness';

/*
 * Guarantee: the session token appears only in the `sessionToken` header of requests to the
 * configured pod origin. Never in URLs, the query cache, storage, the DOM, console output,
 * error messages or cross-tab messages.
 */

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function Show({ id }: { id?: string }) {
  const q = usePresence(id);
  return <span title={q.error?.message}>{q.data?.category ?? q.error?.message ?? '…'}</span>;
}

describe('session tokens', () => {
  it('never leave the sessionToken header, through refreshes, errors and tabs', async () => {
    const pod = setupPod();
    const { internal, external } = usersOf(pod);
    const secret = (n: number) => `tok-SECRET-${n}-${'x'.repeat(8)}`;
    let generation = 0;
    const issued = new Set<string>();
    // The emulator only knows its own tokens: map our distinctive ones onto sessions it issued.
    const toPod = new Map<string, string>();
    const newToken = () => {
      const token = secret(++generation);
      issued.add(token);
      toPod.set(token, generation === 1 ? DEFAULT_SESSION_TOKEN : pod.createSession({ userId: pod.defaultUserId }));
      return token;
    };
    let current = newToken();
    const seen: Array<{ url: string; headers: Array<[string, string]> }> = [];
    const inner = podFetch(pod);
    const fetchSpy: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      seen.push({ url: request.url, headers: [...request.headers.entries()] });
      const headers = new Headers(request.headers);
      const token = headers.get('sessionToken');
      if (token) headers.set('sessionToken', toPod.get(token) ?? 'unknown');
      return inner(new Request(request, { headers }));
    };
    const client = createSymphonyClient({
      podUrl: POD_URL,
      fetch: fetchSpy,
      getSessionToken: ({ forceRefresh }) => (forceRefresh ? (current = newToken()) : current),
    });
    const logs: string[] = [];
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logs.push(args.map(String).join(' ')));
    }
    const hub = createMemoryCoordinatorHub();
    const messages: SyncMessage[] = [];
    const leaderTab = hub.connect();
    const post = leaderTab.post.bind(leaderTab);
    leaderTab.post = (m) => {
      messages.push(m);
      post(m);
    };
    const follower = hub.connect();
    follower.onMessage((m) => messages.push(m));

    pod.faults.add({ route: 'getUser', userId: internal[1]!, status: 500, times: 3 });
    pod.faults.add({ route: 'getUser', userId: internal[2]!, status: 403, body: JSON.stringify({ code: 403, message: `echo ${current}` }) });
    let mutate: ReturnType<typeof useSetPresence>['mutate'] | undefined;
    function Setter() {
      mutate = useSetPresence().mutate;
      return null;
    }
    const queryClient = new QueryClient();
    const view = render(
      <QueryClientProvider client={queryClient}>
        <PresenceDataProvider client={client} options={{ coordinator: leaderTab, random: () => 0.5 }}>
          <Show />
          {[...internal.slice(0, 4), ...external.slice(0, 3)].map((id) => (
            <Show key={id} id={id} />
          ))}
          <Setter />
        </PresenceDataProvider>
      </QueryClientProvider>,
    );
    await act(() => vi.advanceTimersByTimeAsync(5 * SECOND));
    pod.expireSession(toPod.get(current)!);
    await act(() => vi.advanceTimersByTimeAsync(2 * MINUTE));
    act(() => mutate!({ category: 'BUSY' }));
    pod.faults.add({ route: 'setOwn', status: 500, times: 5 });
    act(() => mutate!({ category: 'AWAY' }));
    await act(() => vi.advanceTimersByTimeAsync(10 * MINUTE));

    expect(generation).toBeGreaterThan(1);
    expect(seen.length).toBeGreaterThan(20);
    const haystacks: Array<[string, string]> = [
      ['urls', seen.map((s) => s.url).join('\n')],
      ['non-token headers', seen.flatMap((s) => s.headers.filter(([k]) => k !== 'sessiontoken')).join('\n')],
      ['query cache', JSON.stringify(queryClient.getQueryCache().getAll().map((q) => [q.queryKey, q.state.data, q.state.error && { ...q.state.error, message: q.state.error.message }]))],
      ['mutation cache', JSON.stringify(queryClient.getMutationCache().getAll().map((m) => [m.state.data, m.state.error?.message, m.state.variables]))],
      ['DOM', document.documentElement.outerHTML],
      ['localStorage', JSON.stringify({ ...localStorage })],
      ['sessionStorage', JSON.stringify({ ...sessionStorage })],
      ['console', logs.join('\n')],
      ['cross-tab messages', JSON.stringify(messages)],
    ];
    for (const [where, text] of haystacks) {
      for (const token of issued) expect(text.includes(token), `token found in ${where}`).toBe(false);
      expect(text.includes('tok-SECRET'), `token prefix found in ${where}`).toBe(false);
    }
    // Every request went to the configured origin, and carried the token only in its header.
    for (const s of seen) {
      expect(new URL(s.url).origin).toBe(new URL(POD_URL).origin);
      expect(s.headers.filter(([, v]) => issued.has(v)).map(([k]) => k)).toEqual(['sessiontoken']);
    }
    expect(messages.length).toBeGreaterThan(0);
    view.unmount();
  });
});
