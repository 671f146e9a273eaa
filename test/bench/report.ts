/** Writes BENCHMARKS.md from the results of one `npm run bench`. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BundleResult } from './bundle';
import { BADGE_WITH_CSS_BUDGET, withCss, type GoalCheck } from './goals';
import type { LocalityResult } from './node/locality';
import type { LongSessionResult } from './node/longSession';
import type { HubBenchResult } from './node/hub';
import type { NetworkResult } from './node/network';
import type { RenderResult } from './renderBench';
import type { RosterResult } from './rosterBench';
import { ratio } from './stats';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGES = ['react', 'react-dom', '@tanstack/react-query', '@fluentui/react-components', 'vite', 'playwright-core', 'jsdom'];

export interface MachineInfo {
  os: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  /** 1, 5 and 15 minute load averages: the machine may be shared, and timings move with load. */
  loadAverage: number[];
  node: string;
  packages: Record<string, string>;
  commit: string;
}

export interface BenchResults {
  date: string;
  machine: MachineInfo & { loadAverageAtEnd: number[] };
  wallSeconds: number;
  bundle: BundleResult | undefined;
  render: RenderResult | undefined;
  locality: LocalityResult | undefined;
  network: NetworkResult | undefined;
  longSession: LongSessionResult | undefined;
  /** Issue 17's presence hub (absent in runs before it). */
  hub?: HubBenchResult | undefined;
  /** Set by BENCH_KEEP: only `ran` ran now; the other parts are those of the run of `date`. */
  keptFrom?: { date: string; wallSeconds: number; ran: string[]; machine?: MachineInfo & { loadAverageAtEnd: number[] } } | undefined;
  goals: GoalCheck[];
  failures: string[];
}

function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) return `${pretty} (${platform()} ${release()} ${arch()})`;
  } catch {
    // Not Linux, or no os-release: the kernel line below says enough.
  }
  return `${platform()} ${release()} ${arch()}`;
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function version(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(`${ROOT}node_modules/${pkg}/package.json`, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export function machineInfo(): MachineInfo {
  const cpuList = cpus();
  return {
    os: osName(),
    cpu: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    packages: Object.fromEntries(PACKAGES.map((p) => [p, version(p)])),
    commit: gitCommit(),
  };
}

const n = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (value: number) => n(value, 1);
const kib = (bytes: number) => `${n(bytes / 1024, 2)} KiB`;
const x = (value: number | undefined) => (value === undefined ? '–' : `${n(value, 2)}x`);
const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

function goalValue(g: GoalCheck): string {
  if (g.unit.startsWith('B')) return `${n(g.value)} ${g.unit}`;
  if (g.unit === 'ms') return `${ms(g.value)} ms`;
  return `${n(g.value)} ${g.unit}`;
}

/** The issue's table: the badge with its stylesheet beside the floor and Fluent, from this run. */
function headline(results: BenchResults): string {
  const b = results.bundle;
  const r = results.render;
  const find = (id: string) => b?.cases.find((c) => c.id === id);
  const bytes = (id: string, withStyles: boolean) => {
    const c = find(id);
    if (!c) return '–';
    return withStyles ? `${kib(withCss(c))} (${kib(c.gzipBytes)} JS + ${kib(c.cssGzipBytes)} CSS)` : kib(c.gzipBytes);
  };
  const rel = (name: 'ours' | 'fluent' | 'bare', figure: 'mountMs' | 'updateMs' | 'heapBytes') =>
    r ? x(ratio(r.candidates[name][figure].median, r.candidates.bare[figure].median)) : '–';
  const row = (label: string, id: string, name: 'ours' | 'fluent' | 'bare', withStyles: boolean) => [
    label,
    bytes(id, withStyles),
    rel(name, 'mountMs'),
    rel(name, 'updateMs'),
    rel(name, 'heapBytes'),
  ];
  return [
    `1,000 badges, Chromium, production builds, every candidate in one page with our whole stylesheet loaded; gzip of fully minified files, JS and CSS each gzipped alone. Goals: badge with its CSS <= ${kib(BADGE_WITH_CSS_BUDGET)}, mount <= 1.2x and heap held <= 1.5x the floor.`,
    '',
    table(
      ['', 'badge gzip', 'mount', 'update', 'heap held'],
      [
        row('bare span + SVG (floor)', 'bare-badge', 'bare', false),
        row('presence-widgets badge + base.css + badge.css', 'ours-badge', 'ours', true),
        row('Fluent UI PresenceBadge + provider', 'fluent-badge', 'fluent', false),
      ],
    ),
  ].join('\n');
}

/** A failed part in one line: its name and the error it died of, without the stack. */
function failureLine(failure: string): string {
  const part = failure.slice(0, failure.indexOf(':'));
  const error = failure.split('\n').find((line) => /^\s*(\w*Error): /.test(line))?.trim();
  return error ? `${part}: ${error}` : failure.split('\n')[0]!;
}

function summary(results: BenchResults): string {
  const rows = results.goals.map((g) => [
    g.section,
    g.goal,
    goalValue(g),
    g.reference ? `${g.reference.name}: ${g.unit === 'ms' ? ms(g.reference.value) : n(g.reference.value)}` : '–',
    x(g.ratio),
    g.met ? 'met' : '**not met**',
  ]);
  const missed = results.goals.filter((g) => !g.met);
  const lines = [table(['part', 'goal', 'ours', 'compared with', 'ratio', 'goal'], rows)];
  if (missed.length === 0 && results.failures.length === 0) lines.push('', 'Every goal is met.');
  else {
    lines.push('', '### Goals not met, and why', '');
    for (const g of missed) lines.push(`- **${g.section}, ${g.goal}**: ${goalValue(g)}. ${g.note ?? ''}`.trimEnd());
    for (const f of results.failures) lines.push(`- **did not run**: ${failureLine(f)} (full output in latest.json)`);
  }
  return lines.join('\n');
}

function bundleSection(b: BundleResult): string {
  const fluent = b.cases.find((c) => c.id === 'fluent-badge');
  const rows = b.cases.map((c) => [
    c.label,
    c.imports.replace(/\|/g, '\\|'),
    n(c.minBytes),
    n(c.gzipBytes),
    c.cssGzipBytes > 0 ? n(c.cssGzipBytes) : '–',
    `${n(withCss(c))} (${kib(withCss(c))})`,
    fluent ? x(ratio(withCss(c), fluent.gzipBytes)) : '–',
  ]);
  const badge = b.cases.find((c) => c.id === 'ours-badge');
  const quick = b.cases.find((c) => c.id === 'ours-quick-start');
  const inBadge = new Set((badge?.modules ?? []).map((m) => m.module));
  const share = (p: BundleResult['badgeParts'][number]) => {
    const inside = p.modules.filter((m) => inBadge.has(m.module)).length;
    return inside === p.modules.length ? 'yes' : inside === 0 ? 'no' : 'partly';
  };
  const parts = b.badgeParts.map((p) => [p.label, p.imports, n(p.minBytes), n(p.gzipBytes), share(p)]);
  const modules = (badge?.modules ?? []).slice(0, 12).map((m) => [m.module, n(m.renderedBytes)]);
  const sheets = b.stylesheets.map((c) => [c.label, c.imports, n(c.cssMinBytes), n(c.cssGzipBytes)]);
  const quickModules = (quick?.modules ?? []).slice(0, 8).map((m) => `${m.module} ${n(m.renderedBytes)} B`);
  return [
    '## Bundle size',
    '',
    'Each case is a one-line entry built with Vite (rolldown) in production mode with `react`, `react-dom`, the JSX runtime and `@tanstack/react-query` external (an app shares them), its JS then minified in full (oxc: compress and mangle, as an app\'s production build does; Vite\'s library mode alone keeps whitespace) and its CSS minified by Vite; gzip is zlib level 9, JS and CSS each alone (they are served as separate files). Ours is built from `src/`; `npm test` checks budgets on the published `dist/` with size-limit (esbuild), which differs by a few per cent.',
    '',
    table(['case', 'imports', 'JS min bytes', 'JS gzip', 'CSS gzip', 'together gzip', 'vs Fluent'], rows),
    '',
    `The Quick start's largest modules (before minification): ${quickModules.join(', ')}. Microsoft Graph support (tables, labels, the Graph client check) reaches the widgets only through \`graphPresenceUi\` or \`GraphPresenceProvider\`, so none of it is in this bundle; \`npm test\` checks the same on the published package.`,
    '',
    '### Stylesheets',
    '',
    '`presence-widgets/styles.css` holds every component; `styles/base.css` (themes, tones, icon, visually-hidden) plus one file per component ship only what a page uses:',
    '',
    table(['for', 'imports', 'min bytes', 'gzip bytes'], sheets),
    '',
    '### Where the bytes go',
    '',
    'The badge\'s CSS is mostly its themes: every colour token four times (light defaults, the dark media query, and both again as explicit `data-pw-theme` blocks, which must follow the media query to win on the root element), among them the tokens of the avatar and picker, which live in base.css so that one theme switch covers every component. Then the six tone rules, the icon\'s strokes and glyph rules, the forced-colours and reduced-motion blocks, and the badge\'s sizes. Each part of the JS built alone (gzip does not add up, so read these as orders of magnitude); the last column says whether its modules are in the `PresenceBadge` bundle:',
    '',
    table(['part', 'imports', 'min bytes', 'gzip bytes', 'in the badge bundle'], parts),
    '',
    'Largest modules in the badge bundle (bytes before minification):',
    '',
    table(['module', 'bytes'], modules),
  ].join('\n');
}

function renderSection(r: RenderResult): string {
  const { ours, fluent, bare } = r.candidates;
  const rows = (['ours', 'fluent', 'bare'] as const).map((name) => {
    const c = r.candidates[name];
    return [
      { ours: 'ours: `PresenceBadge`', fluent: 'Fluent UI `PresenceBadge` in `FluentProvider`', bare: 'bare span + inline SVG' }[name],
      `${ms(c.mountMs.median)} / ${ms(c.mountMs.p90)} (React ${ms(c.mountReactMs.median)})`,
      `${ms(c.updateMs.median)} / ${ms(c.updateMs.p90)} (React ${ms(c.updateReactMs.median)})`,
      `${kib(c.heapBytes.median)} / ${kib(c.heapBytes.p90)}`,
      `${c.shown.badges} / ${c.shown.names}`,
    ];
  });
  const ratios = [
    ['ours / bare', x(ratio(ours.mountMs.median, bare.mountMs.median)), x(ratio(ours.updateMs.median, bare.updateMs.median)), x(ratio(ours.heapBytes.median, bare.heapBytes.median))],
    ['ours / Fluent', x(ratio(ours.mountMs.median, fluent.mountMs.median)), x(ratio(ours.updateMs.median, fluent.updateMs.median)), x(ratio(ours.heapBytes.median, fluent.heapBytes.median))],
  ];
  return [
    `## Render: ${n(r.options.badges)} badges in headless ${r.chromium.startsWith('1') ? 'Chromium ' : ''}${r.chromium}`,
    '',
    `${r.options.runs} runs per candidate after ${r.options.warmup} warm-up runs, interleaved (ours, Fluent, bare, ours, ...) in one page of a production build that loads our whole stylesheet (\`styles.css\`), so every candidate pays for its selectors as an app page would. ` +
      'Mount: `flushSync(root.render(...))` of 1,000 badges cycling all 11 categories into a fresh root, then a forced style and layout (`document.body.offsetHeight`). ' +
      'Update: the same with every badge given the next category. "React" is the median time until `flushSync` returned (render and commit), the rest is style and layout. Heap: CDP `Runtime.getHeapUsage` after two `HeapProfiler.collectGarbage`, with the badges mounted and updated, minus the same before mounting.',
    '',
    table(['candidate', 'mount ms (median / p90)', 'update ms (median / p90)', 'heap held (median / p90)', 'shown: role=img / distinct names'], rows),
    '',
    table(['ratio of medians', 'mount', 'update', 'heap'], ratios),
    '',
    '### Where the time and memory go',
    '',
    `Mount: ours ${ms(ours.mountReactMs.median)} ms in React and ${ms(Math.max(0, ours.mountMs.median - ours.mountReactMs.median))} ms in style and layout, the floor ${ms(bare.mountReactMs.median)} and ${ms(Math.max(0, bare.mountMs.median - bare.mountReactMs.median))} ms. ` +
      `Update: ours ${ms(ours.updateReactMs.median)} + ${ms(Math.max(0, ours.updateMs.median - ours.updateReactMs.median))} ms, the floor ${ms(bare.updateReactMs.median)} + ${ms(Math.max(0, bare.updateMs.median - bare.updateReactMs.median))} ms. ` +
      'Our React time goes to one forwardRef and one function component per badge (the floor has one function component), a state hook (the mount time, for "since"), a context read (language, labels, view, Graph support) and the props spread onto the span; the icon is called as a function, not rendered, so it adds no fiber. ' +
      `Heap: ${n((ours.heapBytes.median - bare.heapBytes.median) / r.options.badges)} B more per badge than the floor: the extra fiber, the hook's state, and an element with class, role, label and four data-* attributes where the floor has role, label and an inline style.`,
  ].join('\n');
}

function rosterSection(ro: RosterResult): string {
  const opt = (v: number | undefined, f: (x: number) => string) => (v === undefined ? '–' : f(v));
  const rows = ro.variants.flatMap((v) =>
    v.scenarios.map((s) => [
      v.variant === 'list' ? 'memoised list' : '`PresenceRoster`',
      s.changes === 0 ? 'none' : `${n(s.changes)} (${n((s.changes / ro.options.people) * 100)}%)`,
      `${ms(s.taskMs.median)} / ${ms(s.taskMs.p90)}`,
      ms(s.readMs.median),
      opt(s.hookMs?.median, ms),
      opt(s.renderCommitMs?.median, ms),
      ms(s.styleLayoutMs.median),
      opt(s.rowRenders, n),
      `${n(s.labelsChanged)} of ${n(v.shown)}`,
    ]),
  );
  return [
    `## Roster refresh: ${n(ro.options.people)} people, one poll`,
    '',
    `${n(ro.options.people)} colleagues in the same Chromium page, read with \`source: 'pod'\` (one pod-wide listing per refresh), shown two ways: a plain list of memoised rows (name and \`PresenceBadge\` with its label) fed by \`usePresences(ids, { source: 'pod' })\`, and the library's \`PresenceRoster\` (grouped by status with count tiles, sorted, virtualised). The library runs for real (Symphony client, JSON parsing and validation, the engine, react-query, hooks, components); only the pod is replaced by a \`fetch\` answering with a body written before the poll, so no emulator work lands on the measured thread. A poll is the engine's listing timer firing (the page holds timers of 5 s or more and runs them on demand, as the clock reaching them would); "reading the answer" runs until the engine has taken the listing in, person by person, with the query notifications that go with it. ${ro.options.runs} polls per scenario after ${ro.options.warmup} warm-up rounds, scenarios interleaved. Main-thread time: Chromium's TaskDuration (CDP \`Performance.getMetrics\`) from just before the poll until 50 ms after it, React having committed; style and layout are Chromium's account too. Reading, hook and render-and-commit are wall-clock times taken in the otherwise idle page (inside the list only; \`PresenceRoster\`'s hook and rows are its own).`,
    '',
    table(['shown by', 'statuses changed', 'main thread ms (median / p90)', 'reading the answer', 'usePresences', 'list render + commit', 'style + layout', 'rows rendered', 'badges on screen showing a new status'], rows),
  ].join('\n');
}

function localitySection(l: LocalityResult): string {
  const rows = l.scenarios.map((s) => [
    s.name === 'all-online' ? 'everyone signed in' : `${s.offlineUsers} of ${l.users} signed out (generated pod)`,
    n(s.change.reads),
    n(s.change.commits),
    n(s.change.badgeRenders),
    n(s.change.changedUserBadgeRenders),
    n(s.change.changedUserBadgesShowingNewStatus),
    `${n(s.idle.commits)} / ${n(s.idle.badgeRenders)}`,
  ]);
  return [
    '## Update locality',
    '',
    `${n(l.badges)} connected badges (\`<PresenceBadge userId>\`) for ${n(l.users)} colleagues under one \`PresenceProvider\`, in jsdom with React's development build (its Profiler counts); each badge sits in its own \`<Profiler>\`. One user changes status on the emulated pod; the next poll round reads all ${n(l.users)} users again. React runs on its own scheduler (no \`act\`), as in an app.`,
    '',
    table(['pod', 'reads in the round', 'commits', 'badge renders', "the changed user's", 'showing the new status', 'round without change: commits / renders'], rows),
  ].join('\n');
}

function networkSection(nw: NetworkResult): string {
  const m = nw.minimum;
  const rows = nw.runs.map((r) => [
    String(r.tabs),
    String(r.badgesPerUser),
    n(r.badges),
    n(r.ours.total),
    `${n(r.ours.internalReads)} / ${n(r.ours.externalReads)} / ${n(r.ours.registrations)} / ${n(r.ours.ownReads)}`,
    x(ratio(r.ours.total, m.total)),
    n(r.ours.rateLimited),
    n(r.naive.total),
    `${n(r.naive.errors)} (${n(r.naive.rateLimited)} x 429)`,
    x(ratio(r.naive.total, r.ours.total)),
  ]);
  return [
    `## Network: the dashboard for ${nw.durationMs / 3_600_000} simulated hours`,
    '',
    `${nw.internalUsers} colleagues and ${nw.externalUsers} external contacts, each shown by 1 or 3 connected badges per tab, in 1, 2 or 5 tabs sharing one poller (in-memory tab hub), through the real provider, hooks and badges in jsdom with a virtual clock; requests counted in the emulator's ledger over [0, 2 h). ` +
      'The peer is the naive per-component poller written around a presentational badge (Fluent has none of its own; Microsoft Graph Toolkit works this way): each badge registers its user on mount and reads it at once and every 60 s, with its own requests, each tab on its own.',
    '',
    `Minimum the limits allow for this freshness: ${n(m.total)} = ${n(m.internalReads)} colleague reads (one per 60 s each) + ${n(m.externalReads)} external reads (one per 5 min each, the pod's limit) + ${n(m.registrations)} registrations (interest lapses after 60 min; one request registers everyone) + ${m.ownReads} own read (to tell colleagues from external contacts).`,
    '',
    table(['tabs', 'badges per user', 'badges', 'ours: requests', 'colleague / external reads / registrations / own', 'ours / minimum', 'ours: 429', 'naive: requests', 'naive: errors', 'naive / ours'], rows),
  ].join('\n');
}

function longSessionSection(s: LongSessionResult): string {
  const row = (label: string, a: number | undefined, b: number | undefined) => [label, a === undefined ? '–' : n(a), b === undefined ? '–' : n(b)];
  const rows = [
    row('heap after GC (bytes)', s.start.heapBytes, s.end.heapBytes),
    row('pending timers', s.start.pendingTimers, s.end.pendingTimers),
    row('engine entries', s.start.engine.entries, s.end.engine.entries),
    row('engine: retained users', s.start.engine.retained, s.end.engine.retained),
    row('engine timers', s.start.engine.timers, s.end.engine.timers),
    row('engine: registrations kept', s.start.engine.registrations, s.end.engine.registrations),
    row('query cache entries', s.start.queryCacheEntries, s.end.queryCacheEntries),
    row('DOM nodes', s.start.domNodes, s.end.domNodes),
  ];
  const series = s.heapByHour.filter(([, b]) => b !== undefined).map(([h, b]) => `${h} h: ${n((b ?? 0) / 1024)} KiB`);
  return [
    `## Long session: ${s.hours} simulated hours`,
    '',
    `One tab with ${s.users} users (half external) x 3 connected badges, plus a side panel that shows 10 other colleagues for half of every hour; virtual clock, ${n(s.requests)} requests in all. Readings at the same point of the hourly cycle. Heap is \`process.memoryUsage().heapUsed\` after two \`gc()\` in the Node process that runs jsdom, React, the library and the emulator (the emulator's request ledger is emptied before each reading).`,
    '',
    table(['', `hour ${s.start.hour}`, `hour ${s.end.hour}`], rows),
    '',
    `Heap by hour: ${series.join(', ')}.`,
  ].join('\n');
}

function hubSection(h: HubBenchResult): string {
  const q = (v: { median: number; p99: number; max: number; count: number }) => `${n(v.median)} / ${n(v.p99)} / ${n(v.max)} ms (${n(v.count)})`;
  const spans = h.internal.mostPerUser.map((s) => [s.span, n(s.most), n(s.allowed)]);
  return [
    `## Presence hub: ${n(h.viewers)} viewers, ${h.nodes} nodes, Redis, ${h.simulatedMinutes} simulated minutes`,
    '',
    `${n(h.viewers)} simulated viewers (Node fetch streams, one server-sent-events stream each, over real HTTP) against ${h.nodes} hub nodes (each its own Node process) sharing a real \`redis-server\`; each viewer watches ${h.watchedInternalPerViewer} of ${h.internalUsers} colleagues and ${h.watchedExternalPerViewer} external contacts (of 50). The emulator is served over HTTP. Simulated time: the emulator's clock runs ${h.timeScale}x real time and the hubs run with \`timeScale: ${h.timeScale}\` (every duration divided by it), so a 60 s interval lasts ${n(h.failover.intervalRealMs)} ms; reads are counted in simulated minutes, latencies are real milliseconds. Presence changes are made in the emulator a few times a second. One node is killed (SIGKILL) at minute ${h.failover.killedAtMinute}, its viewers reconnect to the other; Redis is killed and restarted empty at minute ${h.failover.redisRestartAtMinute} (down ${n(h.failover.redisDownMs)} ms).`,
    '',
    table(
      ['', 'hub', 'direct polling through the proxy'],
      [
        ['colleague (internal) reads per simulated minute', n(h.internal.readsPerMinute), n(h.internal.directPollingPerMinute)],
        ['external reads per simulated minute', n(h.external.readsPerMinute), n(h.external.directPollingPerMinute)],
        ['registrations (whole run)', n(h.external.registrations), '–'],
        ['429 / 403 answers', `${n(h.external.rateLimited)} / ${n(h.external.forbidden)}`, '–'],
        ['shortest gap between two reads of one external user by one session', `${n(h.external.shortestGapMs / 1000, 1)} s`, '300 s (the rule)'],
      ],
    ),
    '',
    'Direct polling: every viewer reads each colleague every 60 s and each external contact every 5 minutes. External reads cannot be shared (they are per session by the rules): the hub makes at most as many as polling would (one per 5 minutes and 10 s per session and user, plus the first).',
    '',
    table(
      ['latency (real ms)', 'median / p99 / max (deliveries)'],
      [
        ["push received after the pod answered the hub's read", q(h.latency.afterReadMs)],
        ['colleague: change in the pod to the screen (waits for the next read)', q(h.latency.changeToScreenMs)],
        ['external contact: change to the screen (next read within 5 min)', q(h.latency.externalChangeToScreenMs)],
      ],
    ),
    '',
    `Memory: node a held ${n(h.memory.viewersOnNode)} viewers with ${n(h.memory.heapWithViewersBytes / 2 ** 20, 1)} MiB of heap after GC against ${n(h.memory.heapBaseBytes / 2 ** 20, 1)} MiB before any viewer: **${n(h.memory.heapPerViewerBytes / 1024, 1)} KiB per viewer** (its stream, session, subscriptions and its share of the node's users); RSS ${n(h.memory.rssBytes / 2 ** 20)} MiB.${h.memory.viewersAtEnd ? ` At the end the surviving node held all ${n(h.memory.viewersAtEnd)} viewers: ${n(h.memory.heapPerViewerAtEndBytes / 1024, 1)} KiB per viewer.` : ''}`,
    '',
    'Reads of one colleague in a span, against the intervals the span covers (+1 where the span cuts an interval):',
    '',
    table(['span', 'most reads of one user', 'allowed'], spans),
    '',
    `Failover: ${n(h.failover.reconnects)} reconnects (median ${n(h.failover.reconnectMedianMs)} ms, longest ${n(h.failover.reconnectMaxMs)} ms from the drop to the new stream's \`ready\`); worst colleague change-to-screen time for changes around the kill ${n(h.failover.worstLagAfterKillMs)} ms and around the Redis restart ${n(h.failover.worstLagAfterRedisMs)} ms (interval ${n(h.failover.intervalRealMs)} ms); reads beyond one per interval over the whole run: ${n(h.internal.extraReads)}; values not up to date at the end: ${n(h.failover.lostChanges)} of ${n(h.failover.checkedValues)}; store errors seen by the surviving node: ${n(h.failover.storeErrorsOnSurvivor)}. Run took ${n(h.wallSeconds)} s.`,
  ].join('\n');
}

export function writeReport(path: string, results: BenchResults, pkg: { version: string }): void {
  const m = results.machine;
  const parts = [
    '# Benchmarks',
    '',
    results.keptFrom
      ? `Written by \`npm run bench\` (test/bench/run.ts): the ${results.keptFrom.ran.join(', ')} part(s) on ${results.date.slice(0, 16).replace('T', ' ')} UTC (\`BENCH_ONLY=${results.keptFrom.ran.join(',')} BENCH_KEEP=1\`, ${results.wallSeconds} s), every other figure from the full run of ${results.keptFrom.date.slice(0, 16).replace('T', ' ')} UTC (${results.keptFrom.wallSeconds} s) on the machine described below. Raw figures: [test/bench/results/latest.json](test/bench/results/latest.json).`
      : `Written by \`npm run bench\` (test/bench/run.ts) on ${results.date.slice(0, 16).replace('T', ' ')} UTC in ${results.wallSeconds} s; every figure below comes from that one run. Raw figures: [test/bench/results/latest.json](test/bench/results/latest.json).`,
    '',
    '## Summary',
    '',
    headline(results),
    '',
    summary(results),
    '',
    '## Machine and versions',
    '',
    `- Machine: ${m.os}; ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB. Load average (1/5/15 min) ${m.loadAverage.join(' / ')} at the start and ${m.loadAverageAtEnd.join(' / ')} at the end: with more runnable processes than cores the timings are noisier, which is why candidates are interleaved and only ratios are judged.`,
    `- Node ${m.node}; Chromium ${results.render?.chromium ?? 'not run'}.`,
    `- presence-widgets ${pkg.version} at ${m.commit}; ${Object.entries(m.packages).map(([name, v]) => `${name} ${v}`).join(', ')}.`,
  ];
  const later = results.keptFrom?.machine;
  if (later) {
    parts.push(
      `- The ${results.keptFrom!.ran.join(', ')} part(s) ran later, at ${later.commit}, with load average ${later.loadAverage.join(' / ')} at the start and ${later.loadAverageAtEnd.join(' / ')} at the end (other developers' test runs shared the 2 cores).`,
    );
  }
  if (results.bundle) parts.push('', bundleSection(results.bundle));
  if (results.render) parts.push('', renderSection(results.render));
  if (results.render?.roster) parts.push('', rosterSection(results.render.roster));
  if (results.locality) parts.push('', localitySection(results.locality));
  if (results.network) parts.push('', networkSection(results.network));
  if (results.longSession) parts.push('', longSessionSection(results.longSession));
  if (results.hub) parts.push('', hubSection(results.hub));
  parts.push(
    '',
    '## Reproducing',
    '',
    '`npm run bench` (needs Chromium at `/usr/bin/chromium` or `CHROMIUM_PATH`; no network). `BENCH_RUNS` and `BENCH_WARMUP` change the render runs; `BENCH_ONLY=bundle,network,locality,long,render,hub` runs some parts and writes nothing, unless `BENCH_KEEP=1`, which takes the parts not run from the last latest.json and writes both files. The hub part needs `/usr/bin/redis-server`. Size budgets are enforced in `npm test` by size-limit (`.size-limit.json`); timings are not, since they depend on the machine.',
    '',
  );
  writeFileSync(path, parts.join('\n'));
}
