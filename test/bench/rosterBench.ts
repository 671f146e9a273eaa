/**
 * Roster refresh figures, in the render benchmark's page (render/rosterBench.tsx): 1,000 rows on
 * `usePresences(ids, { source: 'pod' })`, one poll at a time in which 0, 5% or 100% of the
 * statuses change, interleaved. Main-thread time is Chromium's own account (CDP
 * `Performance.getMetrics` TaskDuration: every task on the renderer's main thread, script, style
 * and layout alike) between just before the poll and after React has committed, so it covers the
 * response's parsing, react-query, the hook, the renders and the layout they cause.
 */
import type { CDPSession, Page } from 'playwright-core';
import { summarize, type Summary } from './stats';

export interface RosterOptions {
  people: number;
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
  /** The roster's `usePresences` call. */
  hookMs: Summary;
  /** The roster's render and commit, rows included (roster render to its layout effect). */
  renderCommitMs: Summary;
  /** Rows that rendered in the poll (median) and the roster component's renders. */
  rowRenders: number;
  rosterRenders: number;
  /** Badges whose text changed on screen (median): must equal `changes`. */
  labelsChanged: number;
}

export interface RosterResult {
  options: RosterOptions;
  /** Badges showing a status after the first listing. */
  shown: number;
  scenarios: RosterScenario[];
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

export async function measureRoster(page: Page, cdp: CDPSession, options: RosterOptions, log: (line: string) => void): Promise<RosterResult> {
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const { shown } = await page.evaluate((n) => window.__roster.mount(n), options.people);
  type Sample = { task: number; styleLayout: number; read: number; hook: number; renderCommit: number; rows: number; roster: number; changed: number };
  const samples = new Map(options.changes.map((c) => [c, [] as Sample[]]));
  try {
    for (let run = 0; run < options.warmup + options.runs; run++) {
      for (const changes of options.changes) {
        await page.evaluate((c) => window.__roster.prepare(c), changes);
        await cdp.send('HeapProfiler.collectGarbage');
        const before = await metrics(cdp);
        const result = await page.evaluate(() => window.__roster.poll());
        const after = await metrics(cdp);
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
      if ((run + 1) % 5 === 0) log(`roster: ${run + 1}/${options.warmup + options.runs} rounds`);
    }
  } finally {
    await page.evaluate(() => window.__roster.unmount());
    await cdp.send('Performance.disable');
  }
  const scenarios = [...samples].map(([changes, list]): RosterScenario => ({
    changes,
    taskMs: summarize(list.map((s) => s.task)),
    styleLayoutMs: summarize(list.map((s) => s.styleLayout)),
    readMs: summarize(list.map((s) => s.read)),
    hookMs: summarize(list.map((s) => s.hook)),
    renderCommitMs: summarize(list.map((s) => s.renderCommit)),
    rowRenders: summarize(list.map((s) => s.rows)).median,
    rosterRenders: summarize(list.map((s) => s.roster)).median,
    labelsChanged: summarize(list.map((s) => s.changed)).median,
  }));
  return { options, shown, scenarios };
}
