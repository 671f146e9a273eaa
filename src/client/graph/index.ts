export { createGraphClient, GRAPH_BATCH_MAX, GRAPH_V1_URL } from './createGraphClient';
export { GRAPH_STATUS_MESSAGE_MAX } from '../../model';
export { createGraphPresenceClient, isGraphPresenceClient } from './createGraphPresenceClient';
export type { GraphPresenceClient, GraphPresenceClientOptions } from './createGraphPresenceClient';
export type * from './types';
