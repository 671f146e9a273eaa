/**
 * The issue's goals, checked against the measured figures. Each check keeps the figure, the
 * peer's figure, their ratio and a plain sentence when the goal is not met, so the report can say
 * why without anyone reading the JSON.
 */
import type { BundleResult, BundleSize } from './bundle';
import type { LocalityResult } from './node/locality';
import type { LongSessionResult, SessionSnapshot } from './node/longSession';
import type { NetworkResult } from './node/network';
import type { RenderResult } from './renderBench';
import { ratio } from './stats';

export interface GoalCheck {
  section: 'bundle' | 'render' | 'locality' | 'network' | 'long session';
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

export function bundleGoals(result: BundleResult): GoalCheck[] {
  const badge = size(result, 'ours-badge');
  const fluent = size(result, 'fluent-badge');
  const overBy = badge.gzipBytes - 2 * KIB;
  return [
    {
      section: 'bundle',
      goal: 'PresenceBadge <= 2 KiB gzip',
      value: badge.gzipBytes,
      unit: 'B gzip',
      reference: { name: 'budget', value: 2 * KIB },
      ratio: ratio(badge.gzipBytes, 2 * KIB),
      met: badge.gzipBytes <= 2 * KIB,
      note:
        overBy > 0
          ? `over by ${overBy} B; its largest modules (before minification): ${heaviestModules(badge)}; see "What the badge weighs"`
          : undefined,
    },
    {
      section: 'bundle',
      goal: 'PresenceBadge <= 1/10 of Fluent PresenceBadge + provider',
      value: badge.gzipBytes,
      unit: 'B gzip',
      reference: { name: 'Fluent', value: fluent.gzipBytes },
      ratio: ratio(badge.gzipBytes, fluent.gzipBytes),
      met: badge.gzipBytes * 10 <= fluent.gzipBytes,
      note: `a tenth of Fluent is ${Math.floor(fluent.gzipBytes / 10)} B${fluent.gzipBytes / 10 < 2 * KIB ? ', tighter than the 2 KiB budget' : ''}`,
    },
  ];
}

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
    checks.push({
      section: 'render',
      goal: `${name} (median) <= 1.2x bare span + SVG`,
      value: ours[figure].median,
      unit,
      reference: { name: 'bare', value: bare[figure].median },
      ratio: r,
      met: r <= 1.2,
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
