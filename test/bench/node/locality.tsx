/**
 * Update-locality figures (run by test/bench/run.ts in its own Node process; prints JSON on
 * stdout). 1,000 connected badges for 500 colleagues under one PresenceProvider; one of them
 * changes status on the pod; the next poll round reads all 500 again. React's Profiler (the
 * development build, where it reports) counts the commits and which badges rendered.
 *
 * Two pods: one where everyone is signed in, and the generated one where about a fifth of the
 * users are signed out. Symphony stamps a signed-out user's presence with the time of each
 * request, so their presence "changes" on every read even though nothing visible does.
 *
 * React runs on its own scheduler here, not inside act(), so commits are batched as in an app.
 */
import './setup';
import { PRESENCE_CATEGORIES } from '../../../src/model';
import { createMockPod } from '../../../src/mock-pod';
import { Dashboard, mountTab } from './dashboardApp';
import { MINUTE, podClient } from './podAdapter';
import { clock, printResult } from './setup';

const USERS = 500;
const VIEWS = 2;

/** Counts over one poll round (every user read once). */
export interface RoundCounts {
  reads: number;
  /** React commits from the start of the round until everything settled. */
  commits: number;
  /** Badge renders (each badge sits in its own Profiler). */
  badgeRenders: number;
  /** Of those, renders of the changed user's badges. */
  changedUserBadgeRenders: number;
}

export interface LocalityScenario {
  name: 'all-online' | 'some-offline';
  offlineUsers: number;
  /** A round in which one user changed status. */
  change: RoundCounts & { changedUserBadgesShowingNewStatus: number };
  /** A round in which nobody changed status. */
  idle: RoundCounts;
}

export interface LocalityResult {
  users: number;
  badges: number;
  scenarios: LocalityScenario[];
}

async function scenario(name: LocalityScenario['name']): Promise<LocalityScenario> {
  const pod = createMockPod({ seed: 7, churn: false, clock: clock.now, tenants: [{ id: 189, name: 'Acme Capital', userCount: USERS + 1 }] });
  const ids = pod.users.filter((u) => u.id !== pod.defaultUserId).slice(0, USERS).map((u) => u.id);
  if (name === 'all-online') for (const id of ids) pod.setOnline(id, true);
  const offlineUsers = ids.filter((id) => !pod.getUser(id)!.online).length;
  const target = ids[Math.floor(USERS / 2)]!;
  let commits = 0;
  const rendered = new Map<string, number>();
  const tab = mountTab({
    client: podClient(pod),
    ui: (
      <Dashboard
        ids={ids}
        views={VIEWS}
        onBadgeRender={(view, id) => rendered.set(`${view}:${id}`, (rendered.get(`${view}:${id}`) ?? 0) + 1)}
      />
    ),
    onCommit: () => {
      commits += 1;
    },
  });
  // First load and one more round, so every badge shows data and nothing is pending.
  await clock.advance(MINUTE + 1000);
  await clock.settle(20);

  const round = async (): Promise<RoundCounts> => {
    commits = 0;
    rendered.clear();
    const readsBefore = pod.reads().length;
    await clock.advance(MINUTE);
    await clock.settle(20);
    const renders = [...rendered];
    return {
      reads: pod.reads().length - readsBefore,
      commits,
      badgeRenders: renders.reduce((sum, [, n]) => sum + n, 0),
      changedUserBadgeRenders: renders.filter(([key]) => key.endsWith(`:${target}`)).reduce((sum, [, n]) => sum + n, 0),
    };
  };

  const idle = await round();
  const before = pod.getUser(target)!.category;
  const next = PRESENCE_CATEGORIES.find((c) => c !== before && c !== 'OFFLINE' && c !== 'UNDEFINED')!;
  pod.setUserPresence(target, next);
  const change = await round();
  const showing = tab.container.querySelectorAll(`[data-user="${target}"][data-category="${next}"]`).length;
  tab.unmount();
  await clock.advance(MINUTE);
  return { name, offlineUsers, change: { ...change, changedUserBadgesShowingNewStatus: showing }, idle };
}

async function main(): Promise<void> {
  if (process.env.NODE_ENV === 'production') throw new Error('locality needs the development build (React Profiler)');
  const scenarios = [await scenario('all-online'), await scenario('some-offline')];
  printResult({ users: USERS, badges: USERS * VIEWS, scenarios } satisfies LocalityResult);
}

await main();
