import { forwardRef, useContext } from 'react';
import { ConnectedStatusPicker } from './ConnectedStatusPicker';
import { PresenceUiContext } from './PresenceUiContext';
import type { StatusPickerProps } from './StatusPickerProps';
import { StatusPickerView } from './StatusPickerView';

export type { StatusChangeDetails, StatusPickerProps } from './StatusPickerProps';
export { TYPEAHEAD_RESET_MS } from './useTypeahead';

/**
 * Lets the requesting user choose their presence. Inside a `PresenceProvider` and without
 * `value`/`defaultValue` it is connected: it shows and sets the user's live presence. With
 * `value` (controlled) or `defaultValue` it is a plain input that makes no request.
 *
 * ```tsx
 * <StatusPicker />                                        // connected
 * <StatusPicker value={status} onValueChange={setStatus} /> // controlled, no network
 * ```
 */
export const StatusPicker = /* @__PURE__ */ forwardRef<HTMLButtonElement, StatusPickerProps>(function StatusPicker(props, ref) {
  // Connected like a badge given a `userId`: through the data hook `PresenceProvider` puts in the UI context.
  const connected = useContext(PresenceUiContext).usePresenceData !== undefined && props.value === undefined && props.defaultValue === undefined;
  return connected ? <ConnectedStatusPicker {...props} ref={ref} /> : <StatusPickerView {...props} ref={ref} />;
});
