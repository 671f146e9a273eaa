import type { Meta, StoryObj } from '@storybook/react-vite';
import { useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import { expect, waitFor, within } from 'storybook/test';
import '../src/components/presence-widgets.css';
import { PresenceAvatar, PresenceBadge, PresenceProvider, PresenceRoster, StatusPicker, en } from '../src/components';
import { usePresenceSync } from '../src/hooks';
import { isKnownCategory, type PresenceCategory, type UserId } from '../src/model';
import { StoryPage } from './support/StoryPage';
import { storyClient } from './support/storyPod';
import { storyPeople, type StoryPerson } from './support/storyPeople';

const MAX_CHANGES = 8;

interface Change {
  readonly seq: number;
  /** When the change happened on the pod: the new presence's own time. */
  readonly at: number;
  readonly person: StoryPerson;
  readonly from: PresenceCategory | undefined;
  readonly to: string;
}

const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * Status changes seen on the roster, newest first, from the engine's presence events. Each keeps
 * its own time: the pod's timestamp of the new presence (when it was set; for OFFLINE, when it was
 * read, which is all the pod tells). Not a live region: with churn every 15 s it would keep
 * interrupting a screen reader.
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
        at: event.presence.timestamp ?? Date.now(),
        person,
        from: isKnownCategory(before) ? before : undefined,
        to,
      };
      setChanges((list) => [change, ...list].sort((a, b) => b.at - a.at || b.seq - a.seq).slice(0, MAX_CHANGES));
    });
  }, [sync, byId]);
  return changes;
}

function RecentChanges({ changes }: { changes: readonly Change[] }): ReactElement {
  return (
    <section className="story-changes" aria-labelledby="story-changes-title">
      <h2 id="story-changes-title">Recent changes</h2>
      {changes.length === 0 ? (
        <p className="story-muted">
          None yet. The emulator changes a few people every 15 seconds; colleagues are read every minute and external
          contacts every 5 minutes, so changes show within that time.
        </p>
      ) : (
        <ol>
          {changes.map((c) => (
            <li key={c.seq} data-testid="change">
              <time className="story-muted" dateTime={new Date(c.at).toISOString()}>
                {timeFormat.format(c.at)}
              </time>{' '}
              {c.person.name}: <PresenceBadge category={c.to} showLabel size="small" />
              <span className="story-muted">(was {c.from ? en[c.from] : en.unknown})</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function TeamDashboard(): ReactElement {
  const { self, team } = storyPeople();
  const byId = useMemo(() => new Map(team.map((p) => [p.id, p])), [team]);
  const people = useMemo(
    () => team.map((p) => ({ id: p.id, name: p.name, detail: p.external ? `${p.company} · External` : p.company })),
    [team],
  );
  const changes = useRecentChanges(byId);

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
        <PresenceRoster aria-label="Team roster" people={people} className="story-roster" />
        <aside>
          <RecentChanges changes={changes} />
        </aside>
      </div>
    </StoryPage>
  );
}

/**
 * A full page on live data: 140 colleagues and 60 external contacts from the emulator, which
 * changes a few people's status every 15 seconds. Colleagues are read every minute, external
 * contacts once per 5 minutes (Symphony's limit), all within the pod's budget.
 *
 * The roster reads everyone with one `usePresences` subscription: status tiles count and filter,
 * cards fill wide screens, and rows that could not be read are counted as such. The header holds
 * the requesting user's own picker.
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

export const TeamDashboard_: StoryObj<typeof meta> = {
  name: 'Team dashboard',
  play: async ({ canvas, canvasElement, userEvent, step }) => {
    const grid = await canvas.findByRole('grid', { name: 'Team roster' });
    const tiles = within(canvasElement.querySelector('.pw-roster__tiles') as HTMLElement);
    // Tiles of empty groups other than the five colours are left out: they count 0.
    const count = (name: RegExp) => Number(tiles.queryByRole('button', { name })?.querySelector('.pw-roster__tile-count')?.textContent ?? 0);

    await step('statuses arrive; none of them counts as unknown while it loads', async () => {
      await expect(count(/^All \d+$/)).toBe(200);
      await waitFor(() => expect(count(/^Available \d+$/)).toBeGreaterThan(0), { timeout: 10_000 });
      await expect(count(/^No status \d+$/)).toBeLessThan(20);
      const me = canvasElement.querySelector('.story-header__me .pw-avatar');
      await waitFor(() => expect(me).toHaveAccessibleName(/^Tomasz Nguyen, (?!Loading)/));
    });

    await step('a tile shows one group', async () => {
      await userEvent.click(tiles.getByRole('button', { name: /^Available \d+$/ }));
      await waitFor(() => {
        const cells = grid.querySelectorAll('[role="gridcell"]');
        expect(cells.length).toBeGreaterThan(0);
        for (const cell of cells) expect(cell.querySelector('.pw-badge')).toHaveAttribute('data-category', 'AVAILABLE');
      });
      await userEvent.click(tiles.getByRole('button', { name: /^All \d+$/ }));
      await expect(canvasElement.querySelector('.pw-roster__summary')).toHaveTextContent('Showing 200 of 200 people');
    });
  },
};

/** "Recent changes" keeps each change's own time. */
export const RecentChangeTimes: StoryObj<typeof meta> = {
  name: 'Recent changes',
  parameters: { layout: 'padded' },
  render: () => {
    const { team } = storyPeople();
    const at = Date.UTC(2026, 10, 30, 9, 15, 0);
    const changes: Change[] = [
      { seq: 3, at: at + 42_000, person: team[0]!, from: 'AVAILABLE', to: 'BUSY' },
      { seq: 2, at: at + 17_000, person: team[1]!, from: 'AWAY', to: 'AVAILABLE' },
      { seq: 1, at, person: team[2]!, from: 'IN_A_MEETING', to: 'OFFLINE' },
    ];
    return (
      <div className="story-page">
        <RecentChanges changes={changes} />
      </div>
    );
  },
  play: async ({ canvas }) => {
    const times = canvas.getAllByTestId('change').map((li) => li.querySelector('time')?.getAttribute('datetime'));
    await expect(times).toEqual(['2026-11-30T09:15:42.000Z', '2026-11-30T09:15:17.000Z', '2026-11-30T09:15:00.000Z']);
  },
};
