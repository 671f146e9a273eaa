/**
 * The presence hub benchmark (issue 17; run by test/bench/run.ts in its own Node process, prints
 * JSON on stdout). 1,000 simulated viewers hold real HTTP event streams against two hub nodes
 * (child processes, test/bench/node/hubNode.ts) that share a real redis-server; each viewer
 * watches 150 of 400 colleagues and 5 external contacts, for 30 simulated minutes. The pod
 * (the emulator, served over HTTP from this process) and the hubs run on a clock SCALE times
 * faster than real time (the hubs through `timeScale`, the emulator through its `clock`), so a
 * 60 s interval lasts 6 s and the run 3 minutes. Latencies are real milliseconds. Node b is killed (SIGKILL) at 10
 * simulated minutes and Redis is killed and restarted at 20.
 *
 * Env: BENCH_HUB_VIEWERS (default 1000), BENCH_HUB_SCALE (default 10), BENCH_HUB_MINUTES (default 30).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createMockPod } from '../../../src/mock-pod';
import { startMockPodServer } from '../../../src/mock-pod/node';
import { startViewer, type SimulatedViewer } from '../../server/hub/hubNodeClient';
import { freePort, REDIS_SERVER } from '../../support/redisHarness';
import { RESULT_MARKER } from './resultMarker';

const VIEWERS = Number(process.env.BENCH_HUB_VIEWERS ?? 1000);
const SCALE = Number(process.env.BENCH_HUB_SCALE ?? 10);
const SIM_MINUTES = Number(process.env.BENCH_HUB_MINUTES ?? 30);
const INTERNAL_USERS = 400;
const WATCHED_INTERNAL = 150;
const EXTERNAL_POOL = 50;
const WATCHED_EXTERNAL = 5;
const MINUTE = 60_000;
const INTERVAL_REAL = MINUTE / SCALE;
const GAP_REAL = (5 * MINUTE) / SCALE;
const HOME = 189;
const OTHER = 190;

export interface HubBenchResult {
  viewers: number;
  internalUsers: number;
  watchedInternalPerViewer: number;
  watchedExternalPerViewer: number;
  simulatedMinutes: number;
  timeScale: number;
  nodes: number;
  internal: {
    readsPerMinute: number;
    distinctUsers: number;
    directPollingPerMinute: number;
    /** Most reads of one user in a span, against one per interval the span covers (+1 where it cuts one). */
    mostPerUser: Array<{ span: string; most: number; allowed: number }>;
    /** Reads beyond one per user per interval over the whole run. */
    extraReads: number;
  };
  external: {
    readsPerMinute: number;
    directPollingPerMinute: number;
    registrations: number;
    /** Shortest time between two reads of one external user by one session, simulated ms. */
    shortestGapMs: number;
    rateLimited: number;
    /** When the 429s came, in simulated minutes from the start (the first 20). */
    rateLimitedAtMinutes: number[];
    forbidden: number;
  };
  latency: {
    /** Push received minus the pod's handling of the hub's read behind it, real ms, changes only (no snapshots). */
    afterReadMs: { median: number; p99: number; max: number; count: number };
    /** Push received minus the pod's change, real ms (includes the wait for the next read): colleagues. */
    changeToScreenMs: { median: number; p99: number; max: number; count: number };
    /** The same for external contacts, read once per 5 minutes per session. */
    externalChangeToScreenMs: { median: number; p99: number; max: number; count: number };
  };
  memory: {
    viewersOnNode: number;
    heapPerViewerBytes: number;
    heapBaseBytes: number;
    heapWithViewersBytes: number;
    rssBytes: number;
    /** The survivor at the end, holding every viewer. */
    viewersAtEnd: number;
    heapPerViewerAtEndBytes: number;
  };
  failover: {
    killedAtMinute: number;
    redisRestartAtMinute: number;
    redisDownMs: number;
    reconnects: number;
    reconnectMedianMs: number;
    reconnectMaxMs: number;
    /** Longest change-to-screen time of colleagues' changes made from one interval before to two after an event. */
    worstLagAfterKillMs: number;
    worstLagAfterRedisMs: number;
    intervalRealMs: number;
    lostChanges: number;
    checkedValues: number;
    storeErrorsOnSurvivor: number;
  };
  wallSeconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`hub: ${line}\n`);

function quantiles(values: number[]): { median: number; p99: number; max: number; count: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { median: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0, count: sorted.length };
}

function startRedis(port: number): ChildProcess {
  return spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxclients', '2000'], {
    stdio: 'ignore',
  });
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

function startNode(name: string, port: number, redisPort: number, podUrl: string): Promise<ChildProcess> {
  const file = fileURLToPath(new URL('./hubNode.ts', import.meta.url));
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', file, name, String(port), String(redisPort), podUrl, String(SCALE)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`hub node ${name} exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
  });
}

async function nodeStats(url: string): Promise<{ streams: number; heapUsed: number; rss: number; storeErrors: number; reads: Record<string, number> }> {
  const response = await fetch(`${url}/__bench/stats`);
  return (await response.json()) as { streams: number; heapUsed: number; rss: number; storeErrors: number; reads: Record<string, number> };
}

async function main(): Promise<HubBenchResult> {
  const began = Date.now();
  const redisPort = await freePort();
  let redis = startRedis(redisPort);
  const t0 = Date.now();
  const simNow = () => t0 + (Date.now() - t0) * SCALE;
  const pod = createMockPod({
    churn: false,
    clock: simNow,
    tenants: [
      { id: HOME, name: 'Acme Capital', userCount: VIEWERS + INTERNAL_USERS },
      { id: OTHER, name: 'Northwind Bank', userCount: EXTERNAL_POOL },
    ],
  });
  const podServer = await startMockPodServer(pod);
  const home = pod.users.filter((u) => u.tenantId === HOME).map((u) => u.id);
  const externalPool = pod.users.filter((u) => u.tenantId === OTHER).map((u) => u.id);
  const viewerIds = home.slice(0, VIEWERS);
  const externalSet = new Set<string>(externalPool);
  const internal = home.slice(VIEWERS, VIEWERS + INTERNAL_USERS);

  const ports = [await freePort(), await freePort()];
  const names = ['a', 'b'];
  const children = await Promise.all(names.map((name, i) => startNode(name, ports[i]!, redisPort, podServer.url)));
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);
  const alive = [true, true];
  const live = () => urls.filter((_, i) => alive[i]);
  const base = await nodeStats(urls[0]!);
  log(`nodes up; heap of node a before viewers ${(base.heapUsed / 1024 / 1024).toFixed(1)} MiB`);

  // What each viewer watches, and every change made to the pod (real times).
  const watching: Array<{ ids: string[]; internal: Set<string> }> = [];
  const changes = new Map<string, Array<{ category: string; at: number }>>();
  /** Pushes of changes: user, when the hub's read was sent, when the push arrived (real ms). */
  const pushes: Array<{ userId: string; observedAt: number; at: number }> = [];
  const changeToScreen: Array<{ lag: number; changedAt: number; external: boolean }> = [];
  const viewers: SimulatedViewer[] = [];
  const onPresence = (p: { userId: string; category: string; at: number; observedAt: number; streamReadyAt: number }) => {
    const list = changes.get(p.userId);
    if (!list) return;
    // The change this push shows: the last one to its category made before it arrived.
    for (let i = list.length - 1; i >= 0; i--) {
      const c = list[i]!;
      if (c.at > p.at) continue;
      if (c.category !== p.category) return;
      // A snapshot on a new stream shows an older change again: only pushes of changes made
      // while the stream was open count.
      if (c.at < p.streamReadyAt) return;
      if (p.observedAt >= c.at) {
        pushes.push({ userId: p.userId, observedAt: p.observedAt, at: p.at });
        changeToScreen.push({ lag: p.at - c.at, changedAt: c.at, external: externalSet.has(p.userId) });
      }
      return;
    }
  };
  for (let i = 0; i < VIEWERS; i++) {
    const viewerId = viewerIds[i]!;
    const start = (i * 7) % INTERNAL_USERS;
    const ownInternal = Array.from({ length: WATCHED_INTERNAL }, (_, k) => internal[(start + k) % INTERNAL_USERS]!);
    const ownExternal = Array.from({ length: WATCHED_EXTERNAL }, (_, k) => externalPool[(i * 3 + k) % EXTERNAL_POOL]!);
    for (const id of ownExternal) pod.connect(viewerId, id);
    const ids = [...ownInternal, ...ownExternal];
    watching.push({ ids, internal: new Set(ownInternal) });
    const token = pod.createSession({ userId: viewerId });
    viewers.push(startViewer({ nodes: live, token, tokenHeader: 'x-bench-token', ids, firstNode: i % 2, keepReceived: false, onPresence, reconnectDelayMs: 100 }));
    // Pages do not all open in the same millisecond.
    if (i % 50 === 49) await sleep(20);
  }
  const runStart = Date.now();
  const simAt = (minute: number) => runStart + (minute * MINUTE) / SCALE;
  log(`${VIEWERS} viewers started`);

  // Changes: a few colleagues every quarter second, an external contact every second.
  const categories = ['AVAILABLE', 'BUSY', 'AWAY', 'ON_THE_PHONE', 'IN_A_MEETING', 'OUT_OF_OFFICE'];
  let n = 0;
  const change = (userId: string) => {
    const current = pod.getUser(userId)!.category;
    const next = categories.filter((c) => c !== current)[n++ % 5]!;
    pod.setUserPresence(userId, next);
    const list = changes.get(userId) ?? [];
    list.push({ category: next, at: Date.now() });
    changes.set(userId, list);
  };
  // The last change leaves time for one external gap (and its margin) before the final check.
  const changesEnd = simAt(SIM_MINUTES) - GAP_REAL * 1.25 - 3000;
  let tick = 0;
  const changer = setInterval(() => {
    if (Date.now() >= changesEnd) return;
    tick += 1;
    for (let k = 0; k < 2 + (tick % 2); k++) change(internal[(tick * 37 + k * 131) % INTERNAL_USERS]!);
    if (tick % 4 === 0) change(externalPool[(tick * 7) % EXTERNAL_POOL]!);
  }, 250);

  // Memory of node a with its half of the viewers, once all are connected.
  await sleep(Math.min(simAt(5), simAt(SIM_MINUTES / 3) - 1000) - Date.now());
  const mid = await nodeStats(urls[0]!);
  log(`node a: ${mid.streams} streams, heap ${(mid.heapUsed / 1024 / 1024).toFixed(1)} MiB`);

  await sleep(simAt(SIM_MINUTES / 3) - Date.now());
  const killedAt = Date.now();
  alive[1] = false;
  await kill(children[1]!, 'SIGKILL');
  log('node b killed');

  await sleep(simAt((2 * SIM_MINUTES) / 3) - Date.now());
  const redisDownAt = Date.now();
  await kill(redis, 'SIGKILL');
  await sleep(2000);
  redis = startRedis(redisPort);
  const redisUpAt = Date.now();
  log('redis restarted');

  await sleep(simAt(SIM_MINUTES) - Date.now());
  clearInterval(changer);
  const runEnd = Date.now();
  const end = await nodeStats(urls[0]!);

  // No lost change: every viewer shows what the pod shows for every user it watches.
  let lost = 0;
  let lostExternal = 0;
  let checked = 0;
  const externalView: Record<string, string> = { BE_RIGHT_BACK: 'AWAY', OFF_WORK: 'OFFLINE', DO_NOT_DISTURB: 'AWAY' };
  viewers.forEach((viewer, i) => {
    for (const id of watching[i]!.ids) {
      const user = pod.getUser(id)!;
      const expected = user.tenantId === HOME ? user.category : (externalView[user.category] ?? user.category);
      checked += 1;
      if (viewer.latest.get(id) !== expected) {
        lost += 1;
        if (user.tenantId !== HOME) lostExternal += 1;
      }
    }
  });
  log(`lost ${lost} (${lostExternal} external); refusals ${viewers.flatMap((v) => v.refusals).join(',')}; survivor ${JSON.stringify(end)}`);
  const reconnectTimes = viewers.flatMap((v) => v.reconnects.map((r) => r.readyAt - r.droppedAt));
  for (const v of viewers) await v.stop();
  await kill(children[0]!, 'SIGTERM');
  await kill(redis, 'SIGTERM');
  await podServer.close();

  // Pod reads from the ledger (simulated time).
  const simOf = (real: number) => t0 + (real - t0) * SCALE;
  const ledger = pod.ledger.filter((e) => e.time >= simOf(runStart) && e.time < simOf(runEnd));
  const minutes = (simOf(runEnd) - simOf(runStart)) / MINUTE;
  const internalReads = ledger.filter((e) => e.route === 'getUser' && e.external === false);
  const externalReads = ledger.filter((e) => e.route === 'getUser' && e.external === true);
  const intervalSim = MINUTE;
  const spans: Array<[string, number, number]> = [
    ['two nodes', runStart, killedAt],
    ['one node, after the kill', killedAt, redisDownAt - INTERVAL_REAL],
    ['after the Redis restart', redisUpAt + 2 * INTERVAL_REAL, runEnd],
    ['whole run', runStart, runEnd],
  ];
  const byUser = new Map<string, number[]>();
  for (const r of internalReads) {
    const list = byUser.get(r.userId!) ?? [];
    list.push(r.time);
    byUser.set(r.userId!, list);
  }
  const mostPerUser = spans.map(([span, from, to]) => {
    const a = simOf(from);
    const b = simOf(to);
    let most = 0;
    for (const times of byUser.values()) most = Math.max(most, times.filter((t) => t >= a && t < b).length);
    return { span, most, allowed: Math.ceil((b - a) / intervalSim) + 1 };
  });
  const allowedWhole = Math.ceil((simOf(runEnd) - simOf(runStart)) / intervalSim) + 1;
  let extraReads = 0;
  for (const times of byUser.values()) extraReads += Math.max(0, times.length - allowedWhole);
  let shortestGap = Infinity;
  const externalBySession = new Map<string, number[]>();
  for (const r of externalReads) {
    const key = `${r.sessionUserId}|${r.userId}`;
    const list = externalBySession.get(key) ?? [];
    list.push(r.time);
    externalBySession.set(key, list);
  }
  for (const times of externalBySession.values()) for (let i = 1; i < times.length; i++) shortestGap = Math.min(shortestGap, times[i]! - times[i - 1]!);

  // After the hub's read: from when the pod handled the read behind the push (the first read of
  // that user handled after the hub sent it, from the ledger) to the push's arrival.
  const realOf = (sim: number) => t0 + (sim - t0) / SCALE;
  const readTimes = new Map<string, number[]>();
  for (const r of pod.ledger) {
    if (r.route !== 'getUser' || r.status !== 200 || !r.userId) continue;
    const list = readTimes.get(r.userId) ?? [];
    list.push(r.time);
    readTimes.set(r.userId, list);
  }
  const afterRead: number[] = [];
  for (const p of pushes) {
    const times = readTimes.get(p.userId);
    if (!times) continue;
    const sent = simOf(p.observedAt);
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid]! < sent) lo = mid + 1;
      else hi = mid;
    }
    if (lo < times.length) afterRead.push(Math.max(0, p.at - realOf(times[lo]!)));
  }
  const worstAfter = (at: number) =>
    Math.max(0, ...changeToScreen.filter((c) => !c.external && c.changedAt >= at - INTERVAL_REAL && c.changedAt < at + 2 * INTERVAL_REAL).map((c) => c.lag));
  const rq = quantiles(reconnectTimes);
  return {
    viewers: VIEWERS,
    internalUsers: INTERNAL_USERS,
    watchedInternalPerViewer: WATCHED_INTERNAL,
    watchedExternalPerViewer: WATCHED_EXTERNAL,
    simulatedMinutes: Math.round(minutes * 10) / 10,
    timeScale: SCALE,
    nodes: 2,
    internal: {
      readsPerMinute: Math.round(internalReads.length / minutes),
      distinctUsers: byUser.size,
      directPollingPerMinute: VIEWERS * WATCHED_INTERNAL,
      mostPerUser,
      extraReads,
    },
    external: {
      readsPerMinute: Math.round(externalReads.length / minutes),
      directPollingPerMinute: (VIEWERS * WATCHED_EXTERNAL) / 5,
      registrations: ledger.filter((e) => e.route === 'register').length,
      shortestGapMs: Number.isFinite(shortestGap) ? shortestGap : 0,
      rateLimited: ledger.filter((e) => e.status === 429).length,
      rateLimitedAtMinutes: ledger
        .filter((e) => e.status === 429)
        .slice(0, 20)
        .map((e) => Math.round(((e.time - simOf(runStart)) / MINUTE) * 100) / 100),
      forbidden: ledger.filter((e) => e.status === 403).length,
    },
    latency: {
      afterReadMs: quantiles(afterRead),
      changeToScreenMs: quantiles(changeToScreen.filter((c) => !c.external).map((c) => c.lag)),
      externalChangeToScreenMs: quantiles(changeToScreen.filter((c) => c.external).map((c) => c.lag)),
    },
    memory: {
      viewersOnNode: mid.streams,
      heapPerViewerBytes: Math.round((mid.heapUsed - base.heapUsed) / Math.max(1, mid.streams)),
      heapBaseBytes: base.heapUsed,
      heapWithViewersBytes: mid.heapUsed,
      rssBytes: mid.rss,
      viewersAtEnd: end.streams,
      heapPerViewerAtEndBytes: Math.round((end.heapUsed - base.heapUsed) / Math.max(1, end.streams)),
    },
    failover: {
      killedAtMinute: Math.round((SIM_MINUTES / 3) * 10) / 10,
      redisRestartAtMinute: Math.round(((2 * SIM_MINUTES) / 3) * 10) / 10,
      redisDownMs: redisUpAt - redisDownAt,
      reconnects: reconnectTimes.length,
      reconnectMedianMs: rq.median,
      reconnectMaxMs: rq.max,
      worstLagAfterKillMs: worstAfter(killedAt),
      worstLagAfterRedisMs: worstAfter(redisDownAt),
      intervalRealMs: INTERVAL_REAL,
      lostChanges: lost,
      checkedValues: checked,
      storeErrorsOnSurvivor: end.storeErrors,
    },
    wallSeconds: Math.round((Date.now() - began) / 1000),
  };
}

const result = await main();
process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
process.exit(0);
