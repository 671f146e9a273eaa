import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, waitFor, within } from 'storybook/test';
import '../src/components/presence-widgets.css';
import { PresenceRoster, PresenceUiProvider, ROSTER_ROW_HEIGHT } from '../src/components';
import { rosterPeople } from './support/rosterPeople';

const FIVE_THOUSAND = rosterPeople(5000);
const SMALL = rosterPeople(40, { failed: 0.1, loading: 0.1 });

/**
 * A roster for dashboards: grouped by status with a count tile per group (tiles filter), name
 * search, sort; virtualised, so only the rows in view are in the page. Cards side by side when
 * at least two fit; the tiles fold behind one button below 560 px.
 *
 * Keyboard (WAI-ARIA grid): Tab enters the grid on one cell; arrows move, Home/End go to the
 * start/end of the row, Ctrl+Home/End to the first/last cell, PageUp/PageDown by a screenful.
 */
const meta = {
  title: 'Components/PresenceRoster',
  component: PresenceRoster,
  tags: ['autodocs'],
  parameters: { layout: 'padded' },
  args: { 'aria-label': 'Trading floor', people: FIVE_THOUSAND, onFilterChange: fn(), onSortChange: fn() },
} satisfies Meta<typeof PresenceRoster>;
export default meta;
type Story = StoryObj<typeof meta>;

const cellsIn = (el: HTMLElement) => el.querySelectorAll('[role="gridcell"]');

/** 5,000 people: a few dozen cells are in the page at a time, whatever the scroll position. */
export const FiveThousandPeople: Story = {
  play: async ({ canvas, canvasElement, userEvent, args, step }) => {
    const grid = canvas.getByRole('grid', { name: 'Trading floor' });
    await expect(canvas.getByRole('status')).toHaveTextContent('Showing 5000 of 5000 people');
    await expect(cellsIn(grid).length).toBeGreaterThan(0);
    await expect(cellsIn(grid).length).toBeLessThan(200);
    const rowCount = Number(grid.getAttribute('aria-rowcount'));
    await expect(rowCount).toBeGreaterThan(5000 / 8);

    await step('scroll to the end: still a few dozen cells, the last rows rendered', async () => {
      grid.scrollTop = grid.scrollHeight;
      await waitFor(() => expect(grid.querySelector(`[aria-rowindex="${rowCount}"]`)).not.toBeNull());
      await expect(cellsIn(grid).length).toBeLessThan(200);
      grid.scrollTop = 0;
      await waitFor(() => expect(grid.querySelector('[aria-rowindex="1"]')).not.toBeNull());
    });

    await step('keyboard: Tab enters on the first cell, arrows move, Ctrl+End reaches the last', async () => {
      const first = grid.querySelector<HTMLElement>('[aria-rowindex="1"] [tabindex="0"]')!;
      first.focus();
      await expect(first).toHaveTextContent(/^Available, \d+$/);
      await userEvent.keyboard('{ArrowDown}');
      await expect(document.activeElement).toHaveAttribute('role', 'gridcell');
      await expect(document.activeElement).toHaveAttribute('aria-colindex', '1');
      await userEvent.keyboard('{ArrowRight}');
      await expect(document.activeElement).toHaveAttribute('aria-colindex', '2');
      await expect(grid.querySelectorAll('[tabindex="0"]')).toHaveLength(1);
      await userEvent.keyboard('{Control>}{End}{/Control}');
      await waitFor(() => expect(document.activeElement?.closest('[role="row"]')).toHaveAttribute('aria-rowindex', String(rowCount)));
      await expect(cellsIn(grid).length).toBeLessThan(200);
      await userEvent.keyboard('{Control>}{Home}{/Control}');
      await waitFor(() => expect(document.activeElement?.closest('[role="row"]')).toHaveAttribute('aria-rowindex', '1'));
    });

    await step('a tile filters to its group; pressing it again shows everyone', async () => {
      const tiles = within(canvasElement.querySelector('.pw-roster__tiles') as HTMLElement);
      const busy = tiles.getByRole('button', { name: /^Busy \d+$/ });
      const count = Number(busy.querySelector('.pw-roster__tile-count')?.textContent);
      await userEvent.click(busy);
      await expect(busy).toHaveAttribute('aria-pressed', 'true');
      await expect(args.onFilterChange).toHaveBeenCalledWith('busy');
      await expect(canvas.getByRole('status')).toHaveTextContent(`Showing ${count} of 5000 people`);
      for (const cell of cellsIn(grid)) await expect(cell).toHaveAttribute('data-group', 'busy');
      await userEvent.click(busy);
      await expect(canvas.getByRole('status')).toHaveTextContent('Showing 5000 of 5000 people');
    });

    await step('search by name and sort by name', async () => {
      await userEvent.type(canvas.getByRole('searchbox', { name: 'Find a person' }), 'lukasz odegaard');
      const found = canvas.getByRole('grid');
      await waitFor(() => expect(cellsIn(found).length).toBeGreaterThan(0));
      for (const cell of cellsIn(found)) await expect(cell).toHaveTextContent('Łukasz Ødegaard');
      await userEvent.clear(canvas.getByRole('searchbox'));
      await userEvent.selectOptions(canvas.getByRole('combobox', { name: 'Sort by' }), 'name');
      await expect(args.onSortChange).toHaveBeenCalledWith('name');
    });
  },
};

/** Failed reads are their own group, in the error colour: never "offline" or "unknown". */
export const ErrorsAreErrors: Story = {
  args: { people: SMALL, 'aria-label': 'Desk' },
  play: async ({ canvas, canvasElement, userEvent }) => {
    const tiles = within(canvasElement.querySelector('.pw-roster__tiles') as HTMLElement);
    const failed = SMALL.filter((p) => p.status === 'error' || p.status === 'forbidden').length;
    const loading = SMALL.filter((p) => p.status === 'loading').length;
    await expect(failed).toBeGreaterThan(0);
    await expect(tiles.getByRole('button', { name: `Could not read ${failed}` })).toBeVisible();
    await expect(tiles.getByRole('button', { name: `Loading ${loading}` })).toBeVisible();
    await userEvent.click(tiles.getByRole('button', { name: `Could not read ${failed}` }));
    const grid = canvas.getByRole('grid');
    const cells = [...cellsIn(grid)];
    await expect(cells).toHaveLength(failed);
    for (const cell of cells) await expect(cell).toHaveTextContent(/Status unavailable|Status hidden/);
    await expect(grid).not.toHaveTextContent(/Unknown|Offline/);
  },
};

/** At phone width the tiles fold behind one button; people are listed one per row. */
export const Narrow: Story = {
  args: { people: SMALL, 'aria-label': 'Desk' },
  render: (args) => (
    <div style={{ width: 343 }}>
      <PresenceRoster {...args} />
    </div>
  ),
  play: async ({ canvas, canvasElement, userEvent }) => {
    const root = canvasElement.querySelector('.pw-roster') as HTMLElement;
    await waitFor(() => expect(root).toHaveAttribute('data-compact'));
    await expect(root).toHaveAttribute('data-layout', 'list');
    const toggle = canvas.getByRole('button', { name: 'Showing: All (40)' });
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(canvasElement.querySelector('.pw-roster__tiles')).not.toBeVisible();
    await userEvent.click(toggle);
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await userEvent.click(canvas.getByRole('button', { name: /^Available \d+$/ }));
    await expect(canvas.getByRole('button', { name: /^Showing: Available \(\d+\)$/ })).toHaveAttribute('aria-expanded', 'false');
    // Nothing sticks out sideways.
    await expect(root.scrollWidth).toBeLessThanOrEqual(root.clientWidth + 1);
    const row = canvasElement.querySelector('.pw-roster__row[data-kind="people"]') as HTMLElement;
    await expect(row.getBoundingClientRect().height).toBe(ROSTER_ROW_HEIGHT.list);
  },
};

/** Right to left: tiles and cards run from the right; Left moves forward along a row. */
export const RightToLeft: Story = {
  render: (args) => (
    <div dir="rtl" lang="ar">
      <PresenceRoster {...args} />
    </div>
  ),
  play: async ({ canvas, userEvent }) => {
    const grid = canvas.getByRole('grid');
    const row = grid.querySelector<HTMLElement>('[aria-rowindex="2"]')!;
    const [a, b] = row.querySelectorAll<HTMLElement>('[role="gridcell"]');
    await expect(a!.getBoundingClientRect().left).toBeGreaterThan(b!.getBoundingClientRect().left);
    a!.focus();
    await userEvent.keyboard('{ArrowLeft}');
    await expect(b).toHaveFocus();
  },
};

/** French, in the dark theme. */
export const DarkFrench: Story = {
  args: { people: SMALL, 'aria-label': 'Bureau' },
  render: (args) => (
    <PresenceUiProvider locale="fr-FR">
      <div data-pw-theme="dark" lang="fr" style={{ background: 'var(--pw-surface)', padding: 16 }}>
        <PresenceRoster {...args} />
      </div>
    </PresenceUiProvider>
  ),
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('group', { name: 'Filtrer par statut' })).toBeVisible();
    await expect(canvas.getByRole('status')).toHaveTextContent('40 personnes affichées sur 40');
  },
};
