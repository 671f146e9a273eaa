import { forwardRef, useState, type HTMLAttributes } from 'react';
import type { UserIdInput } from '../model';
import { useConnectedData } from './useConnectedData';
import { PresenceIcon } from './icons';
import { initialsOf } from './initialsOf';
import { en, formatLabel } from './labels';
import { usePresenceUi } from './PresenceUiContext';
import { usePresenceBadgeState, type PresenceBadgeProps } from './usePresenceBadgeState';
import type { PresenceAvatarSize } from './sizes';

/** Props of {@link PresenceAvatar}; other span attributes go to the root element. */
export interface PresenceAvatarProps
  extends Omit<HTMLAttributes<HTMLSpanElement>, 'children'>,
    Pick<PresenceBadgeProps, 'category' | 'status' | 'timestamp' | 'view' | 'labels' | 'locale' | 'now' | 'graph' | 'graphLabels'> {
  /** The person's display name: the accessible name and the source of the initials. */
  name: string;
  /** Picture URL. Initials are shown without one, and when it fails to load. */
  src?: string;
  /**
   * Width and height in CSS pixels; the badge size follows (see AVATAR_BADGE_SIZE).
   * @default 32
   */
  size?: PresenceAvatarSize;
  /**
   * Adds "since 10:32" to the accessible name (not shown: there is no room on an avatar).
   * @default false
   */
  showSince?: boolean;
  /**
   * Hides the badge even when a category or status is given.
   * @default false
   */
  hideBadge?: boolean;
}

export { initialsOf } from './initialsOf';

/**
 * A person's picture (or initials) with their presence badge at the bottom inline-end corner.
 * Name and status are read together ("Ada Lovelace, Available"); the picture and badge inside
 * are decorative.
 */
const PresenceAvatarView = /* @__PURE__ */ forwardRef<HTMLSpanElement, PresenceAvatarProps>(function PresenceAvatarView(props, ref) {
  const {
    name,
    src,
    size = 32,
    hideBadge = false,
    category,
    status,
    timestamp,
    view,
    labels,
    locale,
    now,
    showSince,
    graph,
    graphLabels,
    className,
    ...rest
  } = props;
  const badge = usePresenceBadgeState({ category, status, timestamp, view, labels, locale, now, showSince, graph, graphLabels });
  // The badge state carries badge strings only; the join template is the avatar's own.
  const join = usePresenceUi({ locale, labels }, en).labels.nameWithStatus;
  const withBadge = !hideBadge && (category !== undefined || status !== undefined);
  let label = name;
  if (withBadge) {
    const statusText = badge.since ? formatLabel(join, { name: badge.label, status: badge.since }) : badge.label;
    label = formatLabel(join, { name, status: statusText });
  }

  // Remembers which URL failed, so a new `src` gets its own chance without an effect.
  const [failedSrc, setFailedSrc] = useState<string>();
  const showImage = src !== undefined && src !== '' && failedSrc !== src;

  return (
    <span
      role="img"
      aria-label={label}
      data-size={size}
      data-status={withBadge ? badge.status : undefined}
      data-category={withBadge ? badge.dataCategory : undefined}
      // Tooltip, and the accessible description (a title that is not the name describes).
      title={withBadge ? badge.note : undefined}
      {...rest}
      className={className ? `pw-avatar ${className}` : 'pw-avatar'}
      ref={ref}
    >
      {showImage ? (
        <img className="pw-avatar__image" src={src} alt="" onError={() => setFailedSrc(src)} />
      ) : (
        <span className="pw-avatar__initials" aria-hidden="true">
          {/* At 16 px two letters would be a smudge beside the badge: one is shown. */}
          {size <= 16 ? Array.from(initialsOf(name))[0] : initialsOf(name)}
        </span>
      )}
      {withBadge && (
        <span className="pw-avatar__badge" data-tone={badge.tone}>
          <PresenceIcon glyph={badge.glyph} marker={badge.outOfOfficeMarker ? 'out-of-office' : undefined} />
        </span>
      )}
    </span>
  );
});

const UserPresenceAvatar = /* @__PURE__ */ forwardRef<HTMLSpanElement, PresenceAvatarProps & { userId: UserIdInput | 'self' }>(
  function UserPresenceAvatar({ userId, ...props }, ref) {
    // The avatar has no stale marker of its own: `updateDueAt` must not reach the DOM.
    const { updateDueAt: _updateDueAt, ...data } = useConnectedData(userId);
    return <PresenceAvatarView {...props} {...data} ref={ref} />;
  },
);

/**
 * A person's picture (or initials) with their presence badge: presentational with `category`,
 * or live from the nearest `PresenceProvider` with `userId`.
 */
export const PresenceAvatar = /* @__PURE__ */ forwardRef<HTMLSpanElement, PresenceAvatarProps & { userId?: UserIdInput | 'self' | undefined }>(
  function PresenceAvatar({ userId, ...props }, ref) {
    return userId !== undefined ? <UserPresenceAvatar {...props} userId={userId} ref={ref} /> : <PresenceAvatarView {...props} ref={ref} />;
  },
);
