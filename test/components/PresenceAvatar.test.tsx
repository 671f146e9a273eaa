process.env.TZ = 'UTC';

import { fireEvent, render, screen } from '@testing-library/react';
import { createRef } from 'react';
import { describe, expect, it } from 'vitest';
import { AVATAR_BADGE_SIZE, AVATAR_SIZES, PresenceAvatar, PresenceUiProvider, initialsOf } from '../../src/components';

describe('initialsOf', () => {
  it.each([
    ['Ada Lovelace', 'AL'],
    ['ada lovelace', 'AL'],
    ['Cher', 'C'],
    ['  Jean  Paul   Sartre ', 'JS'],
    ['Ludwig van Beethoven', 'LB'],
    ['李小龍', '李'],
    ['😀 Smile', '😀S'],
    ['', ''],
    ['   ', ''],
  ])('%j gives %j', (name, initials) => {
    expect(initialsOf(name)).toBe(initials);
  });
});

describe('PresenceAvatar', () => {
  it('reads name and status together; inner parts are hidden', () => {
    const { container } = render(<PresenceAvatar name="Ada Lovelace" category="AVAILABLE" />);
    const avatar = screen.getByRole('img', { name: 'Ada Lovelace, Available' });
    expect(avatar).toHaveClass('pw-avatar');
    expect(avatar).toHaveAttribute('data-category', 'AVAILABLE');
    expect(screen.getAllByRole('img')).toHaveLength(1);
    expect(container.querySelector('.pw-avatar__initials')).toHaveAttribute('aria-hidden', 'true');
    expect(container.querySelector('.pw-avatar__badge svg')).toHaveAttribute('aria-hidden', 'true');
    expect(container.querySelector('.pw-avatar__badge svg')).toHaveAttribute('data-glyph', 'check');
    expect(container.querySelector('.pw-avatar__badge')).toHaveAttribute('data-tone', 'available');
  });

  it('shows initials without a picture', () => {
    const { container } = render(<PresenceAvatar name="Ada Lovelace" />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('.pw-avatar__initials')).toHaveTextContent('AL');
  });

  it('shows the picture with an empty alt (the wrapper carries the name)', () => {
    const { container } = render(<PresenceAvatar name="Ada Lovelace" src="/ada.png" category="BUSY" />);
    const img = container.querySelector('img') as HTMLImageElement;
    expect(img).toHaveAttribute('src', '/ada.png');
    expect(img).toHaveAttribute('alt', '');
    expect(container.querySelector('.pw-avatar__initials')).toBeNull();
    expect(screen.getByRole('img', { name: 'Ada Lovelace, Busy' })).toBeInTheDocument();
  });

  it('falls back to initials when the picture fails, and retries a new URL', () => {
    const { container, rerender } = render(<PresenceAvatar name="Ada Lovelace" src="/broken.png" />);
    fireEvent.error(container.querySelector('img') as HTMLImageElement);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('.pw-avatar__initials')).toHaveTextContent('AL');
    rerender(<PresenceAvatar name="Ada Lovelace" src="/ada.png" />);
    expect(container.querySelector('img')).toHaveAttribute('src', '/ada.png');
  });

  it('treats an empty src as no picture', () => {
    const { container } = render(<PresenceAvatar name="Ada" src="" />);
    expect(container.querySelector('img')).toBeNull();
  });

  it('has no badge and reads the name alone without presence', () => {
    const { container } = render(<PresenceAvatar name="Ada Lovelace" />);
    expect(screen.getByRole('img')).toHaveAccessibleName('Ada Lovelace');
    expect(container.querySelector('.pw-avatar__badge')).toBeNull();
  });

  it('hideBadge hides it even with a category', () => {
    const { container } = render(<PresenceAvatar name="Ada" category="BUSY" hideBadge />);
    expect(screen.getByRole('img')).toHaveAccessibleName('Ada');
    expect(container.querySelector('.pw-avatar__badge')).toBeNull();
  });

  it.each([
    { props: { status: 'loading' }, name: 'Ada, Loading status', glyph: 'loading' },
    { props: { status: 'error' }, name: 'Ada, Status unavailable', glyph: 'error' },
    { props: { category: 'BE_RIGHT_BACK', view: 'external' }, name: 'Ada, Away', glyph: 'clock' },
    { props: { category: 'DO_NOT_DISTURB' }, name: 'Ada, Do not disturb', glyph: 'circle' },
    { props: { category: '<script>alert(1)</script>' }, name: 'Ada, Unknown status', glyph: 'unknown' },
  ] as const)('$name', ({ props, name, glyph }) => {
    const { container } = render(<PresenceAvatar name="Ada" {...props} />);
    expect(screen.getByRole('img')).toHaveAccessibleName(name);
    expect(container.querySelector('.pw-avatar__badge svg')).toHaveAttribute('data-glyph', glyph);
    expect(container.querySelector('script')).toBeNull();
  });

  it('adds the time to the name with showSince', () => {
    render(
      <PresenceAvatar
        name="Ada"
        category="AWAY"
        showSince
        timestamp={Date.UTC(2026, 2, 3, 10, 32)}
        now={Date.UTC(2026, 2, 3, 12, 0)}
        locale="en-GB"
      />,
    );
    expect(screen.getByRole('img')).toHaveAccessibleName('Ada, Away, since 10:32');
  });

  it('joins with the language’s punctuation', () => {
    render(
      <PresenceUiProvider locale="ja">
        <PresenceAvatar name="エイダ" category="AVAILABLE" />
      </PresenceUiProvider>,
    );
    expect(screen.getByRole('img')).toHaveAccessibleName('エイダ、連絡可能');
  });

  it.each(AVATAR_SIZES.map((size) => [size, AVATAR_BADGE_SIZE[size]] as const))(
    'size %i is a data-size (its %i px badge comes from the stylesheet)',
    (size) => {
      render(<PresenceAvatar name="Ada" category="AWAY" size={size} />);
      expect(screen.getByRole('img')).toHaveAttribute('data-size', String(size));
    },
  );

  it('forwards the ref and spreads props last', () => {
    const ref = createRef<HTMLSpanElement>();
    render(<PresenceAvatar ref={ref} name="Ada" className="mine" aria-label="Custom" data-testid="a" />);
    expect(ref.current).toBe(screen.getByTestId('a'));
    expect(ref.current).toHaveClass('pw-avatar', 'mine');
    expect(ref.current).toHaveAccessibleName('Custom');
  });
});
