import { forwardRef, type ForwardRefExoticComponent, type ForwardedRef, type ReactElement, type RefAttributes } from 'react';
import type { UserIdInput } from '../model';
import { PresenceIcon } from './icons';
import { useConnectedData } from './useConnectedData';
import { useCountdownClock } from './useCountdownClock';
import { usePresenceBadgeState, type PresenceBadgeProps, type PresenceBadgeState } from './usePresenceBadgeState';

/**
 * Props of a connected {@link PresenceBadge}: it shows `userId`'s live presence, so `category`,
 * `status` and `timestamp` come from the pod and cannot be given.
 */
export interface PresenceBadgeConnectedProps extends Omit<PresenceBadgeProps, 'category' | 'status' | 'timestamp'> {
  /**
   * Shows this user's live presence from the nearest `PresenceProvider` (`'self'`: the requesting
   * user); `category`, `status` and `timestamp` then come from the pod.
   */
  userId: UserIdInput | 'self';
  category?: undefined;
  status?: undefined;
  timestamp?: undefined;
}

/**
 * Props of a presentational {@link PresenceBadge}: it draws the `category` (or Graph presence,
 * or non-ready `status`) it is given. Without any it shows "Unknown status", the state of a value
 * not known yet.
 */
export type PresenceBadgeDisplayProps = PresenceBadgeProps & { userId?: undefined };

/** Props of {@link PresenceBadge}: presentational (`category`) or connected (`userId`). */
export type PresenceBadgeFullProps = PresenceBadgeDisplayProps | PresenceBadgeConnectedProps;

/** What the implementation reads; the exported component narrows it to {@link PresenceBadgeFullProps}. */
interface PresenceBadgeAnyProps extends PresenceBadgeProps {
  userId?: UserIdInput | 'self' | undefined;
}

/**
 * Markup of the badge.
 *
 * Icon only: the root is `role="img"` named by the label, like an `<img alt>`.
 * With visible text (`showLabel` or a "since" time) the root has no role and the text is the
 * content, so a screen reader reads it once; the icon is decorative, and when only the time is
 * visible the label is still there, visually hidden.
 */
export function renderPresenceBadge(state: PresenceBadgeState, ref?: ForwardedRef<HTMLSpanElement>): ReactElement {
  const { root, label, since, showLabel } = state;
  const text = showLabel || since !== undefined;
  return (
    <span
      role={text ? undefined : 'img'}
      aria-label={text ? undefined : label}
      data-category={state.dataCategory}
      data-status={state.status}
      data-tone={state.tone}
      data-size={state.size}
      data-graph={state.graph}
      data-stale={state.stale ? '' : undefined}
      // A tooltip for pointers; as the title is not the name, it is also the accessible description.
      title={state.note}
      {...root}
      className={`pw-badge pw-badge--${state.tone}${root.className ? ` ${root.className}` : ''}`}
      ref={ref}
    >
      {/* Called, not rendered: the icon has no state, and a fiber less per badge shows in rosters of hundreds. */}
      {PresenceIcon({ glyph: state.glyph, px: state.px, marker: state.outOfOfficeMarker ? 'out-of-office' : undefined })}
      {text && <span className={showLabel ? 'pw-badge__label' : 'pw-visually-hidden'}>{label}</span>}
      {/* With visible text the root has no role, so a title alone would not be read: say the note. */}
      {text && state.note !== undefined && <span className="pw-visually-hidden">, {state.note}</span>}
      {/* The leading space keeps the words apart in the accessible text; flex layout hides it. */}
      {since !== undefined && <span className="pw-badge__since"> {since}</span>}
    </span>
  );
}

type Inner = PresenceBadgeProps & { forwardedRef: ForwardedRef<HTMLSpanElement> };

// Plain components (no forwardRef of their own): the public one hands its ref down.
function UserPresenceBadge({ userId, forwardedRef, ...props }: Inner & { userId: UserIdInput | 'self' }) {
  const data = useConnectedData(userId);
  const now = useCountdownClock(data.updateDueAt);
  return renderPresenceBadge(usePresenceBadgeState({ now, ...props, ...data }), forwardedRef);
}

function PresenceBadgeView({ forwardedRef, ...props }: Inner) {
  return renderPresenceBadge(usePresenceBadgeState(props), forwardedRef);
}

/**
 * A person's presence as an icon, optionally with its label and the time it was set.
 *
 * ```tsx
 * <PresenceBadge category="BE_RIGHT_BACK" view="external" showLabel /> // "Away"
 * <PresenceBadge userId="12987981103204" />                         // live, from the provider
 * ```
 */
const PresenceBadgeImpl = /* @__PURE__ */ forwardRef<HTMLSpanElement, PresenceBadgeAnyProps>(function PresenceBadge(
  { userId, ...props },
  ref,
) {
  // Two components, so that hook order stays stable when `userId` comes and goes.
  return userId !== undefined ? (
    <UserPresenceBadge {...props} userId={userId} forwardedRef={ref} />
  ) : (
    <PresenceBadgeView {...props} forwardedRef={ref} />
  );
});

/**
 * A person's presence as an icon, optionally with its label and the time it was set:
 * presentational with `category` (or a non-ready `status`), connected with `userId`.
 *
 * ```tsx
 * <PresenceBadge category="BE_RIGHT_BACK" view="external" showLabel /> // "Away"
 * <PresenceBadge userId="12987981103204" />                         // live, from the provider
 * ```
 */
export const PresenceBadge = PresenceBadgeImpl as ForwardRefExoticComponent<PresenceBadgeFullProps & RefAttributes<HTMLSpanElement>>;
