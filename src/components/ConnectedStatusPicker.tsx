import { forwardRef, useContext } from 'react';
import { usePresence, usePresenceSync, useSetPresence } from '../hooks';
import { PresenceUiContext } from './PresenceUiContext';
import type { StatusPickerProps } from './StatusPickerProps';
import { StatusPickerView } from './StatusPickerView';

/**
 * Sets the requesting user's presence through the provider: shows their live status, sends the
 * choice with `useSetPresence` (optimistic, rolled back with an announced error on failure).
 */
export const ConnectedStatusPicker = /* @__PURE__ */ forwardRef<HTMLButtonElement, StatusPickerProps>(function ConnectedStatusPicker(
  { onValueChange, onGraphValueChange, pending, error, graphPairs, graphTarget, ...props },
  ref,
) {
  const own = usePresence();
  const setPresence = useSetPresence();
  // On a Graph source (told by the provider's Graph support) the picker offers the pairs that
  // source can set, and sets them by pair key (which the Graph adapter accepts as a category).
  const client = usePresenceSync().client;
  const graphUi = useContext(PresenceUiContext).graph;
  const source = graphUi?.sourceOf(client);
  const target = graphTarget ?? source?.target;
  const pairs = graphPairs ?? source?.pairs;
  const ownGraph = own.data?.graph;
  return (
    <StatusPickerView
      {...props}
      ref={ref}
      graphPairs={pairs}
      graphTarget={target}
      value={pairs && ownGraph && graphUi ? graphUi.pairKey(ownGraph) : own.data?.category}
      pending={pending ?? (setPresence.isPending || own.isPending)}
      error={error ?? setPresence.error ?? (own.isError ? own.error : undefined)}
      // A failed first read changed nothing: it gets its own words, not "could not change".
      errorKind={error === undefined && !setPresence.error && own.isError ? 'read' : 'save'}
      onValueChange={(category, details) => {
        onValueChange?.(category, details);
        setPresence.mutate({ category, soft: details.soft });
      }}
      onGraphValueChange={(pair) => {
        onGraphValueChange?.(pair);
        if (graphUi) setPresence.mutate({ category: graphUi.pairKey(pair) });
      }}
    />
  );
});
