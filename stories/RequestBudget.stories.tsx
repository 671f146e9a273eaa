import type { Meta, StoryObj } from '@storybook/react-vite';
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import { expect, waitFor, within } from 'storybook/test';
import '../src/components/presence-widgets.css';
import { PresenceBadge, PresenceProvider } from '../src/components';
import { usePresenceSync } from '../src/hooks';
import type { PresenceKey, PresenceSync, PresenceSyncConfig } from '../src/sync';
import { StoryPage } from './support/StoryPage';
import { DEFAULT_SESSION_TOKEN } from '../src/mock-pod';
import { STORY_POD_BASE, getBrowserPod } from './support/storyPod';
import { createSymphonyClient } from '../src/client';
import { storyPeople } from './support/storyPeople';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** Symphony: one read of an external user's presence per 5 minutes per session. */
const EXTERNAL_GAP_MS = 5 * MINUTE;
/** Symphony: an interest registration lapses after an hour. */
const REGISTRATION_TTL_MS = 60 * MINUTE;
/** The time the chart spans. */
const SPAN_MS = 6 * MINUTE;
/** Colleagues are read every 10 s here (the default is 60 s) so the chart fills quickly. */
const ENGINE_OPTIONS: PresenceSyncConfig = { internalIntervalMs: 10 * SECOND };

/** A row of the chart: the requesting user, a colleague or an external contact. */
interface Lane {
  readonly key: PresenceKey;
  readonly name: string;
  readonly external: boolean;
}

/** One request as the engine reported it, per user (a registration of 6 ids gives 6 entries). */
interface LogEntry {
  readonly kind: 'read' | 'register' | 'error';
  readonly key: PresenceKey;
  readonly at: number;
  /** The engine event this entry came from: one registration request gives entries with the same `seq`. */
  readonly seq: number;
  /** HTTP status of a failure (`error` entries). */
  readonly status?: number | undefined;
}

/** Per-user figures shown in the table and checked for the verdict. */
interface LaneStats {
  reads: number;
  readsLast5: number;
  /** Most reads that started within any 5 minutes: must stay at 1 for external users. */
  maxReadsIn5: number;
  registrations: number;
  /** External reads that had no registration of the last hour before them. */
  unregisteredReads: number;
  errors: number;
  lastRead: number | undefined;
}

function lanes(): Lane[] {
  const { self, budget } = storyPeople();
  return [
    { key: 'self', name: `${self.name} (you)`, external: false },
    ...budget.internal.map((p) => ({ key: p.id, name: p.name, external: false })),
    ...budget.external.map((p) => ({ key: p.id, name: p.name, external: true })),
  ];
}

/** Told of every per-user read the pod refused with 429. */
const refusalListeners = new Set<(key: PresenceKey) => void>();

/**
 * The page's client: the stories' client, with a `fetch` that notes the pod's 429 answers. The
 * engine shows a first 429 as no error at all (it keeps the last status, or keeps loading, and
 * waits as told), so the page counts refusals where they happen, on the wire.
 */
const budgetClient = createSymphonyClient({
  podUrl: STORY_POD_BASE,
  fetch: async (input, init) => {
    const response = await globalThis.fetch(input, init);
    if (response.status === 429) {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const id = /\/v3\/user\/(\d+)\/presence/.exec(url)?.[1];
      if (id) for (const listener of refusalListeners) listener(id as PresenceKey);
    }
    return response;
  },
});

/**
 * Everything the engine requests from the moment it starts, kept for an hour (a registration
 * counts for that long). Subscribed in an effect of a child of the provider: children's
 * effects run before the provider's, which starts the engine, so the first reads are caught.
 */
function useRequestLog(sync: PresenceSync): readonly LogEntry[] {
  const [log, setLog] = useState<readonly LogEntry[]>([]);
  useEffect(() => {
    let seq = 0;
    return sync.subscribe((event) => {
      seq += 1;
      let added: LogEntry[] = [];
      if (event.type === 'request' && event.kind === 'register') {
        added = (event.ids ?? []).map((key) => ({ kind: 'register', key, at: event.at, seq }));
      } else if (event.type === 'request' && event.kind === 'read' && event.key !== undefined) {
        added = [{ kind: 'read', key: event.key, at: event.at, seq }];
      } else if (event.type === 'error' && event.error.status !== 429) {
        // 429s are counted on the wire (see budgetClient), where the first one of a run shows too.
        added = [{ kind: 'error', key: event.key, at: Date.now(), seq, status: event.error.status }];
      }
      if (added.length === 0) return;
      setLog((prev) => {
        const keepFrom = Date.now() - REGISTRATION_TTL_MS;
        return [...prev.filter((e) => e.at >= keepFrom), ...added];
      });
    });
  }, [sync]);
  useEffect(() => {
    const onRefused = (key: PresenceKey) =>
      setLog((prev) => [...prev, { kind: 'error', key, at: Date.now(), seq: -1, status: 429 }]);
    refusalListeners.add(onRefused);
    return () => {
      refusalListeners.delete(onRefused);
    };
  }, []);
  return log;
}

/** The clock, advanced every second so the chart scrolls and the counters age. */
function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), SECOND);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function statsOf(entries: readonly LogEntry[], external: boolean, now: number): LaneStats {
  const reads = entries.filter((e) => e.kind === 'read').map((e) => e.at);
  const registrations = entries.filter((e) => e.kind === 'register').map((e) => e.at);
  let maxReadsIn5 = 0;
  reads.forEach((at, i) => {
    const inWindow = reads.slice(i).filter((t) => t - at < EXTERNAL_GAP_MS).length;
    maxReadsIn5 = Math.max(maxReadsIn5, inWindow);
  });
  const unregisteredReads = external
    ? reads.filter((at) => !registrations.some((r) => r <= at && at - r < REGISTRATION_TTL_MS)).length
    : 0;
  return {
    reads: reads.length,
    readsLast5: reads.filter((at) => now - at < EXTERNAL_GAP_MS).length,
    maxReadsIn5,
    registrations: registrations.length,
    unregisteredReads,
    errors: entries.filter((e) => e.kind === 'error').length,
    lastRead: reads.at(-1),
  };
}

const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** "m:ss" after the page opened. */
function elapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / SECOND));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

const DRAW_ORDER: Readonly<Record<LogEntry['kind'], number>> = { register: 0, read: 1, error: 2 };

// Chart geometry, in SVG user units, which are CSS pixels: the chart is drawn at the width it is
// shown at, so its text stays 12 px on a phone instead of shrinking with the picture.
const LANE_H = 30;
const TOP = 24;
/** Widest the chart is drawn; wider screens leave it at that. */
const MAX_WIDTH = 922;
/** Narrowest drawing; a narrower column scrolls it sideways inside its own box. */
const MIN_WIDTH = 300;

function Timeline({
  laneList,
  byKey,
  stats,
  startedAt,
  now,
  summary,
  width: shownWidth,
}: {
  /** Width available, in CSS pixels. */
  width: number;
  laneList: readonly Lane[];
  byKey: ReadonlyMap<PresenceKey, readonly LogEntry[]>;
  stats: ReadonlyMap<PresenceKey, LaneStats>;
  startedAt: number;
  now: number;
  summary: string;
}): ReactElement {
  const WIDTH = Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, shownWidth)));
  const LABEL_W = Math.round(Math.min(190, WIDTH * 0.36));
  const PLOT_W = WIDTH - LABEL_W - 12;
  const maxName = Math.floor((LABEL_W - 34) / 7);
  // The first 6 minutes fill from the left; after that the chart scrolls with the clock.
  const from = Math.max(startedAt, now - SPAN_MS);
  const x = (t: number) => LABEL_W + ((Math.min(Math.max(t, from), from + SPAN_MS) - from) / SPAN_MS) * PLOT_W;
  const height = TOP + laneList.length * LANE_H + 8;
  const minutes: number[] = [];
  for (let t = Math.ceil((from - startedAt) / MINUTE) * MINUTE; t <= from - startedAt + SPAN_MS; t += MINUTE) minutes.push(t);

  return (
    <svg className="story-chart" viewBox={`0 0 ${WIDTH} ${height}`} width={WIDTH} height={height} role="img" aria-label={summary}>
      {minutes.map((t) => (
        <g key={t}>
          <line className="story-chart__grid" x1={x(startedAt + t)} x2={x(startedAt + t)} y1={TOP - 6} y2={height - 8} />
          <text className="story-chart__muted" x={x(startedAt + t)} y={12} textAnchor="middle">
            {elapsed(t)}
          </text>
        </g>
      ))}
      {laneList.map((lane, i) => {
        const y = TOP + i * LANE_H;
        const mid = y + LANE_H / 2;
        const entries = (byKey.get(lane.key) ?? []).filter((e) => e.at >= from - EXTERNAL_GAP_MS);
        const s = stats.get(lane.key);
        return (
          <g key={lane.key} data-lane={lane.key}>
            {i % 2 === 0 && <rect className="story-chart__lane" x={0} y={y} width={WIDTH} height={LANE_H} />}
            <text x={6} y={mid + 4}>
              {lane.name.length > maxName ? `${lane.name.slice(0, maxName - 1)}…` : lane.name}
            </text>
            <text className="story-chart__muted" x={LABEL_W - 8} y={mid + 4} textAnchor="end">
              {lane.external ? `${s?.readsLast5 ?? 0}/1` : `${s?.readsLast5 ?? 0}`}
            </text>
            {lane.external &&
              entries
                .filter((e) => e.kind === 'read' && e.at + EXTERNAL_GAP_MS > from)
                .map((e) => (
                  <rect
                    key={`w${e.at}`}
                    data-kind="window"
                    x={x(e.at)}
                    y={y + 5}
                    width={Math.max(0, x(e.at + EXTERNAL_GAP_MS) - x(e.at))}
                    height={LANE_H - 10}
                    rx={3}
                  />
                ))}
            {entries
              .filter((e) => e.at >= from)
              // Reads on top of the registration that comes just before them, failures on top of all.
              .sort((a, b) => DRAW_ORDER[a.kind] - DRAW_ORDER[b.kind])
              .map((e, j) => {
                const cx = x(e.at);
                if (e.kind === 'read') {
                  return <line key={j} data-kind="read" x1={cx} x2={cx} y1={y + 3} y2={y + LANE_H - 3} />;
                }
                if (e.kind === 'register') {
                  return (
                    <path key={j} data-kind="register" d={`M${cx} ${mid - 7}l6 7-6 7-6-7z`} />
                  );
                }
                return <path key={j} data-kind="error" d={`M${cx - 5} ${mid - 5}l10 10m0-10l-10 10`} />;
              })}
          </g>
        );
      })}
      <line className="story-chart__now" x1={x(now)} x2={x(now)} y1={TOP - 6} y2={height - 8} />
    </svg>
  );
}

function RequestBudget(): ReactElement {
  const sync = usePresenceSync();
  const log = useRequestLog(sync);
  const now = useNow();
  const [startedAt] = useState(Date.now);
  const laneList = useMemo(() => lanes(), []);

  const byKey = useMemo(() => {
    const map = new Map<PresenceKey, LogEntry[]>();
    for (const e of log) map.set(e.key, [...(map.get(e.key) ?? []), e]);
    return map;
  }, [log]);
  const stats = new Map(laneList.map((l) => [l.key, statsOf(byKey.get(l.key) ?? [], l.external, now)]));
  const all = [...stats.values()];
  const totalReads = all.reduce((n, s) => n + s.reads, 0);
  const totalRegistrations = all.reduce((n, s) => n + s.registrations, 0);
  const registrationRequests = new Set(log.filter((e) => e.kind === 'register').map((e) => e.seq)).size;
  const externalStats = laneList.filter((l) => l.external).map((l) => stats.get(l.key)!);
  const kept = externalStats.every((s) => s.maxReadsIn5 <= 1 && s.unregisteredReads === 0);
  // A 429 is the pod enforcing the session's budget (a read by another page of the same session,
  // or before a reload): the engine waits as told, so the budget is still kept, and the page says so.
  const refused = log.filter((e) => e.kind === 'error' && e.status === 429).length;
  const [chartWidth, setChartWidth] = useState(MAX_WIDTH);
  const chartBox = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = chartBox.current;
    if (!el) return undefined;
    setChartWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setChartWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const summary =
    `Request timeline for ${laneList.length} users, ${elapsed(now - startedAt)} since the page opened: ` +
    `${totalReads} reads, and ${registrationRequests} interest registration ${registrationRequests === 1 ? 'request' : 'requests'} ` +
    `covering ${totalRegistrations} contacts. ` +
    (kept
      ? 'No external contact was read more than once in 5 minutes, and each was registered before being read.'
      : 'The external budget was exceeded.');

  return (
    <StoryPage title="Request budget">
      <p className="story-budget-rules">
        Symphony lets a session read an <strong>external</strong> contact&apos;s presence once every 5 minutes, and only
        after registering interest in them (a registration lasts an hour; the engine renews it after 55 minutes).
        Colleagues have no per-user limit: here they are read every 10 seconds to fill the chart (the default is 60
        seconds). External contacts stay at 5 minutes whatever the settings.
        Counts start when this page opens: after a reload the pod may still refuse (429, drawn as a cross) a contact
        read less than 5 minutes before, since the budget belongs to the session, not the page.
      </p>
      {/* A live region that changes only with the verdict, not with every read. */}
      <p className="story-verdict" data-kept={kept} data-refused={refused} role="status">
        {kept ? 'Budget kept' : 'Budget exceeded: an external contact was read too often or unregistered'}
        {refused > 0 && (
          <span className="story-verdict__note">
            {' '}
            · the pod refused {refused} {refused === 1 ? 'read' : 'reads'} with 429 (a read this session made before
            the page opened); the engine waited as told
          </span>
        )}
      </p>
      <div className="story-chart-box" ref={chartBox}>
        <Timeline
          laneList={laneList}
          byKey={byKey}
          stats={stats}
          startedAt={startedAt}
          now={now}
          summary={summary}
          width={chartWidth}
        />
      </div>
      <ul className="story-legend" aria-label="Legend">
        <li>
          <svg className="story-chart" viewBox="0 0 18 18" aria-hidden="true">
            <line data-kind="read" x1={9} x2={9} y1={2} y2={16} />
          </svg>
          Read
        </li>
        <li>
          <svg className="story-chart" viewBox="0 0 18 18" aria-hidden="true">
            <path data-kind="register" d="M9 2l7 7-7 7-7-7z" />
          </svg>
          Interest registered
        </li>
        <li>
          <svg className="story-chart" viewBox="0 0 18 18" aria-hidden="true">
            <rect data-kind="window" x={1} y={3} width={16} height={12} rx={3} />
          </svg>
          5 minutes in which the contact may not be read again
        </li>
        <li>
          <svg className="story-chart" viewBox="0 0 18 18" aria-hidden="true">
            <path data-kind="error" d="M4 4l10 10m0-10l-10 10" />
          </svg>
          Failed request
        </li>
        <li>Numbers at the left: reads in the last 5 minutes (/ limit)</li>
      </ul>

      {/* Scrolls sideways on its own on a phone, so the page does not. */}
      <div className="story-scroll" role="region" aria-labelledby="story-budget-caption" tabIndex={0}>
      <table className="story-table">
        <caption id="story-budget-caption">Requests per user since the page opened</caption>
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Status</th>
            <th scope="col">Side</th>
            <th scope="col" className="story-num">
              Reads
            </th>
            <th scope="col">Reads in the last 5 min</th>
            <th scope="col" className="story-num">
              Registrations
            </th>
            <th scope="col">Last read</th>
            <th scope="col">Next read allowed</th>
          </tr>
        </thead>
        <tbody>
          {laneList.map((lane) => {
            const s = stats.get(lane.key)!;
            const next = sync.getState(lane.key).nextReadAt;
            return (
              <tr key={lane.key} data-lane={lane.key}>
                <th scope="row">{lane.name}</th>
                <td>
                  {/* Showing the user is what makes the engine read them. */}
                  <PresenceBadge userId={lane.key} showLabel />
                </td>
                <td>{lane.external ? 'External' : 'Colleague'}</td>
                <td className="story-num">{s.reads}</td>
                <td>{lane.external ? `${s.readsLast5} (limit 1)` : `${s.readsLast5} (no limit)`}</td>
                <td className="story-num">{s.registrations}</td>
                <td>{s.lastRead === undefined ? '—' : timeFormat.format(s.lastRead)}</td>
                <td>{next === undefined || s.lastRead === undefined ? '—' : next <= now ? 'now' : `in ${elapsed(next - now)}`}</td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">All</th>
            <td />
            <td />
            <td className="story-num" data-testid="total-reads">
              {totalReads}
            </td>
            <td />
            <td className="story-num">{totalRegistrations}</td>
            <td />
            <td />
          </tr>
        </tfoot>
      </table>
      </div>
    </StoryPage>
  );
}

/**
 * Draws, as they happen, the reads and interest registrations the engine makes for the
 * requesting user, 6 colleagues and 6 external contacts, against Symphony's limits. Real time,
 * from the engine's own `subscribe` events; a table under the chart gives the same numbers.
 */
const meta = {
  title: 'Pages/Request budget',
  component: RequestBudget,
  parameters: { layout: 'fullscreen' },
  decorators: [
    (Story) => (
      <PresenceProvider client={budgetClient} crossTab={false} options={ENGINE_OPTIONS} locale="en">
        <Story />
      </PresenceProvider>
    ),
  ],
} satisfies Meta<typeof RequestBudget>;
export default meta;

export const RequestBudget_: StoryObj<typeof meta> = {
  name: 'Request budget',
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('img', { name: /^Request timeline/ })).toBeVisible();
    const table = canvas.getByRole('table', { name: 'Requests per user since the page opened' });
    await expect(within(table).getAllByRole('row')).toHaveLength(1 + 13 + 1);
    await waitFor(
      () => {
        expect(Number(canvas.getByTestId('total-reads').textContent)).toBeGreaterThanOrEqual(13);
        // External contacts are read too, each once, after a registration.
        const external = within(table).getAllByRole('row').filter((r) => within(r).queryByText('External'));
        expect(external).toHaveLength(6);
        for (const row of external) expect(within(row).getByText('1 (limit 1)')).toBeVisible();
      },
      { timeout: 10_000 },
    );
    await expect(canvas.getByRole('status')).toHaveTextContent(/^Budget kept/);
    await expect(canvas.getByRole('img', { name: /^Request timeline/ }).querySelector('[data-kind="read"]')).not.toBeNull();
  },
};

/**
 * Another app on the same session read an external contact less than 5 minutes ago (this page
 * cannot know: nothing of it is in this page's storage), so the pod answers this page's read with
 * 429. The engine waits as told, so the budget is kept, and the verdict says what the pod refused.
 */
export const AfterAReload: StoryObj<typeof meta> = {
  name: 'Another app read first (429s)',
  beforeEach: async () => {
    // A page that does not share this tab's kept state (another app, a second tab): what earlier
    // stories kept in sessionStorage would otherwise rightly hold the read back, and no 429 would come.
    sessionStorage.clear();
    const pod = getBrowserPod();
    const contact = storyPeople().budget.external[0]!.id;
    const headers = { sessionToken: DEFAULT_SESSION_TOKEN };
    // "The previous page": registers the contact and reads them, as the engine would have.
    await pod.handle({ method: 'POST', path: '/v1/user/presence/register', headers, bodyText: `[${contact}]` });
    await pod.handle({ method: 'GET', path: `/v3/user/${contact}/presence`, headers });
  },
  play: async ({ canvas }) => {
    const verdict = canvas.getByRole('status');
    await waitFor(() => expect(Number(verdict.dataset.refused)).toBeGreaterThan(0), { timeout: 10_000 });
    await expect(verdict).toHaveTextContent(/^Budget kept · the pod refused \d+ reads? with 429/);
  },
};

/** At phone width the chart is drawn at that width (its text stays 12 px) and the table scrolls in its own box. */
export const PhoneWidth: StoryObj<typeof meta> = {
  name: 'At 375 px',
  decorators: [
    (Story) => (
      <div data-testid="phone" style={{ width: 375, overflow: 'auto' }}>
        <Story />
      </div>
    ),
  ],
  play: async ({ canvas }) => {
    const phone = canvas.getByTestId('phone');
    const chart = canvas.getByRole('img', { name: /^Request timeline/ });
    await waitFor(() => expect(chart.getBoundingClientRect().width).toBeLessThanOrEqual(375 - 2 * 16));
    // Drawn 1:1: an SVG unit is a CSS pixel, so the 12 px labels are 12 px on screen.
    await expect(chart.getBoundingClientRect().width).toBe(Number(chart.getAttribute('width')));
    await expect(phone.scrollWidth).toBeLessThanOrEqual(phone.clientWidth);
    const table = canvas.getByRole('region', { name: 'Requests per user since the page opened' });
    await expect(table.scrollWidth).toBeGreaterThan(table.clientWidth);
  },
};
