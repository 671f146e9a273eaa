import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ReactNode } from 'react';
import { expect } from 'storybook/test';
import '../src/components/presence-widgets.css';
import { BADGE_SIZES, PresenceBadge, PresenceUiProvider, type PresenceBadgeSizeName } from '../src/components';
import { PRESENCE_CATEGORIES } from '../src/model';

// Fixed instants: stories render the same on every run (no Date.now in render).
const SET_AT = Date.UTC(2026, 2, 3, 9, 15);
const NOW = Date.UTC(2026, 2, 3, 16, 40);
const SIZES = Object.keys(BADGE_SIZES) as PresenceBadgeSizeName[];

/** A themed panel: the surface and text colours of the chosen theme, set by data-pw-theme. */
function Themed({ theme, children }: { theme: 'light' | 'dark'; children: ReactNode }) {
  return (
    <div
      data-pw-theme={theme}
      style={{ background: 'var(--pw-surface)', color: 'var(--pw-text)', padding: 16, borderRadius: 8 }}
    >
      {children}
    </div>
  );
}

function Matrix({ view }: { view: 'internal' | 'external' }) {
  return (
    <table style={{ borderCollapse: 'collapse' }}>
      <caption style={{ textAlign: 'start', fontWeight: 600 }}>{view} view</caption>
      <thead>
        <tr>
          <th scope="col">Category</th>
          {SIZES.map((size) => (
            <th scope="col" key={size}>
              {size}
            </th>
          ))}
          <th scope="col">With label</th>
        </tr>
      </thead>
      <tbody>
        {PRESENCE_CATEGORIES.map((category) => (
          <tr key={category}>
            <th scope="row" style={{ textAlign: 'start', fontFamily: 'monospace' }}>
              {category}
            </th>
            {SIZES.map((size) => (
              <td key={size} style={{ padding: 4, textAlign: 'center' }}>
                <PresenceBadge category={category} view={view} size={size} />
              </td>
            ))}
            <td style={{ padding: 4 }}>
              <PresenceBadge category={category} view={view} showLabel />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const meta = {
  title: 'Components/PresenceBadge',
  component: PresenceBadge,
  tags: ['autodocs'],
  args: { category: 'AVAILABLE' },
  argTypes: {
    category: { control: 'select', options: [...PRESENCE_CATEGORIES, 'SOMETHING_NEW'] },
    status: { control: 'inline-radio', options: ['ready', 'loading', 'error', 'forbidden', 'not-found'] },
    view: { control: 'inline-radio', options: ['internal', 'external'] },
    size: { control: 'select', options: SIZES },
  },
} satisfies Meta<typeof PresenceBadge>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('img', { name: 'Available' })).toHaveAttribute('data-category', 'AVAILABLE');
  },
};

export const WithLabelAndSince: Story = {
  args: { category: 'BE_RIGHT_BACK', showLabel: true, showSince: true, timestamp: SET_AT, now: NOW, locale: 'en-GB' },
  play: async ({ canvas }) => {
    await expect(canvas.getByText('Be right back')).toBeVisible();
    await expect(canvas.queryByRole('img')).toBeNull();
  },
};

/** Every category in both views and every size. */
export const Matrix_: Story = {
  name: 'Matrix',
  render: () => (
    <div style={{ display: 'flex', gap: 32, alignItems: 'flex-start' }}>
      <Matrix view="internal" />
      <Matrix view="external" />
    </div>
  ),
  play: async ({ canvas }) => {
    // 11 categories x 2 views x 6 icon-only sizes; the labelled column has no role=img.
    await expect(canvas.getAllByRole('img')).toHaveLength(PRESENCE_CATEGORIES.length * 2 * SIZES.length);
    await expect(canvas.getAllByRole('img', { name: 'Be right back' })).toHaveLength(SIZES.length);
  },
};

/** States that are not a category: loading, failures, and a value this library does not know. */
export const NonDataStates: Story = {
  render: () => (
    <div style={{ display: 'grid', gap: 8 }}>
      <PresenceBadge status="loading" showLabel />
      <PresenceBadge status="error" showLabel />
      <PresenceBadge status="forbidden" showLabel />
      <PresenceBadge status="not-found" showLabel />
      <PresenceBadge category="<img src=x onerror=alert(1)>" showLabel />
      <PresenceBadge showLabel />
    </div>
  ),
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getByText('Loading status')).toBeVisible();
    await expect(canvas.getAllByText('Unknown status')).toHaveLength(2);
    await expect(canvasElement.querySelector('img')).toBeNull();
  },
};

/** Light and dark themes side by side, chosen with data-pw-theme (which beats prefers-color-scheme). */
export const Themes: Story = {
  render: () => (
    <div style={{ display: 'flex', gap: 16 }}>
      {(['light', 'dark'] as const).map((theme) => (
        <Themed key={theme} theme={theme}>
          <div style={{ display: 'grid', gap: 6 }}>
            {PRESENCE_CATEGORIES.map((category) => (
              <PresenceBadge key={category} category={category} size="large" showLabel />
            ))}
            <PresenceBadge status="loading" size="large" showLabel />
          </div>
        </Themed>
      ))}
    </div>
  ),
};

/** The built-in languages; each provider also formats the "since" time. */
export const Locales: Story = {
  render: () => (
    <div style={{ display: 'grid', gap: 12 }}>
      {['en-GB', 'fr-FR', 'de-DE', 'ja-JP'].map((locale) => (
        <PresenceUiProvider key={locale} locale={locale}>
          <div lang={locale} style={{ display: 'flex', gap: 16 }}>
            <PresenceBadge category="AVAILABLE" showLabel />
            <PresenceBadge category="BE_RIGHT_BACK" showLabel showSince timestamp={SET_AT} now={NOW} />
            <PresenceBadge category="OUT_OF_OFFICE" showLabel />
          </div>
        </PresenceUiProvider>
      ))}
    </div>
  ),
  play: async ({ canvas }) => {
    await expect(canvas.getByText('Disponible')).toBeVisible();
    await expect(canvas.getByText('Bin gleich zurück')).toBeVisible();
    await expect(canvas.getByText('不在')).toBeVisible();
  },
};
