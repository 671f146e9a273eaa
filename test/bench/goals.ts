/**
 * The issue's goals, checked against the measured figures. Each check keeps the figure, the
 * peer's figure, their ratio and a plain sentence when the goal is not met, so the report can say
 * why without anyone reading the JSON.
 */
import { isGraphModule, type BundleResult, type BundleSize } from './bundle';
import type { LocalityResult } from './node/locality';
import type { LongSessionResult, SessionSnapshot } from './node/longSession';
import type { HubBenchResult } from './node/hub';
import type { NetworkResult } from './node/network';
import type { RenderResult } from './renderBench';
import type { RosterResult } from './rosterBench';
import { ratio } from './stats';

export interface GoalCheck {
  section: 'bundle' | 'render' | 'roster' | 'locality' | 'network' | 'long session' | 'hub';
  goal: string;
  /** Our figure, in `unit`. */
  value: number;
  unit: string;
  /** The figure compared against (peer, baseline, minimum or start), when there is one. */
  reference?: { name: string; value: number } | undefined;
  ratio?: number | undefined;
  met: boolean;
  /** Why it is not met, or what qualifies the figure. */
  note?: string | undefined;
}

/** Heap may grow this share of its start value over the session and still count as flat. */
export const HEAP_FLAT_SHARE = 0.02;

const KIB = 1024;

function size(result: BundleResult, id: string): BundleSize {
  const found = result.cases.find((c) => c.id === id);
  if (!found) throw new Error(`bundle case ${id} missing`);
  return found;
}

/** The largest modules of the badge bundle, for the note when the badge is over budget. */
function heaviestModules(badge: BundleSize): string {
  return badge.modules
    .slice(0, 4)
    .map((m) => `${m.module} ${m.renderedBytes} B`)
    .join(', ');
}

/** The badge's headline budget: its JS and the CSS it needs, each gzipped, together. */
export const BADGE_WITH_CSS_BUDGET = 2.5 * KIB;

/** A badge's bytes with its CSS: each file gzipped alone (they are served apart), then summed. */
export const withCss = (b: BundleSize) => b.gzipBytes + b.cssGzipBytes;

export function bundleGoals(result: BundleResult): GoalCheck[] {
  const badge = size(result, 'ours-badge');
  const quick = size(result, 'ours-quick-start');
  const fluent = size(result, 'fluent-badge');
  const bare = size(result, 'bare-badge');
  const total = withCss(badge);
  const overBy = total - BADGE_WITH_CSS_BUDGET;
  const graph = quick.modules.filter((m) => isGraphModule(m.module));
  const cssParts = result.stylesheets.find((c) => c.id === 'css-base');
  return [
    {
      section: 'bundle',
      goal: 'PresenceBadge with the CSS it needs (base.css + badge.css) <= 2.5 KiB gzip',
      value: total,
      unit: 'B gzip',
      reference: { name: 'budget', value: BADGE_WITH_CSS_BUDGET },
      ratio: ratio(total, BADGE_WITH_CSS_BUDGET),
      met: overBy <= 0,
      note:
        `${badge.gzipBytes} B JS + ${badge.cssGzipBytes} B CSS` +
        (overBy > 0
          ? `; over by ${overBy} B. The floor (bare span + SVG, colours inline) is ${bare.gzipBytes} B. ` +
            `The CSS is the themes (light, dark, and both again as explicit data-pw-theme blocks, ${cssParts ? `base.css alone ${cssParts.cssGzipBytes} B` : 'in base.css'}), ` +
            `the six tones, the icon's strokes, forced colours and reduced motion; the JS's largest modules (before minification) are ${heaviestModules(badge)}; see "Where the bytes go"`
          : ''),
    },
    {
      section: 'bundle',
      goal: 'PresenceBadge with its CSS <= 1/10 of Fluent PresenceBadge + provider',
      value: total,
      unit: 'B gzip',
      reference: { name: 'Fluent', value: fluent.gzipBytes },
      ratio: ratio(total, fluent.gzipBytes),
      met: total * 10 <= fluent.gzipBytes,
      note: `a tenth of Fluent is ${Math.floor(fluent.gzipBytes / 10)} B; Fluent's styles are in its JS (Griffel)`,
    },
    {
      section: 'bundle',
      goal: 'Quick start (Symphony only) carries no Microsoft Graph code',
      value: graph.length,
      unit: 'Graph modules',
      met: graph.length === 0,
      note: graph.length > 0 ? graph.map((m) => `${m.module} ${m.renderedBytes} B`).join(', ') : `${quick.modules.length} modules, none of Graph`,
    },
  ];
}

/** Issue 15: mount <= 1.2x and heap held <= 1.5x the floor with the stylesheet loaded; update as issue 6 set it. */
export const RENDER_LIMITS = { mountMs: 1.2, updateMs: 1.2, heapBytes: 1.5 } as const;

/** Where the time went: React (render and commit) and then style and layout, for ours and the reference. */
function split(result: RenderResult, figure: 'mountMs' | 'updateMs', reference: 'bare' | 'fluent'): string {
  const react = figure === 'mountMs' ? 'mountReactMs' : 'updateReactMs';
  const part = (name: 'ours' | 'bare' | 'fluent') => {
    const c = result.candidates[name];
    const r = c[react].median;
    return `${name} ${r.toFixed(1)} ms in React + ${Math.max(0, c[figure].median - r).toFixed(1)} ms style and layout`;
  };
  return `medians: ${part('ours')}; ${part(reference)}`;
}

export function renderGoals(result: RenderResult): GoalCheck[] {
  const { ours, fluent, bare } = result.candidates;
  const checks: GoalCheck[] = [];
  for (const [figure, unit] of [
    ['mountMs', 'ms'],
    ['updateMs', 'ms'],
    ['heapBytes', 'B'],
  ] as const) {
    const name = { mountMs: 'mount', updateMs: 'update', heapBytes: 'heap held' }[figure];
    const r = ratio(ours[figure].median, bare[figure].median) ?? Infinity;
    const limit = RENDER_LIMITS[figure];
    checks.push({
      section: 'render',
      goal: `${name} (median) <= ${limit}x bare span + SVG, stylesheet loaded`,
      value: ours[figure].median,
      unit,
      reference: { name: 'bare', value: bare[figure].median },
      ratio: r,
      met: r <= limit,
      note:
        figure === 'heapBytes'
          ? `${Math.round((ours.heapBytes.median - bare.heapBytes.median) / result.options.badges)} B more per badge than the bare span (its element carries class, role, label and four data-* attributes, its fiber a forwardRef, a state hook and a context read)`
          : split(result, figure, 'bare'),
    });
  }
  for (const figure of ['mountMs', 'updateMs'] as const) {
    const name = figure === 'mountMs' ? 'mount' : 'update';
    const r = ratio(ours[figure].median, fluent[figure].median) ?? Infinity;
    checks.push({
      section: 'render',
      goal: `${name} (median) <= 0.6x Fluent`,
      value: ours[figure].median,
      unit: 'ms',
      reference: { name: 'Fluent', value: fluent[figure].median },
      ratio: r,
      met: r <= 0.6,
      note: split(result, figure, 'fluent'),
    });
  }
  return checks;
}

/** Main-thread time of a poll beyond a poll without change may be this many times its share of a full refresh. */
export const ROSTER_PROPORTION_SLACK = 2;

/**
 * A roster poll should cost in proportion to what changed: the rows rendered are exactly those
 * that changed, and the time beyond a poll in which nothing changed (reading the answer, which
 * grows with the roster and cannot be skipped) stays within twice the changed share of a full
 * refresh's.
 */
export function rosterGoals(result: RenderResult): GoalCheck[] {
  const roster: RosterResult | undefined = result.roster;
  if (!roster) return [];
  const people = roster.options.people;
  const checks: GoalCheck[] = [];
  for (const v of roster.variants) {
    const what = v.variant === 'list' ? 'memoised list on usePresences' : 'PresenceRoster';
    const none = v.scenarios.find((s) => s.changes === 0);
    const all = v.scenarios.find((s) => s.changes === people);
    for (const s of v.scenarios.filter((x) => x.changes > 0 && x.changes < people)) {
      const share = s.changes / people;
      const pct = `${Math.round(share * 100)}%`;
      if (s.rowRenders !== undefined) {
        checks.push({
          section: 'roster',
          goal: `${n(people)} people, ${what}, a poll where ${pct} change: only the changed rows render`,
          value: s.rowRenders,
          unit: `row renders of ${n(people)}`,
          reference: { name: 'changed', value: s.changes },
          ratio: ratio(s.rowRenders, s.changes),
          met: s.rowRenders === s.changes && s.labelsChanged === s.changes,
          note: `${s.labelsChanged} badges show a new status; the list component rendered ${s.rosterRenders} time(s)`,
        });
      }
      if (!none || !all) continue;
      if (all.renderCommitMs && s.changes === v.scenarios.filter((x) => x.changes > 0 && x.changes < people)[0]?.changes) {
        // Proportional to the changes is not enough if each change costs in proportion to the
        // roster: a changed person should cost about what rendering their row costs.
        const perChange = (all.taskMs.median - none.taskMs.median) / people;
        const perRow = (all.renderCommitMs.median + all.styleLayoutMs.median) / people;
        const rr = ratio(perChange, perRow) ?? Infinity;
        checks.push({
          section: 'roster',
          goal: `${n(people)} people, ${what}: main-thread time per changed person <= ${ROSTER_PROPORTION_SLACK}x what rendering its row costs`,
          value: perChange,
          unit: 'ms',
          reference: { name: 'row render + style and layout', value: perRow },
          ratio: rr,
          met: rr <= ROSTER_PROPORTION_SLACK,
          note:
            `full refresh ${all.taskMs.median.toFixed(1)} ms over a poll without change (${none.taskMs.median.toFixed(1)} ms), of which rendering and committing the rows ${all.renderCommitMs.median.toFixed(1)} ms and style and layout ${all.styleLayoutMs.median.toFixed(1)} ms; ` +
            `reading the answer took ${all.readMs.median.toFixed(1)} ms wall clock against ${none.readMs.median.toFixed(1)} ms without change. ` +
            'A poll\'s changes reach react-query in one batch, so usePresences and the rows run once per poll; the time per changed person is spent taking the answer in (the engine accepts each person, and each changed person is one react-query cache write with its structural sharing and observers), which the reading figure shows against the render figures',
        });
      }
      const extra = s.taskMs.median - none.taskMs.median;
      const allowed = share * (all.taskMs.median - none.taskMs.median);
      const r = ratio(extra, allowed) ?? Infinity;
      const parts =
        s.hookMs && s.renderCommitMs
          ? ` (reading ${s.readMs.median.toFixed(1)}, usePresences ${s.hookMs.median.toFixed(1)}, render and commit of the list ${s.renderCommitMs.median.toFixed(1)}, style and layout ${s.styleLayoutMs.median.toFixed(1)})`
          : ` (reading ${s.readMs.median.toFixed(1)}, style and layout ${s.styleLayoutMs.median.toFixed(1)})`;
      const perChange = (all.taskMs.median - none.taskMs.median) / people;
      const why =
        `About ${perChange.toFixed(2)} ms per changed person: a poll's changes reach react-query in one batch, so usePresences runs its combine over all ${n(people)} results once per poll and re-renders ` +
        (v.variant === 'list'
          ? `the list once (${n(people)} memoised rows to compare); the rest is taking the answer in, one cache write per changed person`
          : `PresenceRoster once, which rebuilds, regroups and re-sorts its ${n(people)} entries (it renders only the rows in view); the rest is taking the answer in, one cache write per changed person`);
      checks.push({
        section: 'roster',
        goal: `${n(people)} people, ${what}, a poll where ${pct} change: main-thread time beyond a poll without change <= ${ROSTER_PROPORTION_SLACK}x ${pct} of a full refresh's`,
        value: extra,
        unit: 'ms',
        reference: { name: `${pct} of full`, value: allowed },
        ratio: r,
        met: r <= ROSTER_PROPORTION_SLACK,
        note:
          `medians: no change ${none.taskMs.median.toFixed(1)} ms (reading the answer ${none.readMs.median.toFixed(1)} ms), ${pct} ${s.taskMs.median.toFixed(1)} ms${parts}, all ${all.taskMs.median.toFixed(1)} ms. ` +
          (r <= ROSTER_PROPORTION_SLACK ? '' : why),
      });
    }
  }
  return checks;
}

const n = (value: number) => value.toLocaleString('en-US');

export function localityGoals(result: LocalityResult): GoalCheck[] {
  return result.scenarios.map((s) => {
    const others = s.change.badgeRenders - s.change.changedUserBadgeRenders;
    const expected = result.badges / result.users;
    const met = others === 0 && s.change.changedUserBadgeRenders === expected && s.change.changedUserBadgesShowingNewStatus === expected;
    return {
      section: 'locality',
      goal: `one user changes (${s.name === 'all-online' ? 'everyone signed in' : `${s.offlineUsers} of ${result.users} users signed out`}): only that user's ${expected} badges render`,
      value: s.change.badgeRenders,
      unit: `badge renders of ${result.badges}`,
      reference: { name: "that user's badges", value: expected },
      ratio: ratio(s.change.badgeRenders, expected),
      met,
      note: met
        ? `${s.change.commits} commit(s)`
        : `${others} other badge render(s) in ${s.change.commits} commits, also in a round where nobody changed (${s.idle.badgeRenders}): ` +
          'the pod stamps a signed-out user with the time of each request, the new timestamp makes a new presence object, ' +
          'and every badge of a signed-out user re-renders on every poll though it shows nothing new',
    };
  });
}

export function networkGoals(result: NetworkResult): GoalCheck[] {
  const checks: GoalCheck[] = result.runs.map((run) => {
    const r = ratio(run.ours.total, result.minimum.total) ?? Infinity;
    return {
      section: 'network',
      goal: `${run.tabs} tab(s), ${run.badgesPerUser} badge(s) per user: requests <= 1.05x the minimum, no 429`,
      value: run.ours.total,
      unit: 'requests / 2 h',
      reference: { name: 'minimum', value: result.minimum.total },
      ratio: r,
      met: r <= 1.05 && run.ours.rateLimited === 0,
      note: `naive per-badge poller: ${run.naive.total} (${ratio(run.naive.total, run.ours.total)}x ours), ${run.naive.errors} of them errors`,
    };
  });
  const totals = result.runs.map((r) => r.ours.total);
  const spread = Math.max(...totals) - Math.min(...totals);
  checks.push({
    section: 'network',
    goal: 'requests independent of badges per user and of tabs',
    value: spread,
    unit: 'requests between the most and the fewest',
    met: spread === 0,
    note: `runs: ${result.runs.map((r) => `${r.tabs} tab(s) x ${r.badgesPerUser}: ${r.ours.total}`).join('; ')}`,
  });
  return checks;
}

const COUNTERS: Array<[label: string, read: (s: SessionSnapshot) => number]> = [
  ['pending timers', (s) => s.pendingTimers],
  ['engine entries', (s) => s.engine.entries],
  ['engine timers', (s) => s.engine.timers],
  ['registrations kept', (s) => s.engine.registrations],
  ['query cache entries', (s) => s.queryCacheEntries],
  ['DOM nodes', (s) => s.domNodes],
];

export function longSessionGoals(result: LongSessionResult): GoalCheck[] {
  const checks: GoalCheck[] = COUNTERS.map(([label, read]) => ({
    section: 'long session',
    goal: `${label}: flat over ${result.hours} h`,
    value: read(result.end),
    unit: `at hour ${result.end.hour}`,
    reference: { name: `hour ${result.start.hour}`, value: read(result.start) },
    ratio: ratio(read(result.end), read(result.start)),
    met: read(result.end) <= read(result.start),
  }));
  const start = result.start.heapBytes;
  const end = result.end.heapBytes;
  if (start !== undefined && end !== undefined) {
    checks.push({
      section: 'long session',
      goal: `heap after GC: flat over ${result.hours} h (grows < ${HEAP_FLAT_SHARE * 100}%)`,
      value: end,
      unit: 'B',
      reference: { name: `hour ${result.start.hour}`, value: start },
      ratio: ratio(end, start),
      met: end - start < start * HEAP_FLAT_SHARE,
      note: `${end - start >= 0 ? '+' : ''}${end - start} B over ${result.end.hour - result.start.hour} h; the Node process (jsdom, React, emulator) is in the figure, the emulator's request ledger is not`,
    });
  }
  return checks;
}

/** Issue 17: the presence hub's goals. */
export function hubGoals(h: HubBenchResult): GoalCheck[] {
  const whole = h.internal.mostPerUser.find((s) => s.span === 'whole run');
  return [
    {
      section: 'hub',
      goal: 'internal pod reads per minute about the users watched per interval, independent of viewers',
      value: h.internal.readsPerMinute,
      unit: 'reads / min',
      reference: { name: 'direct polling', value: h.internal.directPollingPerMinute },
      ratio: ratio(h.internal.readsPerMinute, h.internal.directPollingPerMinute),
      met: h.internal.readsPerMinute <= h.internalUsers * 1.1,
      note: `${h.internal.distinctUsers} distinct users watched by ${h.viewers} viewers`,
    },
    {
      section: 'hub',
      goal: 'external reads within the rules: none closer than 5 minutes per session, zero 429s',
      value: h.external.rateLimited,
      unit: '429 answers',
      met: h.external.rateLimited === 0 && h.external.forbidden === 0 && h.external.shortestGapMs >= 300_000,
      note: `shortest gap ${Math.round(h.external.shortestGapMs / 1000)} s; ${h.external.forbidden} 403s`,
    },
    {
      section: 'hub',
      goal: "change on every viewer's screen < 2 s after the hub's read (p99)",
      value: h.latency.afterReadMs.p99,
      unit: 'ms',
      met: h.latency.afterReadMs.p99 < 2000,
      note: `median ${h.latency.afterReadMs.median} ms over ${h.latency.afterReadMs.count} deliveries`,
    },
    {
      section: 'hub',
      goal: 'node kill and Redis restart: no lost change, at most one extra read per user',
      value: h.failover.lostChanges,
      unit: 'values not up to date at the end',
      met: h.failover.lostChanges === 0 && (whole ? whole.most <= whole.allowed + 1 : false),
      note: `most reads of one user ${whole?.most} against ${whole?.allowed} intervals (+1 allowed for the restart); worst lag ${h.failover.worstLagAfterKillMs} ms after the kill, ${h.failover.worstLagAfterRedisMs} ms after the Redis restart (interval ${h.failover.intervalRealMs} ms real)`,
    },
  ];
}
