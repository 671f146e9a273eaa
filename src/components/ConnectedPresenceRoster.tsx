import { forwardRef, useMemo } from 'react';
import { readFailureOf, usePresenceSync, usePresences } from '../hooks';
import type { UserId } from '../model';
import type { PresenceRosterProps } from './PresenceRosterProps';
import { PresenceRosterView } from './PresenceRosterView';
import { entryOf } from './rosterRows';

/** Live roster: one `usePresences` for everyone; a failed read shows as such, never as offline. */
export const ConnectedPresenceRoster = forwardRef<HTMLDivElement, PresenceRosterProps>(function ConnectedPresenceRoster(
  { people, source, ...props },
  ref,
) {
  const sync = usePresenceSync();
  const ids = useMemo(() => people.map((p) => p.id), [people]);
  const { data, errors } = usePresences(ids, { source });
  const entries = useMemo(
    () =>
      people.map((person) => {
        let key: UserId;
        try {
          key = String(sync.keyOf(person.id)) as UserId;
        } catch {
          return entryOf(String(person.id), person, { status: 'not-found' });
        }
        const error = errors.get(key);
        if (error) {
          return entryOf(key, person, { status: readFailureOf(error) });
        }
        const presence = data.get(key);
        return entryOf(
          key,
          person,
          presence
            ? { status: 'ready', category: presence.category, timestamp: presence.timestamp, graph: presence.graph }
            : { status: 'loading' },
        );
      }),
    [people, data, errors, sync],
  );
  return <PresenceRosterView {...props} people={people} entries={entries} ref={ref} />;
});
