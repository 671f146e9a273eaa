import type { Meta, StoryObj } from '@storybook/react-vite';
import { mswLoader } from 'msw-storybook-addon/csf3';
import type { ReactElement } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import '../src/components/presence-widgets.css';
import {
  GraphPresenceProvider,
  PresenceAvatar,
  PresenceBadge,
  PresenceProvider,
  PresenceUiProvider,
  StatusMessageEditor,
  StatusPicker,
  graphPresenceUi,
} from '../src/components';
import { useMergedPresence, type PresenceSourceState } from '../src/hooks';
import { DEFAULT_GRAPH_USERS } from '../src/mock-pod';
import { GRAPH_PRESENCE_STATES, toSymphonyCategory } from '../src/model';
import { storyClient, storyPodHandlers } from './support/storyPod';
import { STORY_GRAPH_ME, getBrowserGraph, storyGraphAdapter, storyGraphHandlers } from './support/storyGraph';
import { storyPeople } from './support/storyPeople';

declare const __PW_POD_OVER_HTTP__: boolean;
// Under `npm start` the preview has no MSW loader (the pod is real HTTP); Graph still needs one.
const overHttp = typeof __PW_POD_OVER_HTTP__ !== 'undefined' && __PW_POD_OVER_HTTP__;

const GRAPH_PEOPLE = DEFAULT_GRAPH_USERS.map((u) => ({ id: u.id!, name: u.displayName }));

/** Every row of Graph's presence states table as badges, with the pair it stands for. */
function AllStates(): ReactElement {
  return (
    <table style={{ borderCollapse: 'collapse' }}>
      <caption style={{ textAlign: 'start', fontWeight: 600 }}>Microsoft Graph presence states</caption>
      <thead>
        <tr>
          <th scope="col">Teams state</th>
          <th scope="col">Availability / activity</th>
          <th scope="col">Icon</th>
          <th scope="col">With label</th>
          <th scope="col">Symphony category</th>
        </tr>
      </thead>
      <tbody>
        {GRAPH_PRESENCE_STATES.map((s) => {
          const graph = { availability: s.availability, activity: s.activity, outOfOffice: s.outOfOffice };
          return (
            <tr key={s.teamsState}>
              <th scope="row" style={{ textAlign: 'start' }}>
                {s.teamsState}
              </th>
              <td style={{ fontFamily: 'monospace' }}>
                {s.availability} / {s.activity}
                {s.outOfOffice ? ' + OOF' : ''}
              </td>
              <td style={{ textAlign: 'center' }}>
                <PresenceBadge graph={graph} size="large" />
              </td>
              <td>
                <PresenceBadge graph={graph} showLabel />
              </td>
              <td>
                <code>{toSymphonyCategory(s)}</code>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** People of the Graph emulator, live through the Graph adapter, with the own status picker. */
function LivePeople(): ReactElement {
  return (
    <PresenceProvider client={storyGraphAdapter} graph={graphPresenceUi} options={{ internalIntervalMs: 15_000 }}>
      <section aria-label="Teams people">
        <p>
          My Teams status: <StatusPicker /> <PresenceBadge userId="self" showLabel data-testid="me" />
        </p>
        <ul style={{ listStyle: 'none', padding: 0, display: 'grid', gap: 8 }}>
          {GRAPH_PEOPLE.map((p) => (
            <li key={p.id} style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
              <PresenceAvatar userId={p.id} name={p.name} aria-hidden="true" />
              <span>{p.name}</span>
              <PresenceBadge userId={p.id} showLabel data-testid={`graph-${p.name}`} />
            </li>
          ))}
        </ul>
      </section>
    </PresenceProvider>
  );
}

/** The Graph picker with a status message: the own status and note, and people's notes as tooltips. */
function StatusMessages(): ReactElement {
  return (
    <PresenceProvider client={storyGraphAdapter} options={{ internalIntervalMs: 15_000 }}>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 16, alignItems: 'flex-start' }}>
        <section aria-label="My Teams status" style={{ display: 'grid', gap: 8 }}>
          <span style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
            <PresenceAvatar userId="self" name="Adele Vance" size={40} data-testid="me-avatar" />
            <StatusPicker />
          </span>
          <StatusMessageEditor />
        </section>
        <ul aria-label="Teams people" style={{ listStyle: 'none', padding: 0, margin: 0, display: 'grid', gap: 8 }}>
          {GRAPH_PEOPLE.slice(1).map((p) => (
            <li key={p.id} style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
              <PresenceAvatar userId={p.id} name={p.name} data-testid={`avatar-${p.name}`} />
              <PresenceBadge userId={p.id} size="small" data-testid={`badge-${p.name}`} />
            </li>
          ))}
        </ul>
      </div>
    </PresenceProvider>
  );
}

function SourceBadge({ state, testId }: { state: PresenceSourceState | undefined; testId: string }): ReactElement {
  if (!state) return <span>—</span>;
  const status = state.error ? 'error' : state.presence ? 'ready' : 'loading';
  return (
    <PresenceBadge
      status={status}
      category={state.presence?.category}
      graph={state.presence?.graph}
      showLabel
      data-testid={testId}
    />
  );
}

function MergedRow({ name, symphonyId, graphId }: { name: string; symphonyId: string; graphId: string }): ReactElement {
  const { merged, sources, isError } = useMergedPresence({ symphonyId, graphId });
  return (
    <tr>
      <th scope="row" style={{ textAlign: 'start' }}>
        {name}
      </th>
      <td>
        {merged ? (
          <PresenceBadge category={merged.category} graph={merged.graph} showLabel data-testid={`merged-${name}`} />
        ) : (
          <PresenceBadge status={isError ? 'error' : 'loading'} showLabel data-testid={`merged-${name}`} />
        )}
        {merged && <small> (from {merged.source === 'graph' ? 'Teams' : 'Symphony'})</small>}
      </td>
      <td>
        <SourceBadge state={sources.symphony} testId={`symphony-${name}`} />
      </td>
      <td>
        <SourceBadge state={sources.graph} testId={`teams-${name}`} />
      </td>
    </tr>
  );
}

/** People on Symphony and Teams: one merged status each, and both platforms' own. */
function Merged(): ReactElement {
  const team = storyPeople().team;
  const rows = GRAPH_PEOPLE.map((g, i) => ({ name: g.name, graphId: g.id, symphonyId: team[i]!.id }));
  return (
    <PresenceProvider client={storyClient} crossTab={false}>
      <GraphPresenceProvider client={storyGraphAdapter} options={{ internalIntervalMs: 15_000 }}>
        <table style={{ borderCollapse: 'collapse' }}>
          <caption style={{ textAlign: 'start', fontWeight: 600 }}>Merged presence (Graph precedence across both platforms)</caption>
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Shown</th>
              <th scope="col">Symphony</th>
              <th scope="col">Teams</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <MergedRow key={r.graphId} {...r} />
            ))}
          </tbody>
        </table>
      </GraphPresenceProvider>
    </PresenceProvider>
  );
}

/**
 * The widgets on Microsoft Graph: Teams' availability/activity pairs with their own icons and
 * names, out of office as a marker on another state, status messages and out-of-office replies as
 * tooltips and descriptions, and presence merged across Symphony and Teams.
 */
const meta = {
  title: 'Graph/Microsoft Graph',
  tags: ['autodocs'],
  loaders: overHttp ? [mswLoader()] : [],
  parameters: { msw: [...storyGraphHandlers(), ...storyPodHandlers()] },
} satisfies Meta;
export default meta;
type Story = StoryObj<typeof meta>;

/** Teams' icons for every availability/activity pair of Graph's table, out of office as a marker. */
export const AllGraphStates: Story = {
  // Graph's icons come with a provider's `graph` support.
  render: () => (
    <PresenceUiProvider graph={graphPresenceUi}>
      <AllStates />
    </PresenceUiProvider>
  ),
  play: async ({ canvas }) => {
    await expect(canvas.getAllByRole('img', { name: 'In a call, out of office' })).toHaveLength(1);
    await expect(canvas.getAllByRole('img', { name: 'Presenting' })).toHaveLength(1);
    await expect(canvas.getByRole('img', { name: 'Available, out of office' }).querySelector('.pw-icon__marker')).not.toBeNull();
  },
};

/** The widgets on a Graph source: live badges and avatars by GUID, the picker offers setPresence's pairs. */
export const GraphPeople: Story = {
  render: () => <LivePeople />,
  play: async ({ canvas }) => {
    await waitFor(() => expect(canvas.getByTestId('graph-Grady Archie')).toHaveTextContent('Presenting'), { timeout: 5000 });
    await expect(canvas.getByTestId('graph-Lee Gu')).toHaveTextContent('Available, out of office');
    await expect(canvas.getByTestId('graph-Diego Siciliani')).toHaveTextContent('In a meeting');
    const picker = canvas.getByRole('combobox', { name: 'Change status' });
    await userEvent.click(picker);
    const options = within(canvas.getByRole('listbox')).getAllByRole('option');
    await expect(options.map((o) => o.textContent)).toEqual(['Available', 'In a call', 'In a conference call', 'Away', 'Presenting']);
    await userEvent.click(within(canvas.getByRole('listbox')).getByRole('option', { name: 'In a conference call' }));
    await waitFor(() => expect(canvas.getByTestId('me')).toHaveTextContent('In a conference call'), { timeout: 5000 });
  },
};

/** A person on both platforms: one merged status, and each platform's own beside it. */
export const MergedPresence: Story = {
  render: () => <Merged />,
  play: async ({ canvas }) => {
    await waitFor(
      () => {
        for (const p of GRAPH_PEOPLE) {
          // Merged shows as soon as one platform answered; wait for both.
          for (const id of [`merged-${p.name}`, `symphony-${p.name}`, `teams-${p.name}`]) {
            expect(canvas.getByTestId(id)).toHaveAttribute('data-status', 'ready');
          }
        }
      },
      { timeout: 8000 },
    );
    // Grady presents in Teams: DoNotDisturb outranks anything Symphony says, except its own
    // (deprecated) Do not disturb, which ties and goes to Symphony.
    const symphony = canvas.getByTestId('symphony-Grady Archie').textContent;
    await expect(canvas.getByTestId('merged-Grady Archie')).toHaveTextContent(
      symphony === 'Do not disturb' ? 'Do not disturb' : 'Presenting',
    );
  },
};

/**
 * Status messages: people's notes (Graph `statusMessage`, and the out-of-office reply) are the
 * tooltip and accessible description of their avatar and badge; the signed-in user sets theirs
 * with an expiry beside the Graph picker.
 */
export const StatusMessage: Story = {
  beforeEach: () => {
    const graph = getBrowserGraph();
    graph.setStatusMessage(GRAPH_PEOPLE[3]!.id, 'Presenting the Q4 numbers, back at 11', Date.now() + 2 * 3_600_000);
    graph.setEvent(GRAPH_PEOPLE[6]!.id, 'oof', true, { message: 'On leave until Monday' });
    graph.setStatusMessage(STORY_GRAPH_ME, null);
    return () => graph.setStatusMessage(GRAPH_PEOPLE[3]!.id, null);
  },
  render: () => <StatusMessages />,
  play: async ({ canvas, userEvent }) => {
    const grady = canvas.getByTestId(`avatar-${GRAPH_PEOPLE[3]!.name}`);
    await waitFor(() => expect(grady).toHaveAccessibleDescription('Presenting the Q4 numbers, back at 11'), { timeout: 5000 });
    await expect(grady).toHaveAttribute('title', 'Presenting the Q4 numbers, back at 11');
    await expect(canvas.getByTestId(`badge-${GRAPH_PEOPLE[3]!.name}`)).toHaveAccessibleDescription('Presenting the Q4 numbers, back at 11');
    await waitFor(() => expect(canvas.getByTestId(`avatar-${GRAPH_PEOPLE[6]!.name}`)).toHaveAccessibleDescription('On leave until Monday'));

    const field = await canvas.findByRole('textbox', { name: 'Message others see' });
    await userEvent.type(field, 'Working from Lisbon');
    await userEvent.selectOptions(canvas.getByRole('combobox', { name: 'Clear after' }), '1h');
    await userEvent.click(canvas.getByRole('button', { name: 'Set message' }));
    await waitFor(() => expect(canvas.getByText(/^Message set until /)).toBeVisible(), { timeout: 5000 });
    await expect(getBrowserGraph().getUser(STORY_GRAPH_ME)?.statusMessage).toMatchObject({ text: 'Working from Lisbon' });
    await waitFor(() => expect(canvas.getByTestId('me-avatar')).toHaveAccessibleDescription('Working from Lisbon'));

    await userEvent.click(canvas.getByRole('button', { name: 'Clear message' }));
    await waitFor(() => expect(canvas.getByText('Message cleared')).toBeVisible());
    await expect(getBrowserGraph().getUser(STORY_GRAPH_ME)?.statusMessage).toBeUndefined();
    await expect(field).toHaveValue('');
  },
};
