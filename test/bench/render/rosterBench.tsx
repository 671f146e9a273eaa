/**
 * The roster refresh benchmark page part: 1,000 colleagues in one list, each row a memoised
 * component with a name and a `PresenceBadge`, fed by `usePresences(ids, { source: 'pod' })` (the
 * hook the README gives rosters: one pod-wide listing per refresh). The library runs for real:
 * client, JSON parsing, react-query, hook and badges. Only the pod is replaced, by a `fetch` that
 * answers with bodies written before each poll, so that the main-thread time measured around a
 * poll is the page's own work and none of an emulator's.
 */
import { QueryClient } from '@tanstack/react-query';
import { memo, useLayoutEffect, type ReactElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { createSymphonyClient } from '../../../src/client';
import { PresenceBadge, PresenceProvider } from '../../../src/components';
import { usePresences, type PresenceView } from '../../../src/hooks';
import { PRESENCE_CATEGORIES, toUserId, type UserId } from '../../../src/model';

/** A tenant id in bits 36-62, so the ids look like a real pod's (and exceed 2^53). */
const TENANT = 13_056n;
const idOf = (i: number): UserId => toUserId(((TENANT << 36n) + BigInt(i + 1)).toString());
/** The requesting user: not in the roster. */
const SELF = idOf(99_999);
/** The key `usePresences` gives the pod-wide listing; refetching it is what its interval does. */
const LIST_KEY = ['presence-widgets', 'presence', 'pod-list'];
/** 2026-11-25 09:00 UTC. */
const T0 = 1_764_061_200_000;

let ids: UserId[] = [];
let categories: number[] = [];
let timestamps: number[] = [];
let listBody = '[]';
let changedRound = 0;

function writeListBody(): void {
  listBody = `[${ids
    .map((id, i) => `{"category":"${PRESENCE_CATEGORIES[categories[i]!]}","userId":${id},"timestamp":${timestamps[i]}}`)
    .join(',')}]`;
}

function answer(url: string): string {
  const path = new URL(url, location.href).pathname;
  if (path.endsWith('/v2/users/presence')) return listBody;
  if (path.endsWith('/v2/user/presence')) return `{"category":"AVAILABLE","userId":${SELF},"timestamp":${T0}}`;
  if (path.endsWith('/v1/user/presence/register')) return '';
  throw new Error(`roster bench: no answer for ${path}`);
}

const podFetch: typeof fetch = (input) => {
  const url = input instanceof Request ? input.url : String(input);
  return Promise.resolve(new Response(answer(url), { status: 200, headers: { 'content-type': 'application/json' } }));
};

/** Renders of the roster component and of its rows since the last reset. */
const counts = { roster: 0, rows: 0 };
/**
 * Where a poll's time goes, in ms (wall clock on an otherwise idle page): the roster's hook, and
 * its render and commit (from the roster's render to its layout effect, which runs after every
 * row's commit).
 */
const timing = { hookMs: 0, renderCommitMs: 0, renderStart: 0 };
// Functions, not `counts.rows++` in render: the React lint forbids writing module state there,
// and counting and timing renders is exactly what this page is for.
const rendered = (what: keyof typeof counts): void => {
  counts[what]++;
};
const mark = (what: 'start' | 'hook' | 'committed'): void => {
  const now = performance.now();
  if (what === 'start') timing.renderStart = now;
  else if (what === 'hook') timing.hookMs += now - timing.renderStart;
  else timing.renderCommitMs += now - timing.renderStart;
};

const Row = memo(function Row({ index, presence }: { index: number; presence: PresenceView | undefined }): ReactElement {
  rendered('rows');
  return (
    <li className="roster-row">
      <span>Colleague {index + 1}</span>{' '}
      <PresenceBadge status={presence ? 'ready' : 'loading'} category={presence?.category} showLabel />
    </li>
  );
});

function Roster({ people }: { people: readonly UserId[] }): ReactElement {
  rendered('roster');
  mark('start');
  const { data } = usePresences(people, { source: 'pod' });
  mark('hook');
  useLayoutEffect(() => mark('committed'));
  return (
    <ul>
      {people.map((id, i) => (
        <Row key={id} index={i} presence={data.get(id)} />
      ))}
    </ul>
  );
}

let root: Root | undefined;
let container: HTMLElement | undefined;
let queryClient: QueryClient | undefined;

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

/** The text of every row's badge, to check what a poll changed on screen. */
function shownLabels(): string[] {
  return container ? [...container.querySelectorAll('.roster-row .pw-badge')].map((b) => b.textContent ?? '') : [];
}

export const roster = {
  /** Mounts `count` rows and waits for the first listing to show. */
  async mount(count: number): Promise<{ shown: number }> {
    ids = Array.from({ length: count }, (_, i) => idOf(i));
    categories = ids.map((_, i) => i % PRESENCE_CATEGORIES.length);
    timestamps = ids.map(() => T0);
    writeListBody();
    queryClient = new QueryClient();
    const client = createSymphonyClient({ podUrl: `${location.origin}/pod`, getSessionToken: () => 'bench-token', fetch: podFetch });
    container = document.createElement('div');
    document.body.append(container);
    root = createRoot(container);
    root.render(
      <PresenceProvider client={client} queryClient={queryClient} crossTab={false}>
        <Roster people={ids} />
      </PresenceProvider>,
    );
    for (let i = 0; i < 100 && !container.querySelector('.roster-row .pw-badge[data-status="ready"]'); i++) await settle();
    await settle();
    return { shown: container.querySelectorAll('.roster-row .pw-badge[data-status="ready"]').length };
  },
  /**
   * Changes the status of `changes` people spread over the roster (a new category and a later
   * timestamp), in the pod's next answer. Not measured: it stands for the server's work.
   */
  prepare(changes: number): void {
    changedRound++;
    const stride = changes > 0 ? Math.max(1, Math.floor(ids.length / changes)) : 1;
    for (let k = 0; k < changes; k++) {
      const i = (k * stride + changedRound) % ids.length;
      categories[i] = (categories[i]! + 1) % PRESENCE_CATEGORIES.length;
      timestamps[i] = T0 + changedRound * 60_000;
    }
    writeListBody();
    counts.roster = 0;
    counts.rows = 0;
    timing.hookMs = 0;
    timing.renderCommitMs = 0;
  },
  /** One poll, as the listing's refetch interval runs it, then React's commit; returns what changed on screen. */
  async poll(): Promise<{ rosterRenders: number; rowRenders: number; labelsChanged: number; readMs: number; hookMs: number; renderCommitMs: number }> {
    const before = shownLabels();
    const start = performance.now();
    // Request, the client's parsing and validation, react-query's structural sharing.
    await queryClient!.refetchQueries({ queryKey: LIST_KEY });
    const readMs = performance.now() - start;
    await settle();
    const after = shownLabels();
    return {
      rosterRenders: counts.roster,
      rowRenders: counts.rows,
      labelsChanged: after.filter((l, i) => l !== before[i]).length,
      readMs,
      hookMs: timing.hookMs,
      renderCommitMs: timing.renderCommitMs,
    };
  },
  unmount(): void {
    root?.unmount();
    container?.remove();
    queryClient?.clear();
    root = undefined;
    container = undefined;
    queryClient = undefined;
  },
};

declare global {
  interface Window {
    __roster: typeof roster;
  }
}
