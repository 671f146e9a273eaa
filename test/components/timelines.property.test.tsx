/**
 * Generated timelines again (the engine's are in test/sync), this time as the user sees them:
 * React in StrictMode, the hooks and their query cache between the engine and the screen, shown
 * by the README's `usePresence` text and by `PresenceBadge`. Badges mount and unmount (one user
 * may be shown twice), the page reloads (its state kept in sessionStorage), the token rotates,
 * the window takes focus, while users of the pod set statuses, sign out and back in and idle.
 *
 * Checked at every render (the badge: every change of the page), not at a few sampled moments:
 * no badge ever shows an error, not even
 * for one render (StrictMode's second run of the effects once flashed "no provider"). Checked
 * every 30 simulated seconds: once a change, a mount or a reload is older than the refresh
 * interval (internal users) or the 5-minute budget (external users), each badge shows what the
 * pod shows this viewer. And no request of the page breaks a rule of the pod.
 *
 * Runs: PROPERTY_RUNS (default 25 per pass); e.g. PROPERTY_RUNS=200 npx vitest run components/timelines.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render, type RenderResult } from '@testing-library/react';
import fc from 'fast-check';
import { StrictMode, type ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PresenceBadge, PresenceProvider } from '../../src/components';
import { PresenceDataProvider, usePresence } from '../../src/hooks';
import { ALL_ASSUMPTIONS_OFF, type MockPodAssumptions } from '../../src/mock-pod';
import type { UserId } from '../../src/model';
import { MINUTE, SECOND, setupPod } from '../sync/harness';
import { applyPodStep, changeTracker, podStepArbitraries, rotatingClient, timelineCast, type PodStep } from '../sync/podTimeline';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 25);
// As in the engine's timelines: one interval (or the 5-minute budget and its 1 s margin) after
// the last change, plus the time a read and a render take here.
const INTERNAL_BOUND = MINUTE + 2 * SECOND;
const EXTERNAL_BOUND = 5 * MINUTE + 3 * SECOND;
const USERS = 7;
type Step =
  | PodStep
  | { t: 'mount'; user: number }
  | { t: 'unmount'; user: number }
  | { t: 'rotate' }
  | { t: 'reload' }
  | { t: 'focus' }
  | { t: 'wait'; ms: number };

const user = fc.nat(USERS - 1);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('mount' as const), user }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('unmount' as const), user }) },
  ...podStepArbitraries(USERS),
  { weight: 1, arbitrary: fc.constant({ t: 'rotate' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'reload' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'focus' as const }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('wait' as const), ms: fc.integer({ min: SECOND, max: 8 * MINUTE }) }) },
);

interface Shown {
  slot: number;
  id: UserId;
  text: string;
}

/** What shows a user: the README's hook-driven text, or the library's own connected badge. */
type Widget = 'hook' | 'badge';

/** What a slot shows: the category, `…` while loading, or `error:<kind>` (the badge's failed statuses: `error:forbidden`...). */
function shownBy(widget: Widget, el: Element | null | undefined): string | undefined {
  if (!el) return undefined;
  if (widget === 'hook') return el.textContent ?? undefined;
  const status = el.getAttribute('data-status');
  if (status === 'ready') return el.getAttribute('data-category') ?? undefined;
  return status === 'loading' ? '…' : `error:${status ?? 'none'}`;
}

async function runTimeline(
  initial: number[],
  steps: Step[],
  assumptions: MockPodAssumptions,
  ownQueryClient: boolean,
  widget: Widget = 'hook',
): Promise<void> {
  // Each run is a fresh tab; a reload within the run keeps what the page saved.
  sessionStorage.clear();
  const pod = setupPod({ assumptions });
  const { me, ids, stranger, external, strangerForbidden, expected, brokenRequests } = timelineCast(pod, assumptions, { home: 3, connected: 3 });
  expect(ids).toHaveLength(USERS);
  const tokens = rotatingClient(pod);
  const newClient = tokens.create;

  // Every text any badge rendered, and the badges on screen now.
  const rendered: Shown[] = [];
  function HookBadge({ id, slot }: { id: UserId; slot: number }) {
    const { data, error } = usePresence(id);
    const text = error ? `error:${(error as { kind?: string }).kind ?? error.message}` : data ? data.category : '…';
    rendered.push({ slot, id, text });
    return <span data-slot={slot}>{text}</span>;
  }
  const Badge = widget === 'hook' ? HookBadge : ({ id, slot }: { id: UserId; slot: number }) => <PresenceBadge userId={id} data-slot={slot} />;
  // The badges on the page's first render, with the provider: the case StrictMode once broke.
  let slots: Array<{ slot: number; id: UserId; mountedAt: number }> = initial.map((u, slot) => ({ slot, id: ids[u]!, mountedAt: Date.now() }));
  let nextSlot = slots.length;
  let client = newClient();
  const tree = (): ReactNode => {
    const badges = slots.map((s) => <Badge key={s.slot} id={s.id} slot={s.slot} />);
    const options = { random: () => 0.5 };
    const provider =
      widget === 'hook' ? (
        <PresenceDataProvider client={client} options={options}>
          {badges}
        </PresenceDataProvider>
      ) : (
        <PresenceProvider client={client} options={options}>
          {badges}
        </PresenceProvider>
      );
    // Either the provider's own QueryClient or the app's, around it.
    return <StrictMode>{ownQueryClient ? provider : <QueryClientProvider client={appQueryClient}>{provider}</QueryClientProvider>}</StrictMode>;
  };
  let appQueryClient = new QueryClient();
  let view: RenderResult = render(tree());
  // The library's badge renders inside: what it shows is read off the page at every change.
  const observer = new MutationObserver(() => {
    for (const el of document.querySelectorAll('[data-slot]')) {
      const slot = Number(el.getAttribute('data-slot'));
      const id = slots.find((s) => s.slot === slot)?.id;
      if (id !== undefined) rendered.push({ slot, id, text: shownBy(widget, el)! });
    }
  });
  if (widget === 'badge') observer.observe(document.body, { subtree: true, childList: true, attributes: true });
  const rerender = () => act(() => view.rerender(tree()));

  const changes = changeTracker(pod, me, ids);
  let disturbedAt = Date.now();

  const check = (label: string) => {
    const errors = rendered.filter((r) => r.text.startsWith('error:') && !(strangerForbidden && r.id === stranger && r.text === 'error:forbidden'));
    expect(errors, `${label}: a badge rendered an error`).toEqual([]);
    const now = Date.now();
    for (const s of slots) {
      const text = shownBy(widget, view.container.querySelector(`[data-slot="${s.slot}"]`));
      // Forbidden is said only after one fresh registration and a second read: two budgets.
      const bound = s.id === stranger && strangerForbidden ? 2 * EXTERNAL_BOUND : external(s.id) ? EXTERNAL_BOUND : INTERNAL_BOUND;
      const since = Math.max(changes.changedAt(s.id), disturbedAt, s.mountedAt);
      if (now - since > bound) expect(text, `${label}: slot ${s.slot}, ${external(s.id) ? 'external' : 'internal'} ${s.id}`).toBe(expected(s.id));
    }
    expect(brokenRequests(), label).toEqual([]);
  };

  for (const [i, step] of steps.entries()) {
    const label = `step ${i} ${JSON.stringify(step)}`;
    switch (step.t) {
      case 'mount':
        slots = [...slots, { slot: nextSlot++, id: ids[step.user]!, mountedAt: Date.now() }];
        rerender();
        break;
      case 'unmount': {
        const gone = slots.find((s) => s.id === ids[step.user]);
        slots = slots.filter((s) => s !== gone);
        rerender();
        break;
      }
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
      case 'reload':
        // A new page: new client, new QueryClient, what sessionStorage kept.
        view.unmount();
        client = newClient();
        appQueryClient = new QueryClient();
        view = render(tree());
        disturbedAt = Date.now();
        break;
      case 'focus':
        act(() => {
          window.dispatchEvent(new Event('focus'));
          document.dispatchEvent(new Event('visibilitychange'));
        });
        break;
      case 'wait':
        break;
    }
    changes.note();
    const ms = step.t === 'wait' ? step.ms : SECOND;
    for (let done = 0; done < ms; done += 30 * SECOND) {
      await act(() => vi.advanceTimersByTimeAsync(Math.min(30 * SECOND, ms - done)));
      changes.note();
      check(label);
    }
  }
  observer.disconnect();
  view.unmount();
  await act(() => vi.advanceTimersByTimeAsync(SECOND));
}

describe('generated timelines through React: what the badges show', () => {
  afterEach(() => vi.useRealTimers());

  it.each<[string, MockPodAssumptions, Widget]>([
    ['usePresence, with every assumption in force', {}, 'hook'],
    ['usePresence, with every assumption switched off', ALL_ASSUMPTIONS_OFF, 'hook'],
    ['PresenceBadge, with every assumption in force', {}, 'badge'],
    ['PresenceBadge, with every assumption switched off', ALL_ASSUMPTIONS_OFF, 'badge'],
  ])('%s', async (_label, assumptions, widget) => {
    await fc.assert(
      fc.asyncProperty(fc.array(user, { maxLength: 3 }), fc.array(stepArb, { minLength: 5, maxLength: 20 }), fc.boolean(), async (initial, steps, ownQueryClient) => {
        try {
          await runTimeline(initial, steps, assumptions, ownQueryClient, widget);
        } finally {
          vi.useRealTimers();
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 600_000);

  it('a hand-written timeline: shown from the first render, mounted twice, reload, rotate, remount after the budget', async () => {
    await runTimeline(
      [0, 3],
      [
        { t: 'mount', user: 3 },
        { t: 'set', user: 3, category: 'BUSY' },
        { t: 'wait', ms: 2 * MINUTE },
        { t: 'reload' },
        { t: 'unmount', user: 3 },
        { t: 'offline', user: 0 },
        { t: 'rotate' },
        { t: 'wait', ms: 6 * MINUTE },
        { t: 'mount', user: 3 },
        { t: 'online', user: 0 },
        { t: 'focus' },
        { t: 'wait', ms: 6 * MINUTE },
      ],
      {},
      true,
    );
  });
});
