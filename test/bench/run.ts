/**
 * `npm run bench`: every benchmark of issues 6 and 15 in one run, each figure beside the peer's.
 *
 *   1. at once (sizes and counts, which machine load cannot change): bundle sizes (Vite builds in
 *      this process), network, update locality and the 24-hour session (one Node process each,
 *      jsdom and a virtual clock);
 *   2. then alone (timings): mount, update and heap of 1,000 badges in headless Chromium, and the
 *      main-thread time of a 1,000-person roster's polls (none, 5% and all of the statuses change);
 *   3. then alone: the presence hub (issue 17), 1,000 viewers over HTTP streams, two hub nodes
 *      and a real redis-server, for 30 simulated minutes (about 3.5 real minutes).
 *
 * Writes test/bench/results/latest.json and BENCHMARKS.md at the repository root. Exits 1 when a
 * part failed to run (a goal not met is reported, not an error). Environment:
 *   BENCH_RUNS (default 20), BENCH_WARMUP (default 3): render runs per candidate (and roster polls
 *   per scenario);
 *   BENCH_ONLY=bundle,network,locality,long,render,hub: run some parts, print, write nothing;
 *   BENCH_KEEP=1 (with BENCH_ONLY): take the parts not run from the last latest.json and write;
 *   CHROMIUM_PATH (default /usr/bin/chromium).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { measureBundles, type BundleResult } from './bundle';
import { bundleGoals, hubGoals, localityGoals, longSessionGoals, networkGoals, renderGoals, rosterGoals, type GoalCheck } from './goals';
import type { HubBenchResult } from './node/hub';
import type { LocalityResult } from './node/locality';
import type { LongSessionResult } from './node/longSession';
import type { NetworkResult } from './node/network';
import { RESULT_MARKER } from './node/resultMarker';
import { machineInfo, writeReport, type BenchResults } from './report';
import { measureRender, type RenderResult } from './renderBench';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PARTS = ['bundle', 'network', 'locality', 'long', 'render', 'hub'] as const;
type Part = (typeof PARTS)[number];

const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const unknownParts = only?.filter((p) => !(PARTS as readonly string[]).includes(p)) ?? [];
if (unknownParts.length > 0) throw new Error(`BENCH_ONLY: unknown part(s) ${unknownParts.join(', ')}; known: ${PARTS.join(', ')}`);
const wanted = (part: Part) => !only || only.includes(part);
const log = (line: string) => process.stderr.write(`[bench ${((performance.now() - began) / 1000).toFixed(0)}s] ${line}\n`);
const began = performance.now();

/** Runs one Node part in its own process and returns the JSON it prints. */
function runNodePart<T>(file: string, env: { NODE_ENV: 'production' | 'development' }, args: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL(file, import.meta.url)), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      for (const line of chunk.toString().split('\n')) if (line.trim()) log(line.trim());
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || !line) reject(new Error(`${file} exited with ${code}: ${stderr.slice(-2000)}`));
      else resolve(JSON.parse(line.slice(RESULT_MARKER.length)) as T);
    });
  });
}

/**
 * The five-tab run costs as much as the other three together (every tab's React Query cache takes
 * every result), so it runs in a process of its own, beside them.
 */
async function measureNetwork(): Promise<NetworkResult> {
  const parts = await Promise.all([
    runNodePart<NetworkResult>('./node/network.tsx', { NODE_ENV: 'production' }, ['1x1', '1x3', '2x3']),
    runNodePart<NetworkResult>('./node/network.tsx', { NODE_ENV: 'production' }, ['5x3']),
  ]);
  return { ...parts[0], runs: parts.flatMap((p) => p.runs) };
}

async function settle<T>(part: Part, run: () => Promise<T>): Promise<T | Error | undefined> {
  if (!wanted(part)) return undefined;
  const start = performance.now();
  try {
    const result = await run();
    log(`${part} done in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    return result;
  } catch (error) {
    log(`${part} FAILED: ${error instanceof Error ? error.message : String(error)}`);
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** The last written results, for BENCH_KEEP. */
function previousResults(): BenchResults | undefined {
  try {
    return JSON.parse(readFileSync(fileURLToPath(new URL('./results/latest.json', import.meta.url)), 'utf8')) as BenchResults;
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const machineAtStart = machineInfo();
  log(`machine: ${machineAtStart.cpu} x ${machineAtStart.cores}, load ${machineAtStart.loadAverage.join(' ')}`);
  // Phase 1: sizes and counts, side by side.
  const [bundle, network, locality, longSession] = await Promise.all([
    settle('bundle', () => measureBundles()),
    settle('network', () => measureNetwork()),
    // The Profiler only reports in React's development (or profiling) build.
    settle('locality', () => runNodePart<LocalityResult>('./node/locality.tsx', { NODE_ENV: 'development' })),
    settle('long', () => runNodePart<LongSessionResult>('./node/longSession.tsx', { NODE_ENV: 'production' })),
  ]);
  // Phase 2: timings, with nothing else of ours running.
  const runs = Number(process.env.BENCH_RUNS ?? 20);
  const warmup = Number(process.env.BENCH_WARMUP ?? 3);
  const roster = { people: 1000, variants: ['list', 'roster'] as const, changes: [0, 50, 1000], warmup, runs };
  const render = await settle('render', () => measureRender({ badges: 1000, warmup, runs, roster }, log));
  // Phase 3: the hub, alone too: its latencies are timings.
  const hub = await settle('hub', () => runNodePart<HubBenchResult>('./node/hub.ts', { NODE_ENV: 'production' }));
  const keep = only && process.env.BENCH_KEEP === '1' ? previousResults() : undefined;

  const failures: string[] = [];
  const goals: GoalCheck[] = [];
  const take = <T,>(name: string, value: T | Error | undefined, check: (v: T) => GoalCheck[]): T | undefined => {
    if (value === undefined) return undefined;
    if (value instanceof Error) {
      failures.push(`${name}: ${value.message}`);
      return undefined;
    }
    goals.push(...check(value));
    return value;
  };
  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: { ...machineAtStart, loadAverageAtEnd: machineInfo().loadAverage },
    wallSeconds: 0,
    bundle: take<BundleResult>('bundle', bundle, bundleGoals),
    render: take<RenderResult>('render', render, (r) => [...renderGoals(r), ...rosterGoals(r)]),
    locality: take<LocalityResult>('locality', locality, localityGoals),
    network: take<NetworkResult>('network', network, networkGoals),
    longSession: take<LongSessionResult>('long session', longSession, longSessionGoals),
    hub: take<HubBenchResult>('hub', hub, hubGoals),
    goals,
    failures,
  };
  results.wallSeconds = Math.round((performance.now() - began) / 1000);
  if (keep) {
    // Parts not run this time keep their figures (and goals) from the last full run.
    for (const part of ['bundle', 'render', 'locality', 'network', 'longSession', 'hub'] as const) {
      if (results[part] === undefined && keep[part] !== undefined) (results as unknown as Record<string, unknown>)[part] = keep[part];
    }
    const ran = new Set(results.goals.map((g) => g.section));
    // In the order of a full run, so the report reads the same whichever parts ran last.
    const order = [...new Set([...keep.goals, ...results.goals].map((g) => g.section))];
    results.goals = [...keep.goals.filter((g) => !ran.has(g.section)), ...results.goals].sort(
      (x, y) => order.indexOf(x.section) - order.indexOf(y.section),
    );
    results.failures = [...results.failures];
    // The machine section describes the run most figures come from; this run's load is kept beside it.
    results.keptFrom = { date: keep.date, wallSeconds: keep.wallSeconds, ran: only!, machine: results.machine };
    results.machine = keep.machine;
  }

  for (const g of goals) log(`${g.met ? 'met    ' : 'NOT MET'} ${g.section}: ${g.goal}: ${Math.round(g.value * 10) / 10} ${g.unit}${g.ratio !== undefined ? ` (${g.ratio}x ${g.reference?.name})` : ''}`);
  if (only && !keep) {
    log('BENCH_ONLY set: nothing written');
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(`${resultsDir}latest.json`, `${JSON.stringify(results, null, 2)}\n`);
    writeReport(`${ROOT}BENCHMARKS.md`, results, JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string });
    log(`wrote test/bench/results/latest.json and BENCHMARKS.md in ${results.wallSeconds} s`);
  }
  for (const f of failures) log(`failed: ${f}`);
  return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();
