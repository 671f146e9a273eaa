import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect } from 'storybook/test';
import '../src/components/presence-widgets.css';
import { PresenceBadge } from '../src/components';
import { PRESENCE_CATEGORIES, getCategoryInfo, toExternalView } from '../src/model';

/** The model's table as people see it: label, icon and what other companies see. */
function CategoryTable() {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Category</th>
          <th scope="col">Internal</th>
          <th scope="col">External view</th>
          <th scope="col">Settable</th>
          <th scope="col">Deprecated</th>
        </tr>
      </thead>
      <tbody>
        {PRESENCE_CATEGORIES.map((c) => {
          const info = getCategoryInfo(c);
          return (
            <tr key={c}>
              <th scope="row" style={{ textAlign: 'start', fontFamily: 'monospace' }}>
                {c}
              </th>
              <td>
                <PresenceBadge category={c} showLabel />
              </td>
              <td>
                <PresenceBadge category={toExternalView(c)} showLabel />
              </td>
              <td>{info?.settable ? 'yes' : 'no'}</td>
              <td>{info?.deprecated ? 'yes' : 'no'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const meta = {
  title: 'Model/Categories',
  component: CategoryTable,
  tags: ['autodocs'],
} satisfies Meta<typeof CategoryTable>;
export default meta;

export const Table: StoryObj<typeof meta> = {
  play: async ({ canvas }) => {
    await expect(canvas.getAllByRole('row')).toHaveLength(PRESENCE_CATEGORIES.length + 1);
  },
};
