import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect } from 'storybook/test';
import { PRESENCE_CATEGORIES, describeCategory, toExternalView } from '../src/model';

function CategoryTable() {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Category</th>
          <th scope="col">Label</th>
          <th scope="col">Icon</th>
          <th scope="col">External view</th>
        </tr>
      </thead>
      <tbody>
        {PRESENCE_CATEGORIES.map((c) => {
          const d = describeCategory(c);
          return (
            <tr key={c}>
              <td>{c}</td>
              <td>{d.label}</td>
              <td>{d.glyph}</td>
              <td>{toExternalView(c)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const meta = { title: 'Model/Categories', component: CategoryTable } satisfies Meta<typeof CategoryTable>;
export default meta;

export const Table: StoryObj<typeof meta> = {
  play: async ({ canvas }) => {
    await expect(canvas.getAllByRole('row')).toHaveLength(PRESENCE_CATEGORIES.length + 1);
  },
};
