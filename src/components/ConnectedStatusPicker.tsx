import { forwardRef, useContext, useState } from 'react';
import { usePresenceSync, useSetPresence, type SetPresenceVariables } from '../hooks';
import { PresenceUiContext } from './PresenceUiContext';
import type { StatusPickerProps } from './StatusPickerProps';
import { useConnectedData } from './useConnectedData';
import { StatusPickerView } from './StatusPickerView';

/**
 * Sets the requesting user's presence through the provider: shows their live status (read the
 * way a connected badge reads it, `useConnectedData('self')`), sends the choice with
 * `useSetPresence` (optimistic, rolled back with an announced error on failure).
 */
export const ConnectedStatusPicker = /* @__PURE__ */ forwardRef<HTMLButtonElement, StatusPickerProps>(function ConnectedStatusPicker(
  { onValueChange, onGraphValueChange, pending, error, graphPairs, graphTarget, ...props },
  ref,
) {
  const own = useConnectedData('self');
  const setPresence = useSetPresence();
  // On a Graph source (told by the provider's Graph support) the picker offers the pairs that
  // source can set, and sets them by pair key (which the Graph adapter accepts as a category).
  const graphUi = useContext(PresenceUiContext).graph;
  const { client } = usePresenceSync();
  // Asked of the injected Graph support, so Symphony-only bundles carry no Graph code.
  const source = graphUi?.sourceOf(client);
  const target = graphTarget ?? source?.target;
  const pairs = graphPairs ?? source?.pairs;
  const ownGraph = own.graph;
  const readFailed = own.status !== 'ready' && own.status !== 'loading';
  // The value chosen, shown from the commit that closes the list until its set settles. The
  // engine's optimistic update reaches this component a task later (it is applied once the
  // mutation starts, after a few microtasks, and react-query tells its observers on a
  // setTimeout(0)), so without it the closed picker painted the old status for one frame.
  // On failure the engine has rolled back by the time the set settles.
  const [chosen, setChosen] = useState<string>();
  const choose = (shown: string, variables: SetPresenceVariables): void => {
    setChosen(shown);
    setPresence.mutate(variables, { onSettled: () => setChosen((c) => (c === shown ? undefined : c)) });
  };
  return (
    <StatusPickerView
      {...props}
      ref={ref}
      graphPairs={pairs}
      graphTarget={target}
      value={chosen ?? (pairs && ownGraph && graphUi ? graphUi.pairKey(ownGraph) : own.category)}
      // `pending` means a set is in flight ("Saving status…"); a first read still under way is
      // `loading` ("Loading status"), busy the same way but saying what is really happening.
      pending={pending ?? (setPresence.isPending || chosen !== undefined)}
      loading={own.status === 'loading'}
      // An Error (not a string) so the view says `labels.readFailed` rather than a developer's message.
      error={error ?? setPresence.error ?? (readFailed ? new Error(`presence read failed: ${own.status}`) : undefined)}
      // A failed first read changed nothing: it gets its own words, not "could not change".
      errorKind={error === undefined && !setPresence.error && readFailed ? 'read' : 'save'}
      onValueChange={(category, details) => {
        onValueChange?.(category, details);
        choose(category, { category, soft: details.soft });
      }}
      onGraphValueChange={(pair) => {
        onGraphValueChange?.(pair);
        if (graphUi) choose(graphUi.pairKey(pair), { category: graphUi.pairKey(pair) });
      }}
    />
  );
});
