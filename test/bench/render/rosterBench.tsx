/**
 * The roster refresh benchmark page part: 1,000 colleagues, read with one pod-wide listing per
 * refresh (`source: 'pod'`), shown two ways: `list`, a plain list whose rows are memoised
 * components with a name and a `PresenceBadge`, fed by `usePresences(ids, { source: 'pod' })`;
 * `roster`, the library's `PresenceRoster` (grouped by status, virtualised). The library runs for real:
 * client, JSON parsing, react-query, hook and badges. Only the pod is replaced, by a `fetch` that
 * answers with bodies written before each poll, so that the main-thread time measured around a
 * poll is the page's own work and none of an emulator's.
 */
import { QueryClient } from '@tanstack/react-query';
import { memo, useLayoutEffect, type ReactElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { createSymphonyClient } from '../../../src/client';
import { PresenceSync } from '../../../src/sync';
import { PresenceBadge, PresenceProvider, PresenceRoster } from '../../../src/components';
import { usePresences, type PresenceView } from '../../../src/hooks';
import { PRESENCE_CATEGORIES, toUserId, type UserId } from '../../../src/model';

/** A tenant id in bits 36-62, so the ids look like a real pod's (and exceed 2^53). */
const TENANT = 13_056n;
const idOf = (i: number): UserId => toUserId(((TENANT << 36n) + BigInt(i + 1)).toString());
/** The requesting user: not in the roster. */
const SELF = idOf(99_999);
/**
 * The engine polls the listing on a timer (the internal interval, 10 s at least). The page holds
 * every timer of 5 s or more and runs them when a poll is asked for, which is what the clock
 * reaching them would do; shorter ones (React's scheduler, the bench's own waits) run as usual.
 */
const LONG_TIMER_MS = 5000;
const held = new Map<number, () => void>();
let nextHeld = -1;
const realSetTimeout = window.setTimeout.bind(window);
const realClearTimeout = window.clearTimeout.bind(window);
window.setTimeout = ((handler: TimerHandler, delay?: number, ...args: unknown[]) => {
  if (typeof handler !== 'function' || (delay ?? 0) < LONG_TIMER_MS) return realSetTimeout(handler, delay, ...args);
  const id = nextHeld--;
  held.set(id, () => (handler as (...a: unknown[]) => void)(...args));
  return id;
}) as typeof window.setTimeout;
window.clearTimeout = ((id?: number) => {
  if (id !== undefined && held.delete(id)) return;
  realClearTimeout(id);
}) as typeof window.clearTimeout;

/** Runs every held timer (those they set in turn wait for the next poll). */
function runHeldTimers(): void {
  const due = [...held.values()];
  held.clear();
  for (const run of due) run();
}
/** 2026-11-25 09:00 UTC. */
const T0 = 1_764_061_200_000;

let ids: UserId[] = [];
let categories: number[] = [];
let timestamps: number[] = [];
let listBody = '[]';
let changedRound = 0;
/** What the rows said before the poll, taken outside the measured window. */
let labelsBefore: string[] = [];

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

export type RosterVariant = 'list' | 'roster';

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

/** The library's roster: its hook and rows are inside it, so only Chromium's figures apply. */
function LibraryRoster({ people }: { people: ReadonlyArray<{ id: UserId; name: string }> }): ReactElement {
  return <PresenceRoster aria-label="Bench desk" people={people} source="pod" />;
}

let root: Root | undefined;
let container: HTMLElement | undefined;
let queryClient: QueryClient | undefined;
let engine: PresenceSync | undefined;

const settle = (): Promise<void> => new Promise((resolve) => realSetTimeout(resolve, 50));

/** Resolves when the engine has taken the next listing in. */
function nextListing(sync: PresenceSync): Promise<void> {
  return new Promise((resolve) => {
    const stop = sync.subscribe((event) => {
      if (event.type !== 'listing') return;
      stop();
      resolve();
    });
  });
}

/** What every badge (or roster avatar) on screen says, its text or its name, to check what a poll changed. */
function shownLabels(): string[] {
  const badges = container ? [...container.querySelectorAll('.roster-row .pw-badge, .pw-roster__row .pw-avatar')] : [];
  return badges.map((b) => b.textContent || b.getAttribute('aria-label') || '');
}

/** A row showing a status: the list's badge, or PresenceRoster's avatar (named "Name, Status"). */
const READY = '.roster-row .pw-badge[data-status="ready"], .pw-roster__row .pw-avatar[aria-label*=", "]';

export const roster = {
  /** Mounts `count` people and waits for the first listing to show; returns the badges on screen. */
  async mount(count: number, variant: RosterVariant): Promise<{ shown: number }> {
    ids = Array.from({ length: count }, (_, i) => idOf(i));
    categories = ids.map((_, i) => i % PRESENCE_CATEGORIES.length);
    timestamps = ids.map(() => T0);
    writeListBody();
    queryClient = new QueryClient();
    const client = createSymphonyClient({ podUrl: `${location.origin}/pod`, getSessionToken: () => 'bench-token', fetch: podFetch });
    engine = new PresenceSync(client).start();
    container = document.createElement('div');
    document.body.append(container);
    root = createRoot(container);
    root.render(
      <PresenceProvider engine={engine} queryClient={queryClient}>
        {variant === 'list' ? <Roster people={ids} /> : <LibraryRoster people={ids.map((id, i) => ({ id, name: `Colleague ${i + 1}` }))} />}
      </PresenceProvider>,
    );
    for (let i = 0; i < 100 && !container.querySelector(READY); i++) await settle();
    await settle();
    return { shown: container.querySelectorAll(READY).length };
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
    labelsBefore = shownLabels();
    counts.roster = 0;
    counts.rows = 0;
    timing.hookMs = 0;
    timing.renderCommitMs = 0;
  },
  /** One poll, as the engine's listing timer runs it, then React's commit. Only this is measured. */
  async poll(): Promise<{ readMs: number }> {
    const start = performance.now();
    const listed = nextListing(engine!);
    runHeldTimers();
    // Request, the client's parsing and validation, the engine taking each user's presence in.
    await listed;
    const readMs = performance.now() - start;
    await settle();
    return { readMs };
  },
  /** After a poll: renders counted, time taken inside the list, and what changed on screen. */
  inspect(): { rosterRenders: number; rowRenders: number; labelsChanged: number; hookMs: number; renderCommitMs: number } {
    const after = shownLabels();
    return {
      rosterRenders: counts.roster,
      rowRenders: counts.rows,
      labelsChanged: after.filter((l, i) => l !== labelsBefore[i]).length,
      hookMs: timing.hookMs,
      renderCommitMs: timing.renderCommitMs,
    };
  },
  unmount(): void {
    root?.unmount();
    container?.remove();
    queryClient?.clear();
    engine?.destroy();
    held.clear();
    engine = undefined;
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
