/**
 * Named badge sizes and their width in CSS pixels. The stylesheet applies them (through
 * `--pw-icon-size`), so the table here is documentation and a helper for layouts.
 */
export const BADGE_SIZES = {
  tiny: 8,
  'extra-small': 10,
  small: 12,
  medium: 16,
  large: 20,
  'extra-large': 28,
} as const;

/** A named badge size. */
export type PresenceBadgeSizeName = keyof typeof BADGE_SIZES;

/** A named badge size, or a width in CSS pixels. */
export type PresenceBadgeSize = PresenceBadgeSizeName | number;

/** Avatar sizes in CSS pixels (those of the Symphony UI toolkit plus 48 and 64). */
export const AVATAR_SIZES = [16, 24, 32, 40, 48, 64, 80, 160] as const;

/** One of {@link AVATAR_SIZES}. */
export type PresenceAvatarSize = (typeof AVATAR_SIZES)[number];

/**
 * Width in CSS pixels of the badge drawn on an avatar of each size: about a quarter of it, and
 * at 16 and 24 px small enough (6 and 8 px) that, with its ring, it covers under half of the
 * avatar. Mirrors the `.pw-avatar[data-size]` rules of the stylesheet.
 */
export const AVATAR_BADGE_SIZE: Readonly<Record<PresenceAvatarSize, number>> = {
  16: 6,
  24: 8,
  32: 12,
  40: 12,
  48: 16,
  64: 20,
  80: 20,
  160: 28,
};
