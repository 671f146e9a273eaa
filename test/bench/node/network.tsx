/**
 * Network figures (run by test/bench/run.ts in its own Node process; prints JSON on stdout).
 *
 * The dashboard scenario: 200 users (100 colleagues, 100 external contacts), shown by `views`
 * badges each, for 2 simulated hours, against the emulator's ledger. Ours goes through the real
 * components and hooks in jsdom, with N tabs sharing one poller over the in-memory tab hub. The
 * peer is the naive per-component poller that Fluent users write (and that Microsoft Graph
 * Toolkit ships): every badge registers its user and reads it every 60 s, each tab on its own.
 */
import './setup';
import { DEFAULT_SESSION_TOKEN, type LedgerEntry, type MockPod } from '../../../src/mock-pod';
import { createMemoryCoordinatorHub } from '../../../src/sync';
import { Dashboard, mountTab, type MountedTab } from './dashboardApp';
import { HOUR, MINUTE, benchPod, podClient, usersOf } from './podAdapter';
import { clock, printResult } from './setup';

/** Length of the scenario: the half-open window [start, start + 2 h). */
export const DURATION_MS = 2 * HOUR;
const INTERNAL_INTERVAL_MS = MINUTE;
const EXTERNAL_INTERVAL_MS = 5 * MINUTE;
const INTEREST_TTL_MS = HOUR;
const USERS_PER_SIDE = 100;

/** Request counts of one run, from the ledger. */
export interface RequestCounts {
  total: number;
  ownReads: number;
  internalReads: number;
  externalReads: number;
  registrations: number;
  /** Answers that were errors (403 without interest, 429 too soon, ...): wasted requests. */
  errors: number;
  rateLimited: number;
}

export interface NetworkRun {
  tabs: number;
  badgesPerUser: number;
  badges: number;
  ours: RequestCounts;
  naive: RequestCounts;
  /** Wall-clock milliseconds each simulation took. */
  wallMs: { ours: number; naive: number };
}

export interface NetworkResult {
  durationMs: number;
  internalUsers: number;
  externalUsers: number;
  /** The fewest requests that keep every badge as fresh as the limits allow (see {@link minimumRequests}). */
  minimum: { total: number; ownReads: number; internalReads: number; externalReads: number; registrations: number };
  runs: NetworkRun[];
}

/**
 * The fewest requests in [0, T) that keep every colleague at most 60 s old and every external
 * contact at most 5 minutes old (the pod allows one external read per 5 minutes), with interest
 * registered (it lapses after 60 minutes; one request registers everyone): a read at 0 and then
 * one per interval; one registration per started hour; one own read to learn which users are
 * colleagues.
 */
export function minimumRequests(internalUsers: number, externalUsers: number, durationMs: number) {
  const internalReads = internalUsers * Math.ceil(durationMs / INTERNAL_INTERVAL_MS);
  const externalReads = externalUsers * Math.ceil(durationMs / EXTERNAL_INTERVAL_MS);
  const registrations = externalUsers > 0 ? Math.ceil(durationMs / INTEREST_TTL_MS) : 0;
  const ownReads = 1;
  return { total: ownReads + internalReads + externalReads + registrations, ownReads, internalReads, externalReads, registrations };
}

function countLedger(pod: MockPod, from: number, to: number): RequestCounts {
  const entries = pod.ledger.filter((e: LedgerEntry) => e.time >= from && e.time < to);
  const reads = entries.filter((e) => e.route === 'getUser');
  return {
    total: entries.length,
    ownReads: entries.filter((e) => e.route === 'getOwn').length,
    internalReads: reads.filter((e) => e.external === false).length,
    externalReads: reads.filter((e) => e.external === true).length,
    registrations: entries.filter((e) => e.route === 'register').length,
    errors: entries.filter((e) => e.status >= 400).length,
    rateLimited: entries.filter((e) => e.status === 429).length,
  };
}

/** Ours: N tabs of the dashboard through the real provider, hooks and badges. */
async function runOurs(tabs: number, views: number): Promise<RequestCounts> {
  const start = clock.now();
  const pod = benchPod(clock.now);
  const { internal, external } = usersOf(pod);
  const ids = [...internal.slice(0, USERS_PER_SIDE), ...external.slice(0, USERS_PER_SIDE)];
  const hub = createMemoryCoordinatorHub();
  const mounted: MountedTab[] = [];
  for (let t = 0; t < tabs; t++) {
    mounted.push(mountTab({ client: podClient(pod), coordinator: hub.connect(), ui: <Dashboard ids={ids} views={views} /> }));
  }
  // Five-minute steps, so React renders what arrives as it would between user interactions.
  for (let elapsed = 0; elapsed < DURATION_MS; elapsed += 5 * MINUTE) {
    await clock.advance(Math.min(5 * MINUTE, DURATION_MS - 1 - elapsed));
  }
  const counts = countLedger(pod, start, start + DURATION_MS);
  for (const tab of mounted) tab.unmount();
  await clock.advance(MINUTE);
  return counts;
}

/**
 * The peer: each badge registers its user on mount (it cannot tell colleagues from external
 * contacts) and reads it at once and every 60 s, with its own requests. Run without React and
 * straight into the emulator's core: the ledger sees the same requests whatever renders the
 * result, and the hundreds of thousands of them stay cheap to simulate.
 */
async function runNaive(tabs: number, views: number): Promise<RequestCounts> {
  const start = clock.now();
  const pod = benchPod(clock.now);
  const { internal, external } = usersOf(pod);
  const ids = [...internal.slice(0, USERS_PER_SIDE), ...external.slice(0, USERS_PER_SIDE)];
  const headers = { sessiontoken: DEFAULT_SESSION_TOKEN, accept: 'application/json' };
  const send = (method: string, path: string, bodyText?: string) =>
    void pod.handle({ method, path, bodyText, headers: bodyText ? { ...headers, 'content-type': 'application/json' } : headers });
  const intervals: Array<ReturnType<typeof setInterval>> = [];
  for (let t = 0; t < tabs; t++) {
    for (let v = 0; v < views; v++) {
      for (const id of ids) {
        const read = () => send('GET', `/v3/user/${id}/presence`);
        send('POST', '/v1/user/presence/register', `[${id}]`);
        read();
        intervals.push(setInterval(read, INTERNAL_INTERVAL_MS));
      }
    }
  }
  await clock.advance(DURATION_MS - 1);
  for (const handle of intervals) clearInterval(handle);
  return countLedger(pod, start, start + DURATION_MS);
}

/** The runs to make, from arguments like `1x3` (tabs x badges per user); all four by default. */
function parseConfigs(args: readonly string[]): Array<[tabs: number, views: number]> {
  if (args.length === 0) {
    return [
      [1, 1],
      [1, 3],
      [2, 3],
      [5, 3],
    ];
  }
  return args.map((arg) => {
    const match = /^(\d+)x(\d+)$/.exec(arg);
    if (!match) throw new Error(`network: expected TABSxBADGES, got ${arg}`);
    return [Number(match[1]), Number(match[2])];
  });
}

async function main(): Promise<void> {
  const probe = benchPod(clock.now);
  const { internal, external } = usersOf(probe);
  const internalUsers = Math.min(USERS_PER_SIDE, internal.length);
  const externalUsers = Math.min(USERS_PER_SIDE, external.length);
  const configs = parseConfigs(process.argv.slice(2));
  const runs: NetworkRun[] = [];
  for (const [tabs, views] of configs) {
    const began = performance.now();
    const ours = await runOurs(tabs, views);
    const mid = performance.now();
    const naive = await runNaive(tabs, views);
    runs.push({
      tabs,
      badgesPerUser: views,
      badges: (internalUsers + externalUsers) * views * tabs,
      ours,
      naive,
      wallMs: { ours: Math.round(mid - began), naive: Math.round(performance.now() - mid) },
    });
    process.stderr.write(`network: ${tabs} tab(s) x ${views} badge(s)/user: ours ${ours.total}, naive ${naive.total}\n`);
  }
  const result: NetworkResult = {
    durationMs: DURATION_MS,
    internalUsers,
    externalUsers,
    minimum: minimumRequests(internalUsers, externalUsers, DURATION_MS),
    runs,
  };
  printResult(result);
}

await main();
