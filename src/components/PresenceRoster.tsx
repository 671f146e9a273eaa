import { forwardRef, useContext, useMemo } from 'react';
import { PresenceContext } from '../hooks';
import { ConnectedPresenceRoster } from './ConnectedPresenceRoster';
import type { PresenceRosterProps } from './PresenceRosterProps';
import { PresenceRosterView } from './PresenceRosterView';
import { entryOf } from './rosterRows';

export { ROSTER_CARD_MIN_WIDTH, ROSTER_COMPACT_WIDTH, ROSTER_ROW_HEIGHT, type PresenceRosterProps } from './PresenceRosterProps';

/**
 * A roster for dashboards: people with avatar, name and status, grouped by status with a count
 * tile per group (the tiles filter), a name search and a sort, virtualised so thousands of
 * people scroll smoothly. Cards sit side by side on wide screens; the tiles fold behind one
 * button on narrow ones. Inside a `PresenceProvider` it reads everyone's presence live.
 *
 * ```tsx
 * <PresenceRoster aria-label="Rates desk" people={[{ id: '12987981103204', name: 'Ada Lovelace' }]} />
 * ```
 */
export const PresenceRoster = forwardRef<HTMLDivElement, PresenceRosterProps>(function PresenceRoster(
  { live: liveProp, source, ...props },
  ref,
) {
  const inProvider = useContext(PresenceContext) !== null;
  const live = liveProp ?? inProvider;
  const entries = useMemo(() => (live ? [] : props.people.map((p) => entryOf(String(p.id), p))), [live, props.people]);
  return live ? (
    <ConnectedPresenceRoster {...props} source={source} ref={ref} />
  ) : (
    <PresenceRosterView {...props} entries={entries} ref={ref} />
  );
});
