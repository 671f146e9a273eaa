import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor } from 'storybook/test';
import '../src/components/presence-widgets.css';
import { AVATAR_SIZES, PresenceAvatar, PresenceUiProvider } from '../src/components';

// A picture that needs no network: a small drawn portrait as a data URL.
const PORTRAIT = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#3b6ea8"/>' +
    '<circle cx="32" cy="25" r="12" fill="#f2d0b5"/><path d="M10 64c2-14 11-20 22-20s20 6 22 20z" fill="#1f3550"/></svg>',
)}`;

const meta = {
  title: 'Components/PresenceAvatar',
  component: PresenceAvatar,
  tags: ['autodocs'],
  args: { name: 'Ada Lovelace', category: 'AVAILABLE', size: 48 },
  argTypes: { size: { control: 'select', options: AVATAR_SIZES } },
} satisfies Meta<typeof PresenceAvatar>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Initials: Story = {
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('img', { name: 'Ada Lovelace, Available' })).toHaveTextContent('AL');
  },
};

export const Picture: Story = { args: { src: PORTRAIT, category: 'BUSY' } };

/** A picture that fails to load falls back to the initials. */
export const BrokenPicture: Story = {
  args: { src: '/no-such-picture.png', category: 'AWAY' },
  play: async ({ canvas }) => {
    await waitFor(() => expect(canvas.getByRole('img', { name: 'Ada Lovelace, Away' })).toHaveTextContent('AL'));
  },
};

/** Every size with its badge size. */
export const Sizes: Story = {
  render: (args) => (
    <div style={{ display: 'flex', gap: 16, alignItems: 'flex-end' }}>
      {AVATAR_SIZES.map((size) => (
        <PresenceAvatar key={size} {...args} size={size} src={size % 3 ? PORTRAIT : undefined} />
      ))}
    </div>
  ),
};

export const States: Story = {
  render: () => (
    <div style={{ display: 'flex', gap: 16 }}>
      <PresenceAvatar name="Grace Hopper" status="loading" size={48} />
      <PresenceAvatar name="Alan Turing" category="BE_RIGHT_BACK" view="external" size={48} />
      <PresenceAvatar name="Edsger Dijkstra" category="OUT_OF_OFFICE" size={48} />
      <PresenceAvatar name="Barbara Liskov" category="OFFLINE" size={48} />
      <PresenceAvatar name="Ken Thompson" category="UNDEFINED" size={48} />
      <PresenceAvatar name="Margaret Hamilton" category="NOT_A_REAL_STATUS" size={48} />
    </div>
  ),
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('img', { name: 'Alan Turing, Away' })).toBeVisible();
    await expect(canvas.getByRole('img', { name: 'Margaret Hamilton, Unknown status' })).toBeVisible();
  },
};

/** Right-to-left: the badge moves to the bottom-left corner (logical properties). */
export const RightToLeft: Story = {
  render: (args) => (
    <PresenceUiProvider locale="ja">
      <div dir="rtl" style={{ display: 'flex', gap: 16 }}>
        <PresenceAvatar {...args} name="عائشة" size={64} />
        <PresenceAvatar {...args} name="エイダ" size={64} src={PORTRAIT} />
      </div>
    </PresenceUiProvider>
  ),
  play: async ({ canvas }) => {
    const avatar = canvas.getByRole('img', { name: 'エイダ、連絡可能' });
    const badge = avatar.querySelector('.pw-avatar__badge') as HTMLElement;
    const a = avatar.getBoundingClientRect();
    const b = badge.getBoundingClientRect();
    await expect(b.left).toBeLessThan(a.left + a.width / 2);
    // Pushed out of the corner by its 2 px ring.
    await expect(b.bottom - a.bottom).toBeCloseTo(2, 0);
    await expect(a.left - b.left).toBeCloseTo(2, 0);
  },
};

/**
 * Two initials take about 40% of the diameter and stay clear of the badge at every size (one
 * initial at 16 px); at 16 and 24 px the badge with its ring covers well under half of the avatar.
 */
export const InitialsAndBadge: Story = {
  render: (args) => (
    <div style={{ display: 'grid', gap: 16 }}>
      {/* Typical letters, then the widest pair. */}
      {['Ada Lovelace', 'Mia Wong'].map((name) => (
        <div key={name} style={{ display: 'flex', gap: 24, alignItems: 'flex-end' }}>
          {AVATAR_SIZES.map((size) => (
            <PresenceAvatar key={size} {...args} name={name} size={size} category="OUT_OF_OFFICE" />
          ))}
        </div>
      ))}
    </div>
  ),
  play: async ({ canvasElement }) => {
    for (const avatar of canvasElement.querySelectorAll<HTMLElement>('.pw-avatar')) {
      const size = Number(avatar.dataset.size);
      const a = avatar.getBoundingClientRect();
      const initials = avatar.querySelector('.pw-avatar__initials')!;
      const range = document.createRange();
      range.selectNodeContents(initials);
      const text = range.getBoundingClientRect();
      const badge = avatar.querySelector('.pw-avatar__badge')!.getBoundingClientRect();
      const ring = Number.parseFloat(getComputedStyle(avatar).getPropertyValue('--pw-badge-ring'));
      const typical = avatar.getAttribute('aria-label')!.startsWith('Ada');
      await expect(initials).toHaveTextContent(typical ? (size <= 16 ? /^A$/ : /^AL$/) : size <= 16 ? /^M$/ : /^MW$/);
      if (size > 16 && typical) {
        await expect(text.width / size, `initials at ${size}`).toBeGreaterThan(0.33);
        await expect(text.width / size, `initials at ${size}`).toBeLessThan(0.47);
      }
      // The letters' box does not reach the badge.
      const overlaps = text.right > badge.left && text.bottom > badge.top && text.left < badge.right && text.top < badge.bottom;
      await expect(overlaps, `letters under the badge at ${size}`).toBe(false);
      // Share of the avatar's disc under the badge and its ring, sampled on a grid.
      const R = size / 2;
      const cx = a.left + R;
      const cy = a.top + R;
      const br = badge.width / 2 + ring;
      const bx = badge.left + badge.width / 2;
      const by = badge.top + badge.height / 2;
      let inDisc = 0;
      let covered = 0;
      for (let x = a.left; x < a.right; x += size / 64) {
        for (let y = a.top; y < a.bottom; y += size / 64) {
          if ((x - cx) ** 2 + (y - cy) ** 2 > R * R) continue;
          inDisc += 1;
          if ((x - bx) ** 2 + (y - by) ** 2 <= br * br) covered += 1;
        }
      }
      await expect(covered / inDisc, `disc covered at ${size}`).toBeLessThan(size <= 24 ? 0.12 : 0.1);
    }
  },
};

export const DarkTheme: Story = {
  render: (args) => (
    <div data-pw-theme="dark" style={{ background: 'var(--pw-surface)', padding: 16, display: 'flex', gap: 16 }}>
      <PresenceAvatar {...args} size={64} />
      <PresenceAvatar {...args} size={64} src={PORTRAIT} category="ON_THE_PHONE" />
      <PresenceAvatar {...args} size={64} category="DO_NOT_DISTURB" />
    </div>
  ),
};
