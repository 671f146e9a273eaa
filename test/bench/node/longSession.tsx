/**
 * Long-session figures (run by test/bench/run.ts in its own Node process with --expose-gc; prints
 * JSON on stdout). A dashboard tab stays open for 24 simulated hours while people come and go
 * from a side panel every hour; heap, timers, engine entries and cache entries are taken after
 * hour 2 and after hour 24, at the same point of the hourly cycle.
 */
import './setup';
import { useState, type ReactElement } from 'react';
import { flushSync } from 'react-dom';
import { Dashboard, mountTab } from './dashboardApp';
import { HOUR, MINUTE, benchPod, podClient, usersOf } from './podAdapter';
import { clock, heapAfterGc, printResult } from './setup';

const HOURS = 24;
const FIRST_SNAPSHOT_HOUR = 2;
const PER_SIDE = 30;
const VIEWS = 3;
const PANEL_SIZE = 10;

/** One reading of everything that would grow if something leaked. */
export interface SessionSnapshot {
  hour: number;
  /** `process.memoryUsage().heapUsed` after two full GCs, bytes (absent without --expose-gc). */
  heapBytes: number | undefined;
  /** Timers waiting on the clock: the library's, React's and TanStack Query's. */
  pendingTimers: number;
  engine: { entries: number; retained: number; timers: number; registrations: number; remoteTabs: number };
  queryCacheEntries: number;
  domNodes: number;
}

export interface LongSessionResult {
  hours: number;
  users: number;
  badges: number;
  requests: number;
  /** Heap after each hour between the two snapshots, to tell a trend from noise. */
  heapByHour: Array<[hour: number, bytes: number | undefined]>;
  start: SessionSnapshot;
  end: SessionSnapshot;
}

let setPanel: (ids: readonly string[]) => void = () => {};

/** The roster plus a side panel whose users change every hour. */
function App({ roster }: { roster: readonly string[] }): ReactElement {
  const [panel, setPanelState] = useState<readonly string[]>([]);
  setPanel = setPanelState;
  return (
    <>
      <Dashboard ids={roster} views={VIEWS} />
      <Dashboard ids={panel} views={1} />
    </>
  );
}

async function main(): Promise<void> {
  const pod = benchPod(clock.now);
  const { internal, external } = usersOf(pod);
  const roster = [...internal.slice(0, PER_SIDE), ...external.slice(0, PER_SIDE)];
  const pool = internal.slice(PER_SIDE, PER_SIDE + 10 * PANEL_SIZE);
  const tab = mountTab({ client: podClient(pod), ui: <App roster={roster} /> });
  let requests = 0;

  const snapshot = (hour: number): SessionSnapshot => {
    // The emulator's ledger records every request: it is the pod's memory, not the page's.
    requests += pod.ledger.length;
    pod.clearLedger();
    return {
      hour,
      heapBytes: heapAfterGc(),
      pendingTimers: clock.pending(),
      engine: tab.sync.stats(),
      queryCacheEntries: tab.queryClient.getQueryCache().getAll().length,
      domNodes: document.getElementsByTagName('*').length,
    };
  };

  let start: SessionSnapshot | undefined;
  const heapByHour: Array<[hour: number, bytes: number | undefined]> = [];
  for (let hour = 0; hour < HOURS; hour++) {
    if (hour === FIRST_SNAPSHOT_HOUR) start = snapshot(hour);
    else if (hour > FIRST_SNAPSHOT_HOUR) heapByHour.push([hour, snapshot(hour).heapBytes]);
    const group = pool.slice((hour % 10) * PANEL_SIZE, (hour % 10 + 1) * PANEL_SIZE);
    flushSync(() => setPanel(group));
    await clock.advance(HOUR / 2);
    flushSync(() => setPanel([]));
    // Half-hour steps in 5-minute slices, so React renders as it goes.
    for (let m = 0; m < 30; m += 5) await clock.advance(5 * MINUTE);
    if (hour % 6 === 5) process.stderr.write(`long session: hour ${hour + 1}\n`);
  }
  const end = snapshot(HOURS);
  tab.unmount();
  printResult({
    hours: HOURS,
    users: roster.length,
    badges: roster.length * VIEWS,
    requests,
    heapByHour,
    start: start!,
    end,
  } satisfies LongSessionResult);
}

await main();
