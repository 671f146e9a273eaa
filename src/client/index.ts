export { createSymphonyClient } from './createSymphonyClient';
export { parseRetryAfter } from './parseRetryAfter';
export { PresenceApiError, isPresenceApiError } from './PresenceApiError';
export type { PresenceApiErrorInit, PresenceApiErrorKind } from './PresenceApiError';
export type * from './types';
export * from './graph';
export { sessionKeyOf } from './sessionKey';
export {
  createHubStream,
  type HubConnection,
  type HubConnectionHandlers,
  type HubConnectionState,
  type HubSource,
  type HubSourceOptions,
} from './createHubStream';
