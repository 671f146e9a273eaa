/**
 * Roster refresh figures, in the render benchmark's page (render/rosterBench.tsx): 1,000 rows on
 * `usePresences(ids, { source: 'pod' })`, one poll at a time in which 0, 5% or 100% of the
 * statuses change, interleaved. Main-thread time is Chromium's own account (CDP
 * `Performance.getMetrics` TaskDuration: every task on the renderer's main thread, script, style,
 * layout and paint alike) between just before the poll and 50 ms after it, React having committed,
 * so it covers the response's parsing, react-query, the hook, the renders and the layout and paint
 * they cause. What the rows show is read before and after, outside that window.
 */
import type { CDPSession, Page } from 'playwright-core';
import type { RosterVariant } from './render/rosterBench';
import { summarize, type Summary } from './stats';

export interface RosterOptions {
  people: number;
  /** `list`: memoised rows on usePresences, timed inside; `roster`: the library's PresenceRoster. */
  variants: readonly RosterVariant[];
  /** The changes per poll compared; the first should be 0 (the fixed cost of a poll). */
  changes: readonly number[];
  warmup: number;
  runs: number;
}

export interface RosterScenario {
  changes: number;
  /** Main-thread time of one poll, ms. */
  taskMs: Summary;
  /** Of which style recalculation and layout (Chromium's account), ms. */
  styleLayoutMs: Summary;
  /** Measured in the page (wall clock, idle page): reading the answer (request, parsing, react-query). */
  readMs: Summary;
  /** `list` only: the list's `usePresences` call. */
  hookMs: Summary | undefined;
  /** `list` only: the list's render and commit, rows included (its render to its layout effect). */
  renderCommitMs: Summary | undefined;
  /** `list` only: rows that rendered in the poll (median) and the list component's renders. */
  rowRenders: number | undefined;
  rosterRenders: number | undefined;
  /** Badges on screen whose text changed (median): `list` shows everyone, `roster` a virtual window. */
  labelsChanged: number;
}

export interface RosterVariantResult {
  variant: RosterVariant;
  /** Badges showing a status after the first listing (on screen: `roster` virtualises). */
  shown: number;
  scenarios: RosterScenario[];
}

export interface RosterResult {
  options: RosterOptions;
  variants: RosterVariantResult[];
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

export async function measureRoster(page: Page, cdp: CDPSession, options: RosterOptions, log: (line: string) => void): Promise<RosterResult> {
  const variants: RosterVariantResult[] = [];
  for (const variant of options.variants) variants.push(await measureVariant(page, cdp, options, variant, log));
  return { options, variants };
}

async function measureVariant(
  page: Page,
  cdp: CDPSession,
  options: RosterOptions,
  variant: RosterVariant,
  log: (line: string) => void,
): Promise<RosterVariantResult> {
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const { shown } = await page.evaluate(([n, v]) => window.__roster.mount(n, v), [options.people, variant] as const);
  type Sample = { task: number; styleLayout: number; read: number; hook: number; renderCommit: number; rows: number; roster: number; changed: number };
  const samples = new Map(options.changes.map((c) => [c, [] as Sample[]]));
  try {
    for (let run = 0; run < options.warmup + options.runs; run++) {
      for (const changes of options.changes) {
        await page.evaluate((c) => window.__roster.prepare(c), changes);
        await cdp.send('HeapProfiler.collectGarbage');
        const before = await metrics(cdp);
        const { readMs } = await page.evaluate(() => window.__roster.poll());
        const after = await metrics(cdp);
        const result = { ...(await page.evaluate(() => window.__roster.inspect())), readMs };
        const delta = (name: string) => ((after[name] ?? 0) - (before[name] ?? 0)) * 1000;
        if (run >= options.warmup) {
          samples.get(changes)!.push({
            task: delta('TaskDuration'),
            styleLayout: delta('RecalcStyleDuration') + delta('LayoutDuration'),
            read: result.readMs,
            hook: result.hookMs,
            renderCommit: result.renderCommitMs,
            rows: result.rowRenders,
            roster: result.rosterRenders,
            changed: result.labelsChanged,
          });
        }
      }
      if ((run + 1) % 5 === 0) log(`roster (${variant}): ${run + 1}/${options.warmup + options.runs} rounds`);
    }
  } finally {
    await page.evaluate(() => window.__roster.unmount());
    await cdp.send('Performance.disable');
  }
  const inside = variant === 'list';
  const scenarios = [...samples].map(([changes, list]): RosterScenario => ({
    changes,
    taskMs: summarize(list.map((s) => s.task)),
    styleLayoutMs: summarize(list.map((s) => s.styleLayout)),
    readMs: summarize(list.map((s) => s.read)),
    hookMs: inside ? summarize(list.map((s) => s.hook)) : undefined,
    renderCommitMs: inside ? summarize(list.map((s) => s.renderCommit)) : undefined,
    rowRenders: inside ? summarize(list.map((s) => s.rows)).median : undefined,
    rosterRenders: inside ? summarize(list.map((s) => s.roster)).median : undefined,
    labelsChanged: summarize(list.map((s) => s.changed)).median,
  }));
  return { variant, shown, scenarios };
}
