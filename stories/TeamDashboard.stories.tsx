import type { Meta, StoryObj } from '@storybook/react-vite';
import { memo, useDeferredValue, useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import { expect, waitFor, within } from 'storybook/test';
import '../src/components/presence-widgets.css';
import { PresenceAvatar, PresenceBadge, PresenceProvider, StatusPicker, en } from '../src/components';
import { usePresenceSync, usePresences } from '../src/hooks';
import { PRESENCE_CATEGORIES, isKnownCategory, type PresenceCategory, type UserId } from '../src/model';
import { StoryPage } from './support/StoryPage';
import { storyClient } from './support/storyPod';
import { storyPeople, type StoryPerson } from './support/storyPeople';

/** A filter bucket: a known category, or `other` (not loaded yet, failed, or a value this library does not know). */
type Bucket = PresenceCategory | 'other';

const BUCKETS: readonly Bucket[] = [...PRESENCE_CATEGORIES, 'other'];
const BUCKET_LABELS: Readonly<Record<Bucket, string>> = { ...en, other: 'Not loaded or unknown' };
const MAX_CHANGES = 6;

interface Change {
  readonly seq: number;
  readonly at: number;
  readonly person: StoryPerson;
  readonly from: PresenceCategory | undefined;
  readonly to: string;
}

const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * One roster row. Memoised on the person: when a status changes only that row's connected
 * badge and avatar re-render, not the 200 rows, although the page re-filters.
 */
const RosterRow = memo(function RosterRow({ person }: { person: StoryPerson }): ReactElement {
  return (
    <tr data-user-id={person.id}>
      <th scope="row">
        <span className="story-person">
          {/* The status column says the status; the avatar's own name would repeat the row. */}
          <PresenceAvatar userId={person.id} name={person.name} aria-hidden="true" />
          {person.name}
        </span>
      </th>
      <td>
        {person.company}
        {person.external && <span className="story-tag">External</span>}
      </td>
      <td>
        <PresenceBadge userId={person.id} showLabel />
      </td>
    </tr>
  );
});

/**
 * Status changes seen on the roster, newest first, from the engine's presence events. Not a
 * live region: with churn every 15 s it would keep interrupting a screen reader.
 */
function useRecentChanges(byId: ReadonlyMap<UserId, StoryPerson>): readonly Change[] {
  const sync = usePresenceSync();
  const [changes, setChanges] = useState<readonly Change[]>([]);
  const last = useRef(new Map<string, string>());
  useEffect(() => {
    let seq = 0;
    return sync.subscribe((event) => {
      if (event.type !== 'presence') return;
      const person = byId.get(event.key as UserId);
      if (!person) return;
      const before = last.current.get(event.key);
      const to = event.presence.category;
      last.current.set(event.key, to);
      if (before === undefined || before === to) return;
      const change: Change = {
        seq: ++seq,
        at: Date.now(),
        person,
        from: isKnownCategory(before) ? before : undefined,
        to,
      };
      setChanges((list) => [change, ...list].slice(0, MAX_CHANGES));
    });
  }, [sync, byId]);
  return changes;
}

/** Props of {@link StatusFilter}. */
interface StatusFilterProps {
  /** People per bucket. */
  counts: ReadonlyMap<Bucket, number>;
  /** Buckets whose people are shown. */
  shown: ReadonlySet<Bucket>;
  onShownChange: (shown: ReadonlySet<Bucket>) => void;
}

/**
 * A group of native checkboxes (keyboard and screen readers work as for any form), one per
 * status with its icon and count; the icons are decorative, the label says the status.
 */
function StatusFilter({ counts, shown, onShownChange }: StatusFilterProps): ReactElement {
  const toggle = (bucket: Bucket, on: boolean) => {
    const next = new Set(shown);
    if (on) next.add(bucket);
    else next.delete(bucket);
    onShownChange(next);
  };
  return (
    <fieldset className="story-filter">
      <legend>Filter by status</legend>
      {BUCKETS.map((bucket) => (
        <label key={bucket} className="story-filter__option" data-bucket={bucket} data-count={counts.get(bucket) ?? 0}>
          <input type="checkbox" checked={shown.has(bucket)} onChange={(e) => toggle(bucket, e.currentTarget.checked)} />
          {bucket === 'other' ? (
            <PresenceBadge status="loading" aria-hidden="true" />
          ) : (
            <PresenceBadge category={bucket} aria-hidden="true" />
          )}
          {BUCKET_LABELS[bucket]}
          <span className="story-filter__count">{counts.get(bucket) ?? 0}</span>
        </label>
      ))}
      <div className="story-filter__actions">
        <button type="button" onClick={() => onShownChange(new Set(BUCKETS))}>
          Show all
        </button>
        <button type="button" onClick={() => onShownChange(new Set())}>
          Hide all
        </button>
      </div>
    </fieldset>
  );
}

function TeamDashboard(): ReactElement {
  const { self, team } = storyPeople();
  const ids = useMemo(() => team.map((p) => p.id), [team]);
  const byId = useMemo(() => new Map(team.map((p) => [p.id, p])), [team]);
  // One subscription for the whole roster feeds the filter and the counts; the rows read the
  // same cached queries, so this costs no extra request.
  const { data: liveData, errors } = usePresences(ids);
  // While 200 first reads arrive one by one, React may skip the filter's intermediate renders
  // (the rows' own badges still update at once).
  const data = useDeferredValue(liveData);
  const changes = useRecentChanges(byId);
  const [shown, setShown] = useState<ReadonlySet<Bucket>>(() => new Set(BUCKETS));

  const bucketOf = useMemo(() => {
    const map = new Map<UserId, Bucket>();
    for (const [id, presence] of data) map.set(id, isKnownCategory(presence.category) ? presence.category : 'other');
    return (id: UserId): Bucket => map.get(id) ?? 'other';
  }, [data]);
  const counts = useMemo(() => {
    const c = new Map<Bucket, number>(BUCKETS.map((b) => [b, 0]));
    for (const p of team) c.set(bucketOf(p.id), (c.get(bucketOf(p.id)) ?? 0) + 1);
    return c;
  }, [team, bucketOf]);
  const visible = useMemo(() => team.filter((p) => shown.has(bucketOf(p.id))), [team, shown, bucketOf]);

  return (
    <StoryPage
      title="Team dashboard"
      actions={
        <>
          <PresenceAvatar userId="self" name={self.name} size={40} />
          <span>
            <strong>{self.name}</strong>
            <br />
            <span className="story-muted">{self.company}</span>
          </span>
          <StatusPicker />
        </>
      }
    >
      <div className="story-dashboard">
        <aside>
          <StatusFilter counts={counts} shown={shown} onShownChange={setShown} />
          <section className="story-changes" aria-labelledby="story-changes-title">
            <h2 id="story-changes-title">Recent changes</h2>
            {changes.length === 0 ? (
              <p className="story-muted">
                None yet. The emulator changes a few people every 15 seconds; colleagues are read every minute and
                external contacts every 5 minutes, so changes show within that time.
              </p>
            ) : (
              <ol>
                {changes.map((c) => (
                  <li key={c.seq}>
                    <span className="story-muted">{timeFormat.format(c.at)}</span> {c.person.name}:{' '}
                    <PresenceBadge category={c.to} showLabel size="small" />
                    <span className="story-muted">(was {c.from ? BUCKET_LABELS[c.from] : en.unknown})</span>
                  </li>
                ))}
              </ol>
            )}
          </section>
        </aside>
        <div>
          <p role="status" className="story-muted" data-testid="dashboard-summary" data-loaded={data.size}>
            Showing {visible.length} of {team.length} people · {data.size} statuses loaded
            {errors.size > 0 && ` · ${errors.size} could not be read`}
          </p>
          <table className="story-table">
            <caption className="pw-visually-hidden">Team roster</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Company</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {visible.map((person) => (
                <RosterRow key={person.id} person={person} />
              ))}
            </tbody>
          </table>
          {visible.length === 0 && <p>No one matches the filter.</p>}
        </div>
      </div>
    </StoryPage>
  );
}

/**
 * A full page on live data: 140 colleagues and 60 external contacts from the emulator, which
 * changes a few people's status every 15 seconds. Colleagues are read every minute, external
 * contacts once per 5 minutes (Symphony's limit), all within the pod's budget.
 *
 * The filter works on `usePresences` for the whole roster; each row's avatar and badge are
 * connected components reading the same cache. The header holds the requesting user's own picker.
 */
const meta = {
  title: 'Pages/Team dashboard',
  component: TeamDashboard,
  parameters: { layout: 'fullscreen' },
  decorators: [
    (Story) => (
      <PresenceProvider client={storyClient} crossTab={false} locale="en">
        <Story />
      </PresenceProvider>
    ),
  ],
} satisfies Meta<typeof TeamDashboard>;
export default meta;

/** Fixed counts for the filter on its own. */
const SAMPLE_COUNTS: ReadonlyMap<Bucket, number> = new Map(BUCKETS.map((b, i) => [b, (i * 7) % 23]));

/**
 * The dashboard's filter on its own, with fixed counts: native checkboxes in a fieldset.
 * (Listed first, it also takes the story file's first-load cost in `npm test`, which keeps
 * the full page's test within its time limit on a slow machine.)
 */
export const StatusFilter_: StoryObj<typeof meta> = {
  name: 'Status filter',
  parameters: { layout: 'padded' },
  render: function Render() {
    const [shown, setShown] = useState<ReadonlySet<Bucket>>(() => new Set(BUCKETS));
    return (
      <div className="story-page" style={{ minHeight: 0, maxWidth: '18rem' }}>
        <StatusFilter counts={SAMPLE_COUNTS} shown={shown} onShownChange={setShown} />
        <p data-testid="shown">{[...shown].join(' ')}</p>
      </div>
    );
  },
  play: async ({ canvas, userEvent }) => {
    const busy = canvas.getByRole('checkbox', { name: `Busy ${SAMPLE_COUNTS.get('BUSY')}` });
    await expect(busy).toBeChecked();
    busy.focus();
    await userEvent.keyboard(' ');
    await expect(busy).not.toBeChecked();
    await expect(canvas.getByTestId('shown')).not.toHaveTextContent(/\bBUSY\b/);
    await userEvent.click(canvas.getByRole('button', { name: 'Hide all' }));
    await expect(canvas.queryAllByRole('checkbox', { checked: true })).toHaveLength(0);
    await userEvent.click(canvas.getByRole('button', { name: 'Show all' }));
    await expect(canvas.getAllByRole('checkbox', { checked: true })).toHaveLength(BUCKETS.length);
  },
};

export const TeamDashboard_: StoryObj<typeof meta> = {
  name: 'Team dashboard',
  play: async ({ canvas, canvasElement, userEvent, step }) => {
    // Role queries over 200 rows take seconds each (every element's role is computed), so the
    // loops below use the DOM; what a person would look for is found by role once.
    const table = canvas.getByRole('table', { name: 'Team roster' }) as HTMLTableElement;
    // The filter's controls are looked up by role inside its own (small) fieldset.
    const filter = within(canvasElement.querySelector('fieldset') as HTMLFieldSetElement);
    const bodyRows = () => Array.from(table.tBodies[0]?.rows ?? []);
    await expect(bodyRows()).toHaveLength(200);

    await step('statuses arrive', async () => {
      // Colleagues come first, external contacts after their interest registration. The whole
      // roster can take longer than a story test may run on a busy 2-core machine (the in-page
      // emulator answers 200 reads one by one), so the filter is tested on what has arrived.
      await waitFor(() => expect(Number(canvas.getByTestId('dashboard-summary').dataset.loaded)).toBeGreaterThan(0), {
        timeout: 10_000,
      });
      // The requesting user's own avatar in the header.
      const me = canvasElement.querySelector('.story-header__me .pw-avatar');
      await waitFor(() => expect(me).toHaveAccessibleName(/^Tomasz Nguyen, (?!Loading)/));
    });

    await step('filter by one status', async () => {
      const available = filter.getByRole('checkbox', { name: /^Available \d+$/ });
      await userEvent.click(filter.getByRole('button', { name: 'Hide all' }));
      await expect(bodyRows()).toHaveLength(0);
      await expect(canvas.getByText('No one matches the filter.')).toBeVisible();

      await userEvent.click(available);
      await expect(available).toBeChecked();
      // Statuses may change while this runs (churn): compare with the count shown at that moment.
      await waitFor(() => {
        const expected = Number(available.closest('label')?.dataset.count);
        expect(expected).toBeGreaterThan(0);
        const rows = bodyRows();
        expect(rows).toHaveLength(expected);
        for (const row of rows) expect(row.querySelector('.pw-badge')).toHaveAttribute('data-category', 'AVAILABLE');
      });
    });

    await step('show everyone again', async () => {
      await userEvent.click(filter.getByRole('button', { name: 'Show all' }));
      await expect(bodyRows()).toHaveLength(200);
    });
  },
};
