import { QueryClient } from '@tanstack/react-query';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGraphPresenceClient } from '../../src/client';
import {
  GraphPresenceProvider,
  PresenceAvatar,
  PresenceBadge,
  PresenceProvider,
  PresenceUiProvider,
  StatusPicker,
  graphPresenceUi,
} from '../../src/components';
import { GRAPH_PRESENCE_STATES, SET_PRESENCE_PAIRS, USER_PREFERRED_PAIRS } from '../../src/model';
import { ADELE, SECOND, U, graphAdapter, graphClient, setupGraph } from '../support/graphHarness';

afterEach(() => {
  vi.useRealTimers();
});

const flush = (ms = SECOND) => act(() => vi.advanceTimersByTimeAsync(ms));

/*
 * Every row of the seed's permutations table, with the icon, tone, name and marker written out
 * by hand (Teams' icons: Busy a solid disc, Do not disturb the bar, calls the phone).
 */
const ROWS = [
  ['Available', 'check', 'available', 'Available', false],
  ['Available, Out of Office', 'check', 'available', 'Available, out of office', true],
  ['Busy', 'circle', 'busy', 'Busy', false],
  ['In a call', 'phone', 'busy', 'In a call', false],
  ['In a meeting', 'circle', 'busy', 'In a meeting', false],
  ['In a call, out of office', 'phone', 'busy', 'In a call, out of office', true],
  ['Do not disturb', 'sign', 'busy', 'Do not disturb', false],
  ['Presenting', 'sign', 'busy', 'Presenting', false],
  ['Focusing', 'sign', 'busy', 'Focusing', false],
  ['Away', 'clock', 'away', 'Away', false],
  ['Be right back', 'clock', 'away', 'Be right back', false],
  ['Appear offline', 'cross', 'offline', 'Off work', false],
  ['Status unknown', 'unknown', 'unknown', 'Unknown status', false],
  ['Out of Office', 'circle', 'out-of-office', 'Out of office', false],
] as const;

/** Graph states are drawn where a provider brings Graph support. */
function WithGraph({ children }: { children: ReactNode }) {
  return <PresenceUiProvider graph={graphPresenceUi}>{children}</PresenceUiProvider>;
}

describe('PresenceBadge with Graph details', () => {
  it('covers every row of the table', () => {
    expect(ROWS.map((r) => r[0])).toEqual(GRAPH_PRESENCE_STATES.map((s) => s.teamsState));
  });

  it.each(ROWS.map((row, i) => ({ row, state: GRAPH_PRESENCE_STATES[i]! })))(
    '$state.teamsState: $row.1 / $row.2 / "$row.3"',
    ({ row: [, glyph, tone, label, marker], state }) => {
      const graph = { availability: state.availability, activity: state.activity, outOfOffice: state.outOfOffice };
      render(<PresenceBadge category="AVAILABLE" graph={graph} data-testid="b" />, { wrapper: WithGraph });
      const badge = screen.getByRole('img', { name: label });
      expect(badge).toHaveAttribute('data-tone', tone);
      expect(badge).toHaveAttribute('data-graph', `${state.availability}/${state.activity}`);
      expect(badge.querySelector('svg')).toHaveAttribute('data-glyph', glyph);
      expect(badge.querySelector('.pw-icon__marker') !== null).toBe(marker);
    },
  );

  it('shows the Graph names in the provider language', () => {
    render(
      <PresenceBadge
        locale="de"
        category="ON_THE_PHONE"
        graph={{ availability: 'Busy', activity: 'InACall', outOfOffice: true }}
        labels={{ ON_THE_PHONE: 'x' }}
        showLabel
        data-testid="b"
      />,
      { wrapper: WithGraph },
    );
    expect(screen.getByTestId('b')).toHaveTextContent('Im Anruf, außer Haus');
  });

  it('a pair key as category (a set in flight through the Graph adapter) shows that pair', () => {
    render(<PresenceBadge category="Busy/InAConferenceCall" />, { wrapper: WithGraph });
    expect(screen.getByRole('img', { name: 'In a conference call' }).querySelector('svg')).toHaveAttribute('data-glyph', 'phone');
  });

  it('the avatar carries the marker and the combined name', () => {
    render(<PresenceAvatar name="Lee Gu" category="OUT_OF_OFFICE" graph={{ availability: 'Available', activity: 'OutOfOffice', outOfOffice: true }} />, {
      wrapper: WithGraph,
    });
    const avatar = screen.getByRole('img', { name: 'Lee Gu, Available, out of office' });
    expect(avatar.querySelector('.pw-icon__marker')).not.toBeNull();
  });

  it('without Graph support from a provider, a Graph presence shows its Symphony category', () => {
    render(<PresenceBadge category="ON_THE_PHONE" graph={{ availability: 'Busy', activity: 'InACall', outOfOffice: true }} data-testid="b" />);
    expect(screen.getByTestId('b')).toHaveAccessibleName('On the phone');
    expect(screen.getByTestId('b')).not.toHaveAttribute('data-graph');
  });
});

function graphProvider(adapter: ReturnType<typeof graphAdapter>) {
  return ({ children }: { children: ReactNode }) => (
    <PresenceProvider client={adapter} graph={graphPresenceUi} queryClient={new QueryClient()} options={{ random: () => 0.5 }}>
      {children}
    </PresenceProvider>
  );
}

describe('connected widgets on a Graph source', () => {
  it('PresenceBadge with a GUID shows the live Graph state', async () => {
    const graph = setupGraph();
    const Wrap = graphProvider(graphAdapter(graph));
    render(
      <Wrap>
        <PresenceBadge userId={U(4)} data-testid="presenting" />
        <PresenceBadge userId={U(7)} data-testid="oof" />
        <PresenceBadge userId={U(3)} data-testid="meeting" />
      </Wrap>,
    );
    await flush();
    expect(screen.getByTestId('presenting')).toHaveAccessibleName('Presenting');
    expect(screen.getByTestId('presenting')).toHaveAttribute('data-category', 'BUSY');
    expect(screen.getByTestId('oof')).toHaveAccessibleName('Available, out of office');
    expect(screen.getByTestId('meeting')).toHaveAccessibleName('In a meeting');
    // One batch for the three people.
    expect(graph.ledger.filter((e) => e.route === 'getBatch')).toHaveLength(1);
  });

  it('a failed Graph read is an error state, never Offline', async () => {
    const graph = setupGraph();
    graph.faults.add({ route: 'getBatch', status: 503 });
    const Wrap = graphProvider(graphAdapter(graph));
    render(
      <Wrap>
        <PresenceBadge userId={U(4)} data-testid="b" />
      </Wrap>,
    );
    await flush();
    expect(screen.getByTestId('b')).toHaveAttribute('data-status', 'error');
    expect(screen.getByTestId('b')).not.toHaveAccessibleName('Offline');
  });

  it('StatusPicker offers exactly the setPresence pairs and sets the chosen one', async () => {
    const graph = setupGraph();
    const Wrap = graphProvider(graphAdapter(graph));
    render(
      <Wrap>
        <StatusPicker />
        <PresenceBadge userId="self" data-testid="me" />
      </Wrap>,
    );
    await flush();
    const trigger = screen.getByRole('combobox', { name: 'Change status' });
    expect(trigger).toHaveTextContent('Available');
    fireEvent.click(trigger);
    const list = screen.getByRole('listbox');
    const names = within(list).getAllByRole('option').map((o) => o.textContent);
    expect(names).toEqual(['Available', 'In a call', 'In a conference call', 'Away', 'Presenting']);
    fireEvent.click(within(list).getByRole('option', { name: 'In a conference call' }));
    await flush();
    const app = graph.getUser(ADELE)!.sessions.find((s) => s.kind === 'app');
    expect(app?.set).toEqual({ availability: 'Busy', activity: 'InAConferenceCall' });
    expect(screen.getByTestId('me')).toHaveAccessibleName('In a conference call');
    expect(trigger).toHaveTextContent('In a conference call');
  });

  it('with setVia userPreferred the picker offers the user-preferred pairs', async () => {
    const graph = setupGraph();
    const adapter = createGraphPresenceClient(graphClient(graph), { setVia: 'userPreferred' });
    const Wrap = graphProvider(adapter);
    render(
      <Wrap>
        <StatusPicker />
      </Wrap>,
    );
    await flush();
    fireEvent.click(screen.getByRole('combobox'));
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(options).toHaveLength(USER_PREFERRED_PAIRS.length);
    fireEvent.click(within(screen.getByRole('listbox')).getByRole('option', { name: 'Be right back' }));
    await flush();
    expect(graph.getUser(ADELE)!.preferred).toMatchObject({ availability: 'BeRightBack', activity: 'BeRightBack' });
  });
});

describe('StatusPicker in Graph mode (presentational)', () => {
  it('never offers a pair setPresence refuses, and reports the chosen pair', () => {
    const onGraphValueChange = vi.fn();
    const onValueChange = vi.fn();
    render(
      <StatusPicker
        graphPairs={[...GRAPH_PRESENCE_STATES, ...SET_PRESENCE_PAIRS]}
        defaultValue="Available/Available"
        onGraphValueChange={onGraphValueChange}
        onValueChange={onValueChange}
      />,
      { wrapper: WithGraph },
    );
    fireEvent.click(screen.getByRole('combobox'));
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    // The table's settable rows (Available, In a call, Presenting, Away) plus the conference call.
    expect(options.map((o) => o.getAttribute('data-graph')).sort()).toEqual(
      ['Available/Available', 'Away/Away', 'Busy/InACall', 'Busy/InAConferenceCall', 'DoNotDisturb/Presenting'],
    );
    fireEvent.click(within(screen.getByRole('listbox')).getByRole('option', { name: 'Presenting' }));
    expect(onGraphValueChange).toHaveBeenCalledWith({ availability: 'DoNotDisturb', activity: 'Presenting' });
    expect(onValueChange).not.toHaveBeenCalled();
  });

  it('shows a current state it cannot offer (a meeting) without selecting anything', () => {
    render(<StatusPicker graphPairs={SET_PRESENCE_PAIRS} value="Busy/InAMeeting" />, { wrapper: WithGraph });
    expect(screen.getByRole('combobox')).toHaveTextContent('In a meeting');
    fireEvent.click(screen.getByRole('combobox'));
    expect(within(screen.getByRole('listbox')).queryAllByRole('option', { selected: true })).toHaveLength(0);
  });

  it('types ahead over the Graph names', () => {
    render(<StatusPicker graphPairs={SET_PRESENCE_PAIRS} defaultValue="Available/Available" />, { wrapper: WithGraph });
    const trigger = screen.getByRole('combobox');
    fireEvent.keyDown(trigger, { key: 'p' });
    expect(trigger.getAttribute('aria-activedescendant')).toBe(within(screen.getByRole('listbox')).getByRole('option', { name: 'Presenting' }).id);
  });
});

describe('Graph support comes only through a provider', () => {
  it('the components’ GraphPresenceProvider brings it, keeping the language of the provider above', () => {
    const graph = setupGraph();
    render(
      <PresenceUiProvider locale="de">
        <GraphPresenceProvider client={graphAdapter(graph)} options={{ random: () => 0.5 }}>
          <PresenceBadge category="ON_THE_PHONE" graph={{ availability: 'Busy', activity: 'InACall', outOfOffice: false }} data-testid="b" />
        </GraphPresenceProvider>
      </PresenceUiProvider>,
    );
    expect(screen.getByTestId('b')).toHaveAccessibleName('Im Anruf');
    expect(screen.getByTestId('b')).toHaveAttribute('data-graph', 'Busy/InACall');
  });

  it('a PresenceProvider without `graph` keeps a connected picker on Symphony categories', async () => {
    const graph = setupGraph();
    render(
      <PresenceProvider client={graphAdapter(graph)} queryClient={new QueryClient()} options={{ random: () => 0.5 }}>
        <StatusPicker />
      </PresenceProvider>,
    );
    await flush();
    fireEvent.click(screen.getByRole('combobox'));
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(options.every((o) => o.hasAttribute('data-category') && !o.hasAttribute('data-graph'))).toBe(true);
  });

  it('graphPairs without Graph support is a clear error, not a picker of unknown states', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => render(<StatusPicker graphPairs={SET_PRESENCE_PAIRS} />)).toThrow(/graphPairs needs Graph support/);
  });
});
